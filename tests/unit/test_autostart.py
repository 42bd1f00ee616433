"""Start at login: the XDG autostart entry, written into the test's XDG_CONFIG_HOME."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys

import pytest

from app import APP_ID
from app.controllers.autostart import Autostart, desktop_entry, exec_line, launch_command
from tests.conftest import require_test_bed

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="XDG autostart: Linux only (macOS and Windows get theirs from their installers)",
)


def _entry(path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # desktop keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_toggle_creates_and_removes_the_entry_in_xdg_config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    autostart = Autostart(["/opt/my apps/pdc"])
    assert autostart.path == tmp_path / "config" / "autostart" / f"{APP_ID}.desktop"
    assert not autostart.enabled()
    autostart.set_enabled(True)
    assert autostart.enabled()
    entry = _entry(autostart.path)
    assert entry["Exec"] == '"/opt/my apps/pdc" --minimized'
    assert entry["Name"] == "Podman Desktop Companion"
    assert entry["Icon"] == APP_ID
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    assert list((tmp_path / "config" / "autostart").iterdir()) == [autostart.path]
    autostart.set_enabled(True)  # again: still one entry, not a second
    assert len(list(autostart.path.parent.iterdir())) == 1
    autostart.set_enabled(False)
    assert not autostart.path.exists()
    assert not autostart.enabled()
    autostart.set_enabled(False)  # nothing to remove is fine


def test_an_entry_hidden_by_the_desktop_reads_as_off(tmp_path):
    autostart = Autostart(["pdc"], config_home=tmp_path)
    autostart.set_enabled(True)
    text = autostart.path.read_text().replace("Hidden=false", "Hidden=true")
    autostart.path.write_text(text)
    assert not autostart.enabled()


def test_the_entry_is_a_valid_desktop_file(tmp_path):
    # bootstrap.sh installs desktop-file-utils: missing, the setup is broken.
    require_test_bed(shutil.which("desktop-file-validate") is not None, "desktop-file-validate")
    autostart = Autostart([sys.executable, "-m", "app"], config_home=tmp_path)
    autostart.set_enabled(True)
    done = subprocess.run(
        ["desktop-file-validate", str(autostart.path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_exec_arguments_are_quoted_as_the_specification_asks():
    assert exec_line(["/usr/bin/pdc", "--minimized"]) == "/usr/bin/pdc --minimized"
    assert exec_line(["/a b/pdc"]) == '"/a b/pdc"'
    assert exec_line(['/x"$`\\y z']) == '"/x\\"\\$\\`\\\\y z"'
    assert exec_line(["100%"]) == "100%%"


def test_the_entry_keeps_the_app_entry_and_replaces_exec():
    text = desktop_entry("/bin/x", {"Hidden": "false"})
    assert text.startswith("[Desktop Entry]\n")
    assert "Exec=/bin/x\n" in text
    assert text.count("Exec=") == 1
    assert "Hidden=false\n" in text


def test_a_checkout_launches_with_this_interpreter_or_the_console_script():
    command = launch_command()
    assert command[:3] == [sys.executable, "-m", "app"] or command[0].endswith(APP_ID)
