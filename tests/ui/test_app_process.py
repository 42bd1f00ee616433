"""The whole app as a user starts it: `python -m app`, offscreen, on the isolated Podman."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest


class AppProcess:
    """`python -m app --debug`, with its log lines readable as they come."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "--debug", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip())
        self.lines.put("")  # end of output

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"{text!r} not seen; output: {self.seen[-20:]}") from None
            self.seen.append(line)
            if text in line:
                return line
            if line == "" and self.proc.poll() is not None:
                raise AssertionError(f"app exited before {text!r}: {self.seen[-20:]}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture
def app_env():
    # Short: the instance socket lives under XDG_RUNTIME_DIR (unix paths max 107 bytes).
    home = Path(tempfile.mkdtemp(prefix="app-", dir=os.environ["XDG_CACHE_HOME"]))
    for name in ("config", "state", "runtime"):
        (home / name).mkdir(parents=True, mode=0o700)
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
    }


def test_app_connects_hands_a_second_launch_over_and_exits_cleanly(podman, app_env):
    app = AppProcess("--connection", podman.uri, env=app_env)
    try:
        app.wait_for(f"{podman.uri}: connected")
        second = subprocess.run(
            [sys.executable, "-m", "app", "--connection", podman.uri],
            capture_output=True,
            text=True,
            timeout=30,
            env=app_env,
        )
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        app.wait_for("request from another launch")
    finally:
        code = app.stop()
    assert code == 0
    assert not any("Traceback" in line for line in app.seen)
    log_file = Path(app_env["XDG_STATE_HOME"]) / "podman-desktop-companion" / "app.log"
    assert "starting" in log_file.read_text()
