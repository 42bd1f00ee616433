"""The command line, run as a user runs it: `python -m app …` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


@pytest.mark.parametrize("args", [["--bogus"], ["connections", "--nope"], ["frobnicate"]])
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
