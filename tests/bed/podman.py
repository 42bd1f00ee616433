"""A fully isolated Podman for tests: its own store, runtime dirs, events log, networks.

A private ``--root`` alone still shares /run/libpod, the events log and the network
configs with the machine's own Podman (docs/podman-notes.md, "Isolating a test Podman"),
so everything is redirected through a private containers.conf and storage.conf, given by
CONTAINERS_CONF and CONTAINERS_STORAGE_CONF. Any ``podman`` run with :attr:`IsolatedPodman.env` (the
CLI, the service, the app under test) sees only this store.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import socket
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

TEST_IMAGE = "localhost/busybox:test"
BUSYBOX = Path("/bin/busybox")


def _conf(base: Path, network_backend: str) -> str:
    # lock_type "file": each store keeps its locks in its own tmp_dir, where the default
    # SHM locks are one table of 2,048 shared by every store of the user on the machine,
    # so parallel runs and leaked stores made each other's creates fail
    # (docs/podman-notes.md, "Isolating a test Podman").
    return f"""\
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]

[engine]
runtime = "runc"
tmp_dir = "{base}/tmp"
lock_type = "file"
events_logger = "file"
events_logfile_path = "{base}/events.log"
volume_path = "{base}/volumes"

[network]
network_backend = "{network_backend}"
network_config_dir = "{base}/networks"
"""


# Podman's default network "podman" under netavark is the bridge podman0 on 10.88.0.0/16,
# the same subnet as CNI's cni-podman0: with both up, the host routes 10.88/16 to the
# first one only and the other's published ports time out. The netavark bed therefore
# defines its default network itself, on its own bridge and subnet (docs/podman-notes.md,
# "Networks").
_DEFAULT_NETWORK_ID = "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"


def _write_default_netavark_network(config_dir: Path) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    routed = _routed_ipv4_prefixes()
    third = random.choice([n for n in range(256) if f"10.87.{n}." not in routed])
    network = {
        "name": "podman",
        "id": _DEFAULT_NETWORK_ID,
        "driver": "bridge",
        "network_interface": f"pdcnv{random.randint(0, 0xFFFFFF):06x}",
        "subnets": [{"subnet": f"10.87.{third}.0/24", "gateway": f"10.87.{third}.1"}],
        "ipv6_enabled": False,
        "internal": False,
        "dns_enabled": False,
        "ipam_options": {"driver": "host-local"},
    }
    (config_dir / "podman.json").write_text(json.dumps(network, indent=2))


def _routed_ipv4_prefixes() -> str:
    """The host's IPv4 routes as text ("10.88.0.0/16 dev …" lines), to avoid a subnet."""
    proc = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True)
    return proc.stdout


def _storage(base: Path) -> str:
    return f"""\
[storage]
driver = "overlay"
graphroot = "{base}/root"
runroot = "{base}/runroot"
"""


