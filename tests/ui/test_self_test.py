"""`--self-test` as an installer's build runs it: a subprocess, offscreen, on the real
Podman service, starting nothing and writing no settings."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app import __version__


@pytest.fixture
def clean_env():
    """An environment whose config, state and runtime dirs start empty, and no display."""
    home = Path(tempfile.mkdtemp(prefix="st-", dir=os.environ["XDG_CACHE_HOME"]))
    for name in ("config", "state", "runtime"):
        (home / name).mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        QT_QPA_PLATFORM="xcb",  # the self-test must force offscreen itself
    )
    return home, env


def _self_test(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "--self-test", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_self_test_checks_modules_icons_and_the_window_on_a_connection(podman, clean_env):
    home, env = clean_env
    podman.cli("create", "--name", "self-tested", "localhost/busybox:test")
    done = _self_test(env, "--connection", podman.uri)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"Podman Desktop Companion {__version__} self-test")
    assert any(line.startswith("ok: imported ") and "modules under app/" in line for line in lines)
    assert any(line.startswith("ok: loaded ") and " icons" in line for line in lines)
    version = podman.cli("version", "--format", "{{.Server.Version}}")
    assert f"ok: opened the main window on {podman.uri} (Podman {version}; 1 containers" in (
        done.stdout
    )
    assert lines[-1] == "self-test passed"
    assert "Traceback" not in done.stderr
    # No settings, no instance socket, no proxy socket: it started nothing it left behind.
    assert not any((home / "config").iterdir())
    assert not any((home / "runtime").iterdir())


def test_self_test_fails_with_the_reason_when_the_connection_does_not_answer(clean_env):
    home, env = clean_env
    missing = f"unix://{home}/runtime/nothing.sock"
    done = _self_test(env, "--connection", missing)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith(f"FAILED: {missing}")
    assert "ok: loaded" in done.stdout  # the checks before it still ran and said so
