"""The Docker-compatible socket panel: where it listens, whether it works, how to use it."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers import docker_socket
from app.controllers.connection_manager import ConnectionManager
from app.proxy.status import ProxyStatus

EXPORT_LINE_MAX_WIDTH = 760  # pixels; a longer line scrolls, from its start


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count} B"


class DockerSocketPanel(QDialog):
    """Live status of the proxy that serves Docker clients (refreshed while shown)."""

    def __init__(self, manager: ConnectionManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dockerSocketPanel")
        self.setWindowTitle("Docker-compatible socket")
        self.manager = manager
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("dockerSummary")
        self.endpoint = QLabel(self)
        self.upstream = QLabel(self)
        self.state = QLabel(self)
        self.clients = QLabel(self)
        self.traffic = QLabel(self)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.warning = QLabel(
            "⚠ This socket listens on TCP with no authentication: anyone who can reach "
            "the port controls Podman (and, on a rootful machine, the machine).",
            self,
        )
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b35c00")
        form = QFormLayout()
        form.addRow("Listening on:", self.endpoint)
        form.addRow("Forwards to:", self.upstream)
        form.addRow("State:", self.state)
        form.addRow("Clients:", self.clients)
        form.addRow("Traffic:", self.traffic)
        form.addRow("Last error:", self.error)
        self.export_line = QLineEdit(self)
        self.export_line.setReadOnly(True)
        self.export_line.setObjectName("dockerHostLine")
        copy = QPushButton("&Copy", self)
        copy.setObjectName("copyDockerHost")
        copy.setToolTip("Copy the export line to the clipboard")
        copy.clicked.connect(self.copy_export_line)
        row = QHBoxLayout()
        row.addWidget(self.export_line, 1)
        row.addWidget(copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        point = QLabel("&Point the docker CLI and docker compose at it:", self)
        point.setBuddy(self.export_line)
        layout.addWidget(point)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(560, 320)
        # Byte counters are not pushed (they change constantly): read them while visible.
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.refresh)
        manager.docker_socket_changed.connect(self.refresh)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._timer.start()
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._timer.stop()
        super().hideEvent(event)

    def copy_export_line(self) -> None:
        QGuiApplication.clipboard().setText(self.export_line.text())

    def _set_export_line(self, text: str) -> None:
        # The panel refreshes every second: only a new line is set, so a selection stays.
        if text == self.export_line.text():
            return
        self.export_line.setText(text)
        self.export_line.setToolTip(text)
        # Wide enough for the whole line where the screen allows; and a line set in a
        # field leaves its cursor at the end, scrolled to show "…CKER_HOST=…": show its
        # start ("export DOCKER_HOST="), which is what a reader checks.
        width = self.export_line.fontMetrics().horizontalAdvance(text) + 16
        self.export_line.setMinimumWidth(min(max(width, 200), EXPORT_LINE_MAX_WIDTH))
        self.export_line.setCursorPosition(0)

    def refresh(self) -> None:
        runner = self.manager.docker_proxy
        address = self.manager.docker_address()
        if not address:
            self._show_off("Turned off in Settings → Docker socket.")
            return
        if runner is None:
            session = self.manager.session
            connection = session.connection if session is not None else None
            why = self.manager.docker_error or docker_socket.not_served_reason(connection)
            self._show_off(f"Not serving: {why}" if why else "Starting…")
            # A tcp:// or npipe:// connection is itself what Docker clients can point at.
            direct = docker_socket.direct_address(connection)
            if direct and not self.manager.docker_error:
                self._set_export_line(docker_socket.docker_host_line(direct))
                self.warning.setVisible(docker_socket.is_tcp(direct))
            return
        self._show_status(runner.status())

    def _show_off(self, text: str) -> None:
        self.summary.setText(text)
        for label in (self.endpoint, self.upstream, self.state, self.clients, self.traffic):
            label.setText("–")
        self.error.setText(self.manager.docker_error or "–")
        self._set_export_line("")
        self.warning.hide()

    def _show_status(self, status: ProxyStatus) -> None:
        ok = status.upstream_state.usable
        self.summary.setText(
            "Docker clients can use Podman through this socket."
            if ok
            else "The socket is open, but Podman cannot be reached right now."
        )
        self.endpoint.setText(status.listening)
        self.upstream.setText(status.upstream)
        self.state.setText(f"{status.state.value}, upstream {status.upstream_state.value}")
        self.clients.setText(
            f"{status.active_clients} active, {status.total_clients} since start"
            + (f", {status.failed_clients} refused" if status.failed_clients else "")
        )
        self.traffic.setText(
            f"↑ {_size(status.bytes_to_upstream)} to Podman, "
            f"↓ {_size(status.bytes_to_clients)} to clients"
        )
        self.error.setText(status.last_error or "–")
        self._set_export_line(docker_socket.docker_host_line(status.listening))
        self.warning.setVisible(docker_socket.is_tcp(status.listening))
