"""What the third-party client suites share (``docker_py_suite.py``, ``podman_py_suite.py``).

Issue 17's "the proxy is transparent to real clients": a client's own test suite, run
against one isolated Podman service four ways, with the same tests each time:

- ``direct``: the Podman socket itself (the reference);
- ``proxy-unix``: the app's proxy with a unix upstream;
- ``proxy-ssh``: the app's proxy with an ssh upstream (the test bed's sshd on loopback);
- ``ssh-L``: OpenSSH's ``ssh -L local.sock:podman.sock`` through the same sshd, as the
  reference forwarder.

This module makes the throwaway venv, opens each of the four targets, runs pytest with a
JUnit report and prints the counts and the tests whose outcome differs from ``direct``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.proxy import ProxyConfig, ProxyThread, UpstreamState  # noqa: E402
from tests.bed.podman import IsolatedPodman  # noqa: E402
from tests.bed.sshd import SshServer  # noqa: E402

SETUPS = ["direct", "proxy-unix", "proxy-ssh", "ssh-L"]


def suite_arguments(
    description: str, work: str, timeout: int
) -> tuple[argparse.Namespace, list[str], Path]:
    """The options both suites take: --work, --only, --timeout, -k. Returns the parsed
    options, the setups chosen (checked against SETUPS) and the work folder (made)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--work", default=work, help="venv, tests, Podman store")
    parser.add_argument("--only", default=",".join(SETUPS), help="comma-separated setups")
    parser.add_argument("--timeout", type=int, default=timeout, help="per-test timeout, seconds")
    parser.add_argument("-k", dest="select", default="", help="pytest -k expression")
    args = parser.parse_args()
    setups = args.only.split(",")
    if unknown := set(setups) - set(SETUPS):
        parser.error(f"unknown setup {unknown}; choose from {', '.join(SETUPS)}")
    folder = Path(args.work)
    folder.mkdir(parents=True, exist_ok=True)
    return args, setups, folder


def fresh_sshd(work: Path) -> tuple[SshServer, Path]:
    """The test bed's sshd under ``work/sshd`` made afresh (ssh-keygen will not overwrite
    keys), and the folder the setups' sockets and reports go in."""
    shutil.rmtree(work / "sshd", ignore_errors=True)
    run = work / "run"
    run.mkdir(exist_ok=True)
    return SshServer(work / "sshd"), run


def ensure_venv(work: Path, packages: list[str]) -> Path:
    """The venv under ``work`` with ``packages`` from PyPI (made once); its python."""
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def download_sdist(work: Path, python: Path, requirement: str, tree: Path) -> None:
    """Fetch ``requirement``'s source distribution from PyPI and unpack it in ``work``."""
    subprocess.run(
        [str(python), "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps"]
        + ["-d", str(work), requirement],
        check=True,
    )
    subprocess.run(["tar", "xzf", f"{tree.name}.tar.gz"], cwd=work, check=True)


def run_pytest(
    python: Path, cwd: Path, args: list[str], env: dict[str, str], report: Path, timeout: int
) -> dict[str, str]:
    """Run pytest quietly; each test's outcome (passed/failure/error/skipped) by name."""
    started = time.monotonic()
    report.unlink(missing_ok=True)
    subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--timeout={timeout}"]
        + [f"--junitxml={report}", "-o", "junit_family=xunit2", *args],
        cwd=cwd,
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


def run_setups(
    setups: list[str],
    forwarders: tuple[IsolatedPodman, SshServer, Path],
    label: str,
    reset: Callable[[], None],
    env_for: Callable[[Path], dict[str, str]],
    pytest: tuple[Path, Path, list[str], int],
) -> dict[str, dict[str, str]]:
    """Each setup in turn, on a store ``reset`` made clean: the suite's pytest
    (``python, tree, args, timeout``) with a clean environment plus ``env_for(socket)``
    for the setup's socket. Each test's outcome by setup."""
    bed, sshd, run = forwarders
    python, tree, args, timeout = pytest
    results: dict[str, dict[str, str]] = {}
    for setup in setups:
        reset()
        print(f"{setup}: running {label} integration tests…", file=sys.stderr)
        with target(setup, bed, sshd, run) as socket:
            env = clean_env() | {"HOME": str(run)} | env_for(socket)
            results[setup] = run_pytest(python, tree, args, env, run / f"{setup}.xml", timeout)
    return results


def clean_env(prefixes: tuple[str, ...] = ("DOCKER_", "CONTAINER")) -> dict[str, str]:
    """This process's environment without the variables that name an engine."""
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


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


@contextlib.contextmanager
def target(setup: str, bed: IsolatedPodman, sshd: SshServer, run: Path) -> Iterator[Path]:
    """The unix socket a client uses for ``setup`` (one of SETUPS), open while inside."""
    if setup == "direct":
        yield bed.socket_path
    elif setup in ("proxy-unix", "proxy-ssh"):
        upstream = bed.uri if setup == "proxy-unix" else sshd.uri(bed.socket_path)
        listen = run / f"{setup}.sock"
        proxy = ProxyThread(
            ProxyConfig(
                listen=f"unix://{listen}",
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
            yield listen
            status = proxy.status()  # the proof that the tests went through it
            print(
                f"  (the proxy served {status.total_clients} connections,"
                f" {status.bytes_to_clients / 1e6:.1f} MB to the clients)",
                file=sys.stderr,
            )
        finally:
            proxy.stop()
    elif setup == "ssh-L":
        local = run / "ssh-L.sock"
        forward = ssh_forward(sshd, bed.socket_path, local)
        try:
            yield local
        finally:
            forward.terminate()
            forward.wait(10)
    else:
        raise ValueError(f"unknown setup {setup!r}; choose from {', '.join(SETUPS)}")


def summarize(results: dict[str, dict[str, str]]) -> None:
    """Counts per setup, then every test whose outcome differs from ``direct``."""
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
