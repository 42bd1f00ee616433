"""Settings → Docker socket: expose a Docker-compatible socket, and where."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.controllers import docker_socket
from app.controllers.settings import Settings
from app.ui.settings_dialog import SettingsSection


class DockerSocketSection(SettingsSection):
    title = "Docker socket"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.enabled = QCheckBox("&Expose a Docker-compatible socket", self)
        self.enabled.setObjectName("dockerEnabled")
        self.address = QLineEdit(self)
        self.address.setObjectName("dockerAddress")
        self.address.setPlaceholderText(docker_socket.default_address())
        hint = QLabel(
            "docker, docker compose, IDEs and <code>podman --remote</code> can then use the "
            "active connection. Leave the address empty for the default; "
            "<code>tcp://127.0.0.1:PORT</code> is allowed on loopback only.",
            self,
        )
        hint.setWordWrap(True)
        self.tcp_warning = QLabel(
            "⚠ A TCP socket has no authentication: any local user or program can control "
            "Podman through it (root-equivalent on a rootful machine).",
            self,
        )
        self.tcp_warning.setObjectName("tcpWarning")
        self.tcp_warning.setWordWrap(True)
        self.tcp_warning.setStyleSheet("color: #b35c00")
        form.addRow(self.enabled)
        form.addRow("&Address:", self.address)
        form.addRow(hint)
        form.addRow(self.tcp_warning)
        self.enabled.toggled.connect(self.address.setEnabled)
        self.address.textChanged.connect(self._update_warning)

    def _update_warning(self) -> None:
        self.tcp_warning.setVisible(docker_socket.is_tcp(self.address.text()))

    def load(self, settings: Settings) -> None:
        self.enabled.setChecked(settings.docker_socket_enabled)
        self.address.setText(settings.docker_socket_address)
        self.address.setEnabled(settings.docker_socket_enabled)
        self._update_warning()

    def validate(self) -> str:
        if not self.enabled.isChecked():
            return ""
        return docker_socket.validate(self.address.text())

    def save(self, settings: Settings) -> None:
        settings.docker_socket_enabled = self.enabled.isChecked()
        settings.docker_socket_address = docker_socket.normalise(self.address.text())
