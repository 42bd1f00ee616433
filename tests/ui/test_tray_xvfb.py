"""The tray icon on a real X display (Xvfb) with a real tray host (Debian's trayer):
the icon appears, its menu opens, and the app started with --minimized lives there
until the icon is clicked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.bed.podman import TEST_IMAGE
from tests.conftest import linux_only

pytestmark = linux_only
ROOT = Path(__file__).resolve().parents[2]
SHOT = "/tmp/pdc-tray-xvfb.png"
APP_CLASS = "podman-desktop-companion"


def _xdotool(env, *args):
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=30)


@pytest.fixture
def desktop(xvfb):
    """The Xvfb display with trayer docked top-left, and an environment for the app."""
    home = Path(tempfile.mkdtemp(prefix="t-", dir=os.environ["XDG_CACHE_HOME"]))
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
    trayer = subprocess.Popen(
        [
            "trayer",
            "--edge",
            "top",
            "--align",
            "left",
            "--widthtype",
            "pixel",
            "--width",
            "200",
            "--heighttype",
            "pixel",
            "--height",
            "32",
            "--SetDockType",
            "true",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--class", "trayer"],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert found.returncode == 0, "trayer did not map its window"
    yield env, home
    trayer.terminate()
    trayer.wait(10)


def test_tray_icon_appears_and_its_menu_opens(desktop, podman):
    env, home = desktop
    podman.cli("run", "-d", "--name", "web", "-p", "127.0.0.1::80", TEST_IMAGE, "sleep", "600")
    probe = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "data" / "tray_probe.py"),
            str(home / "settings.ini"),
            SHOT,
            podman.uri,
        ],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["available"] and result["visible"]
    assert result["menu_visible"]
    assert result["menu_items"][0].endswith(" — Connected")
    assert "Running Containers (1)" in result["menu_items"]
    assert "1 running container" in result["tooltip"]
    assert result["menu_items"][-3:] == ["Show Window", "Settings…", "Quit"]
    x, y, w, h = result["geometry"]
    assert w > 0 and h > 0 and y < 32  # docked in trayer's strip
    assert Path(SHOT).stat().st_size > 0
    assert "Traceback" not in probe.stderr


def test_minimized_app_lives_in_the_tray_until_clicked(desktop, podman):
    env, _home = desktop
    app = subprocess.Popen(
        [sys.executable, "-m", "app", "--connection", podman.uri, "--minimized"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # The icon is a window of the app's class embedded in trayer; the main window is
        # a top-level one (depth 1) and stays unmapped until the icon is clicked.
        icon = _xdotool(env, "search", "--sync", "--onlyvisible", "--class", APP_CLASS)
        assert icon.returncode == 0, icon.stderr
        (icon_id,) = icon.stdout.split()
        top = ("search", "--onlyvisible", "--maxdepth", "1", "--class", APP_CLASS)
        assert _xdotool(env, *top).stdout.strip() == ""
        clicked = _xdotool(env, "mousemove", "--window", icon_id, "8", "8", "click", "1")
        assert clicked.returncode == 0, clicked.stderr
        shown = _xdotool(env, top[0], "--sync", *top[1:])
        assert shown.returncode == 0, "clicking the tray icon did not show the window"
    finally:
        app.terminate()
        try:
            app.wait(15)
        except subprocess.TimeoutExpired:
            app.kill()
        output = app.communicate(timeout=10)[0]
    assert "Traceback" not in output, output
