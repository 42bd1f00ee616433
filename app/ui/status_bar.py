"""The status bar's connection indicator: which connection, which Podman, what state,
and a Retry when an SSH connection was refused and waits for the user."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from app.models.connection_state import ConnectionState

_COLORS = {
    ConnectionState.CONNECTED: "#2e9d4f",
    ConnectionState.CONNECTING: "#d39e00",
    ConnectionState.LOST: "#d1453b",
    ConnectionState.UNSUPPORTED: "#d1453b",
    ConnectionState.UNAVAILABLE: "#8a8a8a",
}


def state_color(state: ConnectionState) -> str:
    """The colour the status bar gives ``state`` (the connection button uses the same)."""
    return _COLORS.get(state, _COLORS[ConnectionState.UNAVAILABLE])


class StateDot(QWidget):
    """A small coloured disc; colour alone never carries the state (the label does too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(12, 12)
        self._color = QColor(_COLORS[ConnectionState.UNAVAILABLE])

    def set_state(self, state: ConnectionState) -> None:
        self._color = QColor(_COLORS[state])
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._color)
        painter.drawEllipse(1, 1, 10, 10)


class ConnectionStatus(QWidget):
    """Shows ``● Connected · local · Podman 4.3.1`` (or the reason it is not).

    Signals:
        retry_requested(): the user pressed Retry (shown while an SSH connection is
        unavailable: its host key or passphrase was refused, so it waits for the user).
    """

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        self.dot = StateDot(self)
        self.state_label = QLabel(self)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setObjectName("statusRetry")
        self.retry_button.setAccessibleName("Retry the SSH connection")
        self.retry_button.setToolTip("Connect over SSH again (asks again what was refused)")
        self.retry_button.clicked.connect(self.retry_requested)
        self.retry_button.hide()
        self.connection_label = QLabel(self)
        self.version_label = QLabel(self)
        row = (self.dot, self.state_label, self.retry_button)
        for widget in (*row, self.connection_label, self.version_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.state = ConnectionState.UNAVAILABLE
        self.reason = ""
        self._retryable = False
        self.set_connection("", "")
        self.set_state(ConnectionState.UNAVAILABLE, "No connection")
        self.set_version("")

    def set_connection(self, name: str, detail: str) -> None:
        self.connection_label.setText(f"· {name}" if name else "")
        self.connection_label.setToolTip(detail)

    def set_version(self, version: str) -> None:
        self.version_label.setText(f"· Podman {version}" if version else "")

    def set_retryable(self, retryable: bool) -> None:
        """Whether the connection can be retried from here (it goes through an SSH proxy)."""
        self._retryable = retryable
        self._show_retry()

    def set_state(self, state: ConnectionState, reason: str) -> None:
        self.state, self.reason = state, reason
        self.dot.set_state(state)
        text = state.label
        if state is ConnectionState.LOST:
            text = f"{state.label}: {reason} — retrying" if reason else state.label
        elif reason and state is not ConnectionState.CONNECTED:
            text = f"{state.label}: {reason}"
        # Long reasons are elided in the bar; the tooltip keeps the whole text.
        self.state_label.setText(_elide(text, 90))
        self.state_label.setToolTip(text)
        self.dot.setToolTip(text)
        self._show_retry()

    def _show_retry(self) -> None:
        # LOST retries by itself; UNAVAILABLE over SSH waits for the user to ask again.
        visible = self._retryable and self.state is ConnectionState.UNAVAILABLE
        self.retry_button.setVisible(visible)


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def install(bar: QStatusBar) -> ConnectionStatus:
    status = ConnectionStatus(bar)
    bar.addWidget(status, 1)
    return status