class IsolatedPodman:
    """One private Podman store, with its CLI and (optionally) its API service."""

    def __init__(self, base: Path, network_backend: str = "cni") -> None:
        # The backend is named, never left to Podman: with netavark installed, Podman
        # 4.3 picks it for a new store that has no CNI networks, which would switch
        # every test Podman silently (docs/podman-notes.md, "Networks").
        if network_backend not in ("cni", "netavark"):
            raise ValueError(f"unknown network backend {network_backend!r}")
        self.base = base
        self.network_backend = network_backend
        base.mkdir(parents=True, exist_ok=True)
        (base / "containers.conf").write_text(_conf(base, network_backend))
        if network_backend == "netavark":
            _write_default_netavark_network(base / "networks")
        (base / "storage.conf").write_text(_storage(base))
        self.socket_path = base / "podman.sock"
        self.env = {
            **os.environ,
            "CONTAINERS_CONF": str(base / "containers.conf"),
            "CONTAINERS_STORAGE_CONF": str(base / "storage.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(base / "registries.conf"),
        }
        (base / "registries.conf").write_text("unqualified-search-registries = []\n")
        self._service: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"unix://{self.socket_path}"

    def cli(self, *args: str, check: bool = True, timeout: float = 120) -> str:
        """Run ``podman ARGS`` against this store and return its stdout."""
        proc = subprocess.run(
            ["podman", *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"podman {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout.strip()

    # -- the API service -------------------------------------------------------------

    def start_service(self, socket_path: Path | None = None) -> None:
        """Start ``podman system service`` and return once it answers /_ping."""
        if socket_path is not None:
            self.socket_path = socket_path
        if self.socket_path.exists():
            self.socket_path.unlink()
        log = open(self.base / "service.log", "ab")  # noqa: SIM115 - closed with the process
        self._service = subprocess.Popen(
            ["podman", "system", "service", "--time=0", self.uri],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        self.wait_ready()

    def wait_ready(self, timeout: float = 20.0) -> None:
        # The service gives no readiness signal, so poll its socket with a deadline.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._service is not None and self._service.poll() is not None:
                raise RuntimeError(f"podman service exited: {self.service_log()}")
            if self._ping():
                return
            time.sleep(0.02)
        raise RuntimeError(f"podman service did not answer in {timeout}s: {self.service_log()}")

    def _ping(self) -> bool:
        return _answers(socket.AF_UNIX, str(self.socket_path))

    def service_log(self) -> str:
        path = self.base / "service.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop_service(self, kill: bool = False) -> None:
        proc, self._service = self._service, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill() if kill else proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    @property
    def service_running(self) -> bool:
        return self._service is not None and self._service.poll() is None

    @contextlib.contextmanager
    def tcp_service(self) -> Iterator[str]:
        """A second API service on this store at tcp://127.0.0.1:PORT (yields the URI)."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        uri = f"tcp://127.0.0.1:{port}"
        log = open(self.base / "tcp-service.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            ["podman", "system", "service", "--time=0", uri],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        try:
            deadline = time.monotonic() + 20.0
            # No readiness signal here either: poll the port with a deadline.
            while not _answers(socket.AF_INET, ("127.0.0.1", port)):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"podman service on {uri} did not start")
                time.sleep(0.02)
            yield uri
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    # -- content -----------------------------------------------------------------------

    def ensure_image(self, cache_dir: Path) -> str:
        """Import the offline busybox test image (the rootfs tarball is cached)."""
        if self.cli("images", "-q", TEST_IMAGE, check=False):
            return TEST_IMAGE
        tarball = build_busybox_rootfs(cache_dir)
        self.cli(
            "import",
            "--change",
            "ENV PATH=/bin",
            "--change",
            'CMD ["/bin/sh"]',
            # busybox as PID 1 ignores SIGTERM: without this every stop waits 10 s.
            "--change",
            "STOPSIGNAL SIGKILL",
            str(tarball),
            TEST_IMAGE,
        )
        return TEST_IMAGE

    def build_containers(self) -> set[str]:
        """Containers of builds still running (storage-only, not Podman's own): a
        cancelled build keeps its working container until its current step ends, and
        it counts as a user of its base image meanwhile."""
        every = set(self.cli("ps", "-a", "--external", "-q", check=False).split())
        return every - set(self.cli("ps", "-a", "-q", check=False).split())

    def clean(self) -> None:
        """Remove every container, pod, volume, secret and extra network (never system reset)."""
        self.cli("pod", "rm", "-af", "-t", "0", check=False)
        self.cli("rm", "-af", "-t", "0", check=False)
        self.cli("volume", "rm", "-af", check=False)
        self.cli("network", "prune", "-f", check=False)
        for secret in self.cli("secret", "ls", "-q", check=False).split():
            self.cli("secret", "rm", secret, check=False)

    def destroy(self) -> None:
        self.stop_service()
        self.cli("pod", "rm", "-af", "-t", "0", check=False)
        self.cli("rm", "-af", "-t", "0", check=False)
        # Removed first, so the store's services let go of what they hold before the
        # directory (with its file locks, see _conf) goes.
        self.cli("volume", "rm", "-af", check=False)
        _unmount_under(self.base)
        shutil.rmtree(self.base, ignore_errors=True)


def _answers(family: int, address: object) -> bool:
    """Whether an HTTP server at ``address`` answers ``GET /_ping``."""
    try:
        with socket.socket(family) as sock:
            sock.settimeout(2)
            sock.connect(address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
            return sock.recv(64).startswith(b"HTTP/1.")
    except OSError:
        return False


def build_busybox_rootfs(cache_dir: Path) -> Path:
    """A rootfs tarball holding Debian's static busybox and its applet links."""
    tarball = cache_dir / "busybox-rootfs.tar"
    if tarball.exists():
        return tarball
    if not BUSYBOX.exists():
        raise RuntimeError("/bin/busybox is missing: install busybox-static")
    applets = subprocess.run(
        [str(BUSYBOX), "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_suffix(".partial")
    with tarfile.open(partial, "w") as tar:
        for name in ("bin", "tmp", "etc", "proc", "sys", "dev", "root"):
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if name == "tmp" else 0o755
            tar.addfile(info)
        tar.add(str(BUSYBOX), arcname="bin/busybox")
        for applet in applets:
            if applet == "busybox":
                continue
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            tar.addfile(link)
        passwd = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
        info = tarfile.TarInfo("etc/passwd")
        info.size = len(passwd)
        tar.addfile(info, io.BytesIO(passwd))
    partial.rename(tarball)
    return tarball


def _unmount_under(base: Path) -> None:
    # A container killed mid-test can leave overlay or shm mounts that block rmtree.
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return
    points = [line.split()[1] for line in mounts if len(line.split()) > 1]
    for point in sorted((p for p in points if p.startswith(str(base))), reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)
