"""docker-py's own integration tests through the proxy (a script, not a test).

``python bench/docker_py_suite.py [--work /tmp/pdc-docker-py] [--only direct,proxy-unix]``

Issue 17's "the proxy is transparent to real clients": docker-py's own test suite, run
against one isolated Podman service four ways (``direct``, ``proxy-unix``, ``proxy-ssh``,
``ssh-L``: see ``bench/client_suites.py``), with the same tests each time. It prints
passed/failed/error/skipped per setup and the names of tests whose outcome
differs from ``direct``. Nothing here enters the pytest suite: docker-py and its tests
live in a throwaway venv under --work, made on first use from PyPI (docker 6.1.3 is the
last release whose source distribution ships tests/; requests < 2.32 because 6.1.3
predates the http+docker scheme change of requests 2.32).

Offline: the tests want ``alpine:3.10`` (and a few ``busybox``); the machine cannot pull,
so the test bed's static busybox image is tagged under those names
(docker.io/library/alpine:3.10, docker.io/library/busybox:latest, …). Tests that pull,
push, log in, or need swarm, plugins or a registry fail or skip the same way in every
setup; what matters is the difference from ``direct``.
"""

from __future__ import annotations

import shutil
import sys
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
from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402

DOCKER_PY = "6.1.3"
PACKAGES = [
    f"docker=={DOCKER_PY}",
    "requests<2.32",
    "urllib3<2",
    "pytest<8",
    "pytest-timeout",
    "paramiko",
]
# The files that exercise a single engine (swarm, services, secrets, configs, nodes and
# plugins need a swarm or the network; Podman has none of them).
FILES = [
    "api_build_test.py",
    "api_client_test.py",
    "api_container_test.py",
    "api_exec_test.py",
    "api_healthcheck_test.py",
    "api_image_test.py",
    "api_network_test.py",
    "api_volume_test.py",
    "client_test.py",
    "errors_test.py",
    "models_containers_test.py",
    "models_images_test.py",
    "models_networks_test.py",
    "models_resources_test.py",
    "models_volumes_test.py",
    "regression_test.py",
]
# What the tests run, under the names they use.
ALIASES = [
    "docker.io/library/alpine:3.10",
    "docker.io/library/alpine:latest",
    "docker.io/library/busybox:latest",
    "docker.io/library/busybox:buildroot-2014.02",
]


def ensure_tests(work: Path, python: Path) -> Path:
    tree = work / f"docker-{DOCKER_PY}"
    if not (tree / "tests" / "integration").is_dir():
        download_sdist(work, python, f"docker=={DOCKER_PY}", tree)
    # The tests must import the installed docker, not the sdist's package beside them.
    if (tree / "docker").exists():
        shutil.rmtree(tree / "docker")
    return tree


def prepare_store(bed: IsolatedPodman, cache: Path) -> None:
    bed.ensure_image(cache)
    for alias in ALIASES:
        bed.cli("tag", TEST_IMAGE, alias)


def reset_store(bed: IsolatedPodman, cache: Path) -> None:
    """What one run left (containers, volumes, networks, images it built or tagged)."""
    bed.clean()
    keep = {TEST_IMAGE, *ALIASES}
    for line in bed.cli("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").splitlines():
        name, image_id = line.split()
        if name not in keep:
            bed.cli("rmi", "-f", image_id, check=False)
    prepare_store(bed, cache)


def main() -> int:
    args, setups, work = suite_arguments(__doc__.split("\n")[0], "/tmp/pdc-docker-py", 60)
    python = ensure_venv(work, PACKAGES)
    tree = ensure_tests(work, python)
    cache = work / "cache"
    bed = IsolatedPodman(work / "podman")
    sshd, run = fresh_sshd(work)
    bed.start_service()
    sshd.start()
    pytest_args = (["-k", args.select] if args.select else []) + [
        f"tests/integration/{name}" for name in FILES
    ]
    try:
        results = run_setups(
            setups,
            (bed, sshd, run),
            f"docker-py {DOCKER_PY}",
            lambda: reset_store(bed, cache),
            lambda socket: {"DOCKER_HOST": f"unix://{socket}", "DOCKER_TEST_API_VERSION": "1.41"},
            (python, tree, pytest_args, args.timeout),
        )
    finally:
        sshd.stop()
        bed.stop_service()
    summarize(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
