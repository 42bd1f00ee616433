"""The Settings dialog: bad input is refused with a clear message and nothing is lost."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

from app.controllers import docker_socket
from app.controllers.settings import Settings
from app.ui.docker_socket_section import DockerSocketSection
from app.ui.settings_dialog import SettingsDialog


def _dialog(qtbot, tmp_path):
    settings = Settings(tmp_path / "settings.ini")
    dialog = SettingsDialog(settings)
    dialog.add_section(DockerSocketSection(dialog))
    qtbot.addWidget(dialog)
    return settings, dialog


def test_bad_podman_path_keeps_the_dialog_open_with_the_text(qtbot, tmp_path):
    settings, dialog = _dialog(qtbot, tmp_path)
    path = dialog.findChild(QLineEdit, "podmanPath")
    path.setText(str(tmp_path / "not-podman"))
    dialog.accept()
    error = dialog.findChild(QLabel, "settingsError")
    assert not error.isHidden() and "not an executable" in error.text()
    assert path.text() == str(tmp_path / "not-podman")  # what was typed is kept
    assert settings.podman_path == ""  # and nothing was saved


def test_docker_socket_refuses_a_non_loopback_tcp_address(qtbot, tmp_path):
    settings, dialog = _dialog(qtbot, tmp_path)
    dialog.findChild(QLineEdit, "dockerAddress").setText("tcp://0.0.0.0:2375")
    dialog.accept()
    error = dialog.findChild(QLabel, "settingsError")
    assert "not a loopback address" in error.text()
    assert settings.docker_socket_address == ""


def test_docker_socket_tcp_on_loopback_is_saved_with_a_warning(qtbot, tmp_path):
    settings, dialog = _dialog(qtbot, tmp_path)
    section = dialog.findChild(DockerSocketSection)
    section.address.setText("tcp://127.0.0.1:2375")
    assert not dialog.findChild(QLabel, "tcpWarning").isHidden()
    dialog.accept()
    assert settings.docker_socket_address == "tcp://127.0.0.1:2375"
    assert settings.docker_socket_enabled


def test_docker_socket_can_be_turned_off(qtbot, tmp_path):
    settings, dialog = _dialog(qtbot, tmp_path)
    dialog.findChild(QCheckBox, "dockerEnabled").setChecked(False)
    dialog.accept()
    assert settings.docker_socket_enabled is False


def test_docker_address_rules():
    assert docker_socket.validate("/tmp/docker.sock") == ""
    assert docker_socket.validate("relative.sock") != ""
    assert docker_socket.validate("tcp://[::1]:2375") == ""
    assert "port" in docker_socket.validate("tcp://127.0.0.1")
    assert docker_socket.normalise(" /run/x.sock ") == "unix:///run/x.sock"
    assert docker_socket.docker_host_line("unix:///run/x.sock") == (
        "export DOCKER_HOST=unix:///run/x.sock"
    )
