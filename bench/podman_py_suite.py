"""podman-py's own integration tests through the proxy (a script, not a test).

``python bench/podman_py_suite.py [--work /tmp/pdc-podman-py] [--only direct,proxy-ssh] [-k …]``

Issue 17's "the proxy is transparent to real clients", with the client the app itself
uses: podman-py's integration tests (``podman/tests/integration/`` of its source
distribution on PyPI), run against one isolated Podman four ways (``direct``,
``proxy-unix``, ``proxy-ssh``, ``ssh-L``: see ``bench/client_suites.py``). It prints
passed/failed/error/skipped per setup and the tests whose outcome differs from ``direct``.
Nothing enters the pytest suite: podman-py 5.8.0 with fixtures, pytest and pytest-timeout
live in a throwaway venv under --work; the tests run from the unpacked sdist, unmodified
(so its own copy of the ``podman`` package, the same release, is the one they import).

Pointing the tests at an existing service: every test's ``setUp`` starts its own
``podman system service`` on a socket in a fresh temporary directory, through
``podman.tests.integration.utils.PodmanLauncher``. A small pytest plugin (written under
--work and loaded with ``-p``) replaces that class: for a ``unix://`` socket its start
makes the socket path a symbolic link to the setup's socket, and its stop removes it;
``connect()`` follows the link, so every request the tests make goes to the setup's
socket. A launcher for anything else (``test_tcp_ping``'s ``tcp:localhost:8889``) is
the real one, started on the same isolated store: it bypasses the forwarders, alike in
every setup.

Offline: the tests pull ``quay.io/libpod/alpine``, ``…/busybox`` and ``…/alpine_labels``,
build ``FROM alpine`` and pull ``ubi8``. The machine cannot reach those registries, so
the test bed's loopback registry (Debian's docker-registry) serves them as the mirror of
quay.io and docker.io (the isolated Podman's registries.conf; short names resolve to
docker.io), holding a stand-in made from the test bed's busybox with the applets also
under /usr/bin (``top`` is ``/usr/bin/top`` in the tests) under each of those names.
The mirror serves HTTPS with a throwaway self-signed certificate that only this
Podman service trusts (``SSL_CERT_FILE`` in its environment): podman-py's pull sends
``tlsVerify=true``, which overrides registries.conf's ``insecure``, so a plain-HTTP
mirror would fail every pull. The pull requests and their progress cross the forwarder
(the layers go from the mirror to Podman). Tests that need the real
images' content or another Podman version fail alike in every setup; what matters is the
difference from ``direct``.

Not run: ``AdapterIntegrationTest::test_ssh_ping`` (it logs in to an sshd on port 22 of
localhost as the current user with the user's own keys; there is none here, and it
hangs until the per-test timeout in every setup).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client_suites import (  # noqa: E402
    download_sdist,
    ensure_venv,
    fresh_sshd,
    run_setups,
    suite_arguments,
    summarize,
)
from tests.bed.podman import IsolatedPodman, build_busybox_rootfs  # noqa: E402
from tests.bed.registry import Registry  # noqa: E402

PODMAN_PY = "5.8.0"
PACKAGES = [f"podman=={PODMAN_PY}", "fixtures", "pytest<9", "pytest-timeout"]
NOT_RUN = "test_adapters.py::AdapterIntegrationTest::test_ssh_ping"  # see the docstring
STAND_IN = "localhost/alpine-stand-in:test"
# Where the tests pull from, as paths in the mirror registry (quay.io/X and docker.io/X
# are both fetched as 127.0.0.1:PORT/X).
MIRRORED = ["libpod/alpine", "libpod/busybox", "libpod/alpine_labels", "library/alpine"]
MIRRORED += ["library/ubi8"]

PLUGIN = '''\
"""Point podman-py's integration tests at an existing service (podman_py_suite.py)."""

import os
from contextlib import suppress

from podman.tests.integration import utils

TARGET = os.environ["PDC_PODMAN_SOCKET"]


class ExistingService(utils.PodmanLauncher):
    """A unix:// "service" that is a symbolic link to TARGET; others are real."""

    def __init__(self, socket_uri, *args, **kwargs):
        super().__init__(socket_uri, *args, **kwargs)
        self.linked = socket_uri.startswith("unix://")

    def start(self, check_socket=True):
        if not self.linked:
            return super().start(check_socket)
        os.symlink(TARGET, self.socket_file)

    def stop(self):
        if not self.linked:
            return super().stop()
        with suppress(FileNotFoundError):
            os.remove(self.socket_file)


