"""The command line, run as a user runs it: `python -m app …` in a subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app import __version__


def run_app(*args: str, timeout: float = 60, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or os.environ.copy(),
    )


def test_version():
    proc = run_app("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"podman-desktop-companion {__version__}"


PROXY = ["proxy", "--listen", "unix:///nonexistent/x.sock", "--upstream", "unix:///y.sock"]


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["connections", "--nope"],
        ["frobnicate"],
        [*PROXY, "--wait", "-5"],
        [*PROXY, "--wait", "nan"],
        [*PROXY, "--wait", "soon"],
    ],
)
def test_bad_argument_is_one_line_and_exit_2(args):
    proc = run_app(*args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_connections_json_lists_the_local_connection():
    proc = run_app("connections", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    local = [r for r in rows if r["source"] == "local"]
    assert len(local) == 1
    assert local[0]["uri"] == f"unix://{os.environ['PDC_LOCAL_SOCKET']}"
    assert local[0]["kind"] == "unix"


def test_connections_text_lists_podmans_connections(tmp_path):
    conf = tmp_path / "containers.conf"
    conf.write_text(Path(os.environ["CONTAINERS_CONF"]).read_text())
    env = {**os.environ, "CONTAINERS_CONF": str(conf)}
    subprocess.run(
        ["podman", "system", "connection", "add", "devbox", "unix:///run/devbox.sock"],
        env=env,
        check=True,
        capture_output=True,
    )
    proc = run_app("connections", env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("devbox") and "unix:///run/devbox.sock" in line for line in lines)


def test_ping_reaches_the_service(podman):
    proc = run_app("ping", "--connection", podman.uri)
    assert proc.returncode == 0, proc.stderr
    version = podman.cli("version", "--format", "{{.Server.Version}}")
    assert f"Podman {version}" in proc.stdout


def test_unreachable_connection_is_one_line_and_exit_1(tmp_path):
    proc = run_app("ping", "--connection", f"unix://{tmp_path}/nothing.sock")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "nothing is listening" in proc.stderr and "Traceback" not in proc.stderr


def test_a_web_server_that_is_not_podman_is_named_so(tmp_path):
    """A real HTTP server (Python's own, serving an empty folder) on loopback TCP: it
    answers 404 to /version, which every Podman serves."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            proc = run_app("ping", "--connection", f"tcp://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "but not the Podman API" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_connection_name_is_a_bad_argument():
    proc = run_app("ping", "--connection", "no-such-connection")
    assert proc.returncode == 2
    assert "no connection named 'no-such-connection'" in proc.stderr


def test_no_display_is_one_line_not_a_qt_abort():
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    proc = run_app(env=env)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "podman-desktop-companion: no display: run the app in a desktop session (DISPLAY or "
        "WAYLAND_DISPLAY is not set), or use a headless command: connections, ping, proxy"
    ]


# -- ping over ssh://, through the app's own proxy (the real sshd stands in for a machine) --


def _known_hosts() -> Path:
    return Path(os.environ["HOME"]) / ".ssh" / "known_hosts"


def _leftover_proxy_sockets() -> list[Path]:
    return sorted((Path(os.environ["XDG_RUNTIME_DIR"]) / "podman-desktop-companion").glob("ping-*"))


def test_ping_over_ssh_goes_through_the_proxy_and_stops_it(podman, sshd):
    _known_hosts().unlink(missing_ok=True)
    uri = sshd.uri(podman.socket_path)
    proc = run_app(
        "ping", "--connection", uri, "--identity", str(sshd.client_key), "--accept-new-host-key"
    )
    assert proc.returncode == 0, proc.stderr
    version = podman.cli("version", "--format", "{{.Server.Version}}")
    assert proc.stdout.startswith(f"{uri}: Podman {version} ") and proc.stdout.strip().endswith(
        f"at {uri}"
    ), proc.stdout
    assert sshd.host_public_key.split()[1] in _known_hosts().read_text()  # recorded, as asked
    assert _leftover_proxy_sockets() == []


def test_ping_over_ssh_refuses_an_unknown_host_key_in_one_line(podman, sshd):
    _known_hosts().unlink(missing_ok=True)
    uri = sshd.uri(podman.socket_path)
    proc = run_app("ping", "--connection", uri, "--identity", str(sshd.client_key))
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "not known" in proc.stderr and "--accept-new-host-key" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not _known_hosts().exists()
    assert _leftover_proxy_sockets() == []


def test_ping_trusts_a_machines_host_key_as_podman_does(podman, sshd, tmp_path):
    """A named machine connection: its own identity, and its key trusted without asking."""
    _known_hosts().unlink(missing_ok=True)
    conf = tmp_path / "containers.conf"
    conf.write_text(
        Path(os.environ["CONTAINERS_CONF"]).read_text()
        + "\n[engine.service_destinations.test-machine]\n"
        + f'uri = "{sshd.uri(podman.socket_path)}"\n'
        + f'identity = "{sshd.client_key}"\n'
        + "is_machine = true\n"
    )
    proc = run_app(
        "ping", "--connection", "test-machine", env={**os.environ, "CONTAINERS_CONF": str(conf)}
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("test-machine: Podman ")
    assert not _known_hosts().exists()  # trusted as Podman trusts machines, not recorded


def test_ping_over_ssh_to_nothing_is_one_line_and_exit_1(sshd, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = run_app("ping", "--connection", f"ssh://{sshd.user}@127.0.0.1:{port}/run/x.sock")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "connection refused" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_ssh_address_is_a_bad_argument():
    proc = run_app("ping", "--connection", "ssh://core@127.0.0.1:99999/run/podman.sock")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
