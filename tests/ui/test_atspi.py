"""The app as a screen reader meets it: through the accessibility bus (AT-SPI) on a real X
display, every control shown has a name, and a button found by role and name presses.

The app runs as a user runs it (``python -m app``) under Xvfb with its own D-Bus session;
the reader is a script for the system Python (tests/bed/atspi_probe.py), because
python3-pyatspi is a Debian package the project's venv cannot import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app import APP_NAME
from tests.bed.podman import TEST_IMAGE
from tests.bed.session_bus import SYSTEM_PYTHON, SessionBus
from tests.conftest import linux_only, require_test_bed

pytestmark = linux_only
PROBE = Path(__file__).resolve().parent.parent / "bed" / "atspi_probe.py"


@pytest.fixture
def session_bus():
    require_test_bed(SessionBus.available(), "dbus-daemon, at-spi2-core or python3-pyatspi")
    bus = SessionBus()
    bus.start()
    yield bus
    bus.stop()


def _state(podman, name: str) -> str:
    return podman.cli("inspect", "--format", "{{.State.Status}}", name)


def test_a_screen_reader_finds_every_control_named_and_presses_stop(
    qtbot, podman, xvfb, session_bus
):
    podman.cli("run", "-d", "--name", "web", TEST_IMAGE, "sleep", "600")
    home = Path(tempfile.mkdtemp(prefix="a-", dir=os.environ["XDG_CACHE_HOME"]))
    for name in ("config", "state", "runtime"):
        (home / name).mkdir(mode=0o700)
    env = {
        **os.environ,
        "DISPLAY": xvfb.display,
        "QT_QPA_PLATFORM": "xcb",
        "DBUS_SESSION_BUS_ADDRESS": session_bus.address,
        "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
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
        probe = subprocess.run(
            [SYSTEM_PYTHON, str(PROBE), APP_NAME, "--select-row", "web", "--press", "Stop"],
            capture_output=True,
            text=True,
            timeout=90,
            env={**env, "PYTHONPATH": ""},  # the system's pyatspi, none of the venv
        )
        assert probe.returncode == 0, probe.stdout + probe.stderr
        report = json.loads(probe.stdout)
        assert report["unnamed"] == [], report
        assert {"Stop", "Remove", "Restart"} <= set(report["buttons"]), report
        assert report["selected"] and report["pressed"], report
        qtbot.waitUntil(lambda: _state(podman, "web") == "exited", timeout=30_000)
    finally:
        app.terminate()  # SIGTERM: the app quits as on Ctrl+C
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
        output = app.communicate(timeout=10)[0]
    assert "Traceback" not in output, output
