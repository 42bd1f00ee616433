"""The non-modal message bar above the lists: Podman's own words when something failed,
and the connection's state when it is lost. It never blocks anything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_STYLES = {
    "error": "QFrame#messageBar { background: rgba(209, 69, 59, 0.14);"
    " border: 1px solid rgba(209, 69, 59, 0.55); border-radius: 4px; }",
    "warning": "QFrame#messageBar { background: rgba(211, 158, 0, 0.14);"
    " border: 1px solid rgba(211, 158, 0, 0.55); border-radius: 4px; }",
    "info": "QFrame#messageBar { background: rgba(59, 130, 196, 0.12);"
    " border: 1px solid rgba(59, 130, 196, 0.5); border-radius: 4px; }",
}
_MAX_LINES = 4


class MessageBar(QFrame):
    """Shows the latest messages (errors first in colour); the × dismisses them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setObjectName("messageText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setObjectName("dismissMessages")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss the messages")
        close.clicked.connect(self.clear)
        self.dismiss_button = close
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.messages: list[tuple[str, str]] = []
        self.sticky: tuple[str, str] | None = None  # the connection's state, until it changes
        self.hide()

    def post(self, level: str, text: str) -> None:
        self.messages.append((level, text))
        self.messages = self.messages[-_MAX_LINES:]
        self._render()

    def set_sticky(self, level: str, text: str) -> None:
        self.sticky = (level, text) if text else None
        self._render()

    def clear(self) -> None:
        self.messages = []
        self._render()

    def text(self) -> str:
        return self.label.text()

    def _render(self) -> None:
        shown = ([self.sticky] if self.sticky else []) + self.messages
        if not shown:
            self.hide()
            return
        levels = [level for level, _ in shown]
        level = next((lv for lv in ("error", "warning") if lv in levels), "info")
        self.setStyleSheet(_STYLES[level])
        self.label.setText("\n".join(text for _, text in shown))
        self.show()
