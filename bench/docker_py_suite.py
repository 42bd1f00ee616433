"""docker-py's own integration tests through the proxy (a script, not a test).

``python tools/docker_py_suite.py [--work /tmp/pdc-docker-py] [--only direct,proxy-unix]``

Issue 17's "the proxy is transparent to real clients": a third-party client's own test
suite, run against one isolated Podman service four ways, with the same tests each time:

- ``direct``: the Podman socket itself (the reference);
- ``proxy-unix``: the app's proxy with a unix upstream;
- ``proxy-ssh``: the app's proxy with an ssh upstream (the test bed's sshd on loopback);
- ``ssh-L``: OpenSSH's ``ssh -L local.sock:podman.sock`` through the same sshd, as the
  reference forwarder.

It prints passed/failed/error/skipped per setup and the names of tests whose outcome
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

import argparse
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.proxy import ProxyConfig, ProxyThread, UpstreamState  # noqa: E402
from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402
from tests.bed.sshd import SshServer  # noqa: E402

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
SETUPS = ["direct", "proxy-unix", "proxy-ssh", "ssh-L"]


def ensure_venv(work: Path) -> Path:
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    return python


def ensure_tests(work: Path, python: Path) -> Path:
    tree = work / f"docker-{DOCKER_PY}"
    if not (tree / "tests" / "integration").is_dir():
        subprocess.run(
            [str(python), "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps"]
            + ["-d", str(work), f"docker=={DOCKER_PY}"],
            check=True,
        )
        subprocess.run(["tar", "xzf", str(work / f"docker-{DOCKER_PY}.tar.gz")], cwd=work)
    # The tests must import the installed docker, not the sdist's package beside them.
    if (tree / "docker").exists():
        shutil.rmtree(tree / "docker")
    return tree


def run_pytest(
    python: Path, tree: Path, host: str, report: Path, timeout: int, select: str = ""
) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "CONTAINER"))}
    env |= {"DOCKER_HOST": host, "DOCKER_TEST_API_VERSION": "1.41", "HOME": str(report.parent)}
    started = time.monotonic()
    subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--timeout={timeout}"]
        + [f"--junitxml={report}", "-o", "junit_family=xunit2"]
        + (["-k", select] if select else [])
        + [f"tests/integration/{name}" for name in FILES],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname', '').split('.')[-1]}::{case.get('name')}"
        kinds = {child.tag for child in case}
        outcomes[name] = next((k for k in ("failure", "error", "skipped") if k in kinds), "passed")
    print(f"  ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
    return outcomes


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


def ssh_forward(sshd: SshServer, remote: Path, local: Path) -> subprocess.Popen:
    """``ssh -N -L local:remote`` (OpenSSH, the reference forwarder)."""
    local.unlink(missing_ok=True)
    proc = subprocess.Popen(
        ["ssh", "-N", "-p", str(sshd.port), "-i", str(sshd.client_key)]
        + ["-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no"]
        + ["-o", f"UserKnownHostsFile={local.parent}/known_hosts", "-o", "ExitOnForwardFailure=yes"]
        + ["-o", "StreamLocalBindUnlink=yes", "-L", f"{local}:{remote}"]
        + [f"{sshd.user}@127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while not local.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"ssh -L did not start: {proc.stderr.read().decode()}")
        time.sleep(0.05)
    return proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default="/tmp/pdc-docker-py", help="venv, tests, Podman store")
    parser.add_argument("--only", default=",".join(SETUPS), help="comma-separated setups")
    parser.add_argument("--timeout", type=int, default=60, help="per-test timeout, seconds")
    parser.add_argument("-k", dest="select", default="", help="pytest -k expression")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    python = ensure_venv(work)
    tree = ensure_tests(work, python)
    cache = work / "cache"
    bed = IsolatedPodman(work / "podman")
    shutil.rmtree(work / "sshd", ignore_errors=True)  # ssh-keygen will not overwrite keys
    sshd = SshServer(work / "sshd")
    run = work / "run"
    run.mkdir(exist_ok=True)
    bed.start_service()
    sshd.start()
    results: dict[str, dict[str, str]] = {}
    try:
        for setup in args.only.split(","):
            reset_store(bed, cache)
            print(f"{setup}: running docker-py {DOCKER_PY} integration tests…", file=sys.stderr)
            report = run / f"{setup}.xml"

            def tests_at(host: str, report: Path = report) -> dict:
                return run_pytest(python, tree, host, report, args.timeout, args.select)

            if setup == "direct":
                results[setup] = tests_at(bed.uri)
            elif setup.startswith("proxy-"):
                upstream = bed.uri if setup == "proxy-unix" else sshd.uri(bed.socket_path)
                proxy = ProxyThread(
                    ProxyConfig(
                        listen=f"unix://{run}/{setup}.sock",
                        upstream=upstream,
                        identity=str(sshd.client_key),
                        known_hosts=str(run / "known_hosts"),
                        accept_new_host_key=True,
                    )
                )
                proxy.start()
                try:
                    deadline = time.monotonic() + 15
                    while proxy.status().upstream_state is not UpstreamState.UP:
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"{setup}: {proxy.status().last_error}")
                        time.sleep(0.05)
                    results[setup] = tests_at(proxy.endpoint)
                finally:
                    proxy.stop()
            elif setup == "ssh-L":
                local = run / "ssh-L.sock"
                forward = ssh_forward(sshd, bed.socket_path, local)
                try:
                    results[setup] = tests_at(f"unix://{local}")
                finally:
                    forward.terminate()
                    forward.wait(10)
            else:
                parser.error(f"unknown setup {setup!r}; choose from {', '.join(SETUPS)}")
    finally:
        sshd.stop()
        bed.stop_service()
    summarize(results)
    return 0


def summarize(results: dict[str, dict[str, str]]) -> None:
    kinds = ("passed", "failure", "error", "skipped")
    print(f"{'setup':<12}" + "".join(f"{k:>9}" for k in kinds) + f"{'total':>9}")
    for setup, outcomes in results.items():
        counts = [sum(1 for v in outcomes.values() if v == k) for k in kinds]
        print(f"{setup:<12}" + "".join(f"{c:>9}" for c in counts) + f"{len(outcomes):>9}")
    reference = results.get("direct")
    if reference is None:
        return
    for setup, outcomes in results.items():
        if setup == "direct":
            continue
        differ = sorted(n for n in reference if outcomes.get(n) != reference[n])
        print(f"\n{setup}: {len(differ)} differ from direct")
        for name in differ:
            print(f"  {name}: direct {reference[name]}, {setup} {outcomes.get(name)}")


if __name__ == "__main__":
    sys.exit(main())