utils.PodmanLauncher = ExistingService
'''


def registries_conf(mirror: Registry) -> str:
    """quay.io and docker.io both mirrored by the loopback registry; short names go to
    docker.io, as on a default Podman host."""
    lines = ['unqualified-search-registries = ["docker.io"]', ""]
    for prefix in ("quay.io", "docker.io"):
        lines += ["[[registry]]", f'prefix = "{prefix}"', f'location = "{prefix}"']
        lines += ["[[registry.mirror]]", f'location = "{mirror.address}"', ""]
    return "\n".join(lines)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (a CA, so Go takes it as a root)."""
    directory.mkdir(parents=True, exist_ok=True)
    certificate, key = directory / "registry.crt", directory / "registry.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "7", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


def ensure_tests(work: Path, python: Path) -> Path:
    tree = work / f"podman-{PODMAN_PY}"
    if not (tree / "podman" / "tests" / "integration").is_dir():
        download_sdist(work, python, f"podman=={PODMAN_PY}", tree)
    plugins = work / "plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / "pdc_existing_service.py").write_text(PLUGIN)
    return tree


def make_stand_in(bed: IsolatedPodman, cache: Path) -> None:
    """The test bed's busybox rootfs with every applet also under /usr/bin, imported as
    the test image is (an import, not a build: a build would add a buildah label, and
    ``test_container_labels`` compares the labels whole)."""
    bed.ensure_image(cache)
    if bed.cli("images", "-q", STAND_IN, check=False):
        return
    applets = subprocess.run(
        ["/bin/busybox", "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    with tempfile.TemporaryDirectory() as scratch:
        tarball = Path(scratch) / "stand-in.tar"
        with tarfile.open(build_busybox_rootfs(cache)) as rootfs, tarfile.open(tarball, "w") as out:
            for member in rootfs.getmembers():
                out.addfile(member, rootfs.extractfile(member) if member.isfile() else None)
            for name in ("usr", "usr/bin", "usr/sbin", "sbin"):
                info = tarfile.TarInfo(name)
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                out.addfile(info)
            for applet in applets:
                link = tarfile.TarInfo(f"usr/bin/{applet}")
                link.type, link.linkname = tarfile.SYMTYPE, "/bin/busybox"
                out.addfile(link)
        bed.cli(
            "import",
            "--change",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--change",
            'CMD ["/bin/sh"]',
            "--change",
            "STOPSIGNAL SIGKILL",  # as the test image: busybox as PID 1 ignores SIGTERM
            str(tarball),
            STAND_IN,
        )


def fill_mirror(bed: IsolatedPodman, cache: Path, mirror: Registry) -> None:
    """Build the stand-in afresh and push it under every mirrored name."""
    reset_store(bed, cache)  # a stand-in kept from an older version of this script goes
    for path in MIRRORED:
        bed.cli("push", "--tls-verify=false", STAND_IN, f"{mirror.address}/{path}:latest")


def reset_store(bed: IsolatedPodman, cache: Path) -> None:
    """What one run left: containers, pods, volumes, networks, secrets, and every image
    (so each setup pulls through its forwarder). Every image goes, the two made here
    then made again, because a manifest test can leave a list whose instance is gone,
    after which ``podman images`` itself fails."""
    bed.clean()
    bed.cli("rmi", "-af", check=False)
    make_stand_in(bed, cache)


def main() -> int:
    args, setups, work = suite_arguments(__doc__.split("\n")[0], "/tmp/pdc-podman-py", 120)
    python = ensure_venv(work, PACKAGES)
    tree = ensure_tests(work, python)
    bed = IsolatedPodman(work / "podman")
    certificate, key = make_certificate(work / "tls")
    mirror = Registry(work / "registry", tls=(certificate, key))
    (bed.base / "registries.conf").write_text(registries_conf(mirror))
    bed.env["SSL_CERT_FILE"] = str(certificate)  # Go's roots: this service trusts the mirror
    sshd, run = fresh_sshd(work)
    mirror.start()
    bed.start_service()
    sshd.start()
    pytest_args = ["-p", "pdc_existing_service", "podman/tests/integration"]
    pytest_args += ["--deselect", f"podman/tests/integration/{NOT_RUN}"]
    pytest_args += ["-k", args.select] if args.select else []
    try:
        fill_mirror(bed, work / "cache", mirror)
        results = run_setups(
            setups,
            (bed, sshd, run),
            f"podman-py {PODMAN_PY}",
            lambda: reset_store(bed, work / "cache"),
            lambda socket: {
                "PDC_PODMAN_SOCKET": str(socket),
                "PYTHONPATH": str(work / "plugins"),
                # The real launcher (tcp only) and the tests' own CLI calls: this store.
                **{k: v for k, v in bed.env.items() if k.startswith("CONTAINERS_")},
            },
            (python, tree, pytest_args, args.timeout),
        )
    finally:
        sshd.stop()
        bed.stop_service()
        mirror.stop()
    summarize(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
