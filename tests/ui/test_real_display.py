"""The app in a real X window (Xvfb + Qt's xcb plugin), found and closed with xdotool."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import linux_only

pytestmark = linux_only


def test_window_maps_on_a_real_display_and_closes(podman, xvfb):
    home = Path(tempfile.mkdtemp(prefix="x-", dir=os.environ["XDG_CACHE_HOME"]))
    for name in ("config", "state", "runtime"):
        (home / name).mkdir(mode=0o700)
    env = {
        **os.environ,
        "DISPLAY": xvfb.display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "app", "--connection", podman.uri],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        # --sync waits for the window to be mapped: no sleeping on our side.
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Podman Desktop Companion"],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
        )
        assert found.returncode == 0, found.stderr
        window_id = found.stdout.split()[0]
        # Ctrl+Q, the Quit shortcut, sent to the window as a user would press it.
        subprocess.run(
            ["xdotool", "windowfocus", "--sync", window_id, "key", "--clearmodifiers", "ctrl+q"],
            env=env,
            check=True,
            timeout=10,
        )
        assert app.wait(timeout=15) == 0
    finally:
        if app.poll() is None:
            app.kill()
        output = app.communicate(timeout=10)[0]
    assert "Traceback" not in output, output
