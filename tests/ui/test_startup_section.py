"""Settings → Startup (start at login) and About's versions."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel

from app import __version__
from app.application import about_text
from app.controllers.autostart import Autostart
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.engine.connection import connection_from_argument
from app.engine.dto import VersionInfo
from app.ui.settings_dialog import SettingsDialog
from app.ui.startup_section import StartupSection


def _dialog(qtbot, tmp_path):
    autostart = Autostart(["/opt/pdc/podman-desktop-companion"], config_home=tmp_path / "xdg")
    dialog = SettingsDialog(Settings(tmp_path / "settings.ini"))
    dialog.add_section(StartupSection(autostart, dialog))
    qtbot.addWidget(dialog)
    return autostart, dialog


@pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="XDG autostart: Linux only (macOS and Windows get theirs from their installers)",
)
def test_start_at_login_writes_and_removes_the_autostart_entry(qtbot, tmp_path):
    autostart, dialog = _dialog(qtbot, tmp_path)
    box = dialog.findChild(QCheckBox, "startAtLogin")
    assert box.isEnabled() and not box.isChecked()
    assert str(autostart.path) in dialog.findChild(QLabel, "startAtLoginWhere").text()
    box.setChecked(True)
    dialog.accept()
    assert "Exec=/opt/pdc/podman-desktop-companion --minimized" in autostart.path.read_text()
    _, again = _dialog(qtbot, tmp_path)
    box = again.findChild(QCheckBox, "startAtLogin")
    assert box.isChecked()  # read back from the entry itself
    box.setChecked(False)
    again.accept()
    assert not autostart.path.exists()


def test_cancel_leaves_the_autostart_entry_alone(qtbot, tmp_path):
    autostart, dialog = _dialog(qtbot, tmp_path)
    dialog.findChild(QCheckBox, "startAtLogin").setChecked(True)
    dialog.reject()
    assert not autostart.path.exists()


def test_without_xdg_autostart_the_box_is_off_and_says_where_to_look(qtbot, tmp_path):
    autostart, dialog = _dialog(qtbot, tmp_path)
    autostart.supported = False
    section = StartupSection(autostart, dialog)
    qtbot.addWidget(section)
    assert not section.at_login.isEnabled()
    assert section.where.text()


def test_about_names_the_app_version_and_the_connections_podman(qapp):
    assert __version__ in about_text(None) and "No connection" in about_text(None)
    session = Session(connection_from_argument("unix:///run/x.sock"))
    try:
        assert "Not connected to unix:///run/x.sock" in about_text(session)
        session.version = VersionInfo(version="4.3.1", api_version="4.3.1")
        text = about_text(session)
        assert f"</b> {__version__}<br>" in text
        assert "Connected to Podman 4.3.1 (API 4.3.1) on unix:///run/x.sock" in text
    finally:
        session.close()
