"""A full-window explanation with buttons: shown instead of the lists when they cannot be."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.controllers.notices import Notice


class NoticePage(QWidget):
    """Signals:
    action_requested(str): a notice button's action id.
    """

    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(1)
        self.title = QLabel(self)
        self.title.setObjectName("noticeTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setOpenExternalLinks(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # A fixed width keeps word-wrapped text from collapsing to a sliver when centred.
        self.text.setFixedWidth(600)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        layout.addWidget(self.title)
        layout.addSpacing(12)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(18)
        layout.addLayout(self.buttons)
        layout.addStretch(2)
        self.notice: Notice | None = None

    def show_notice(self, notice: Notice) -> None:
        self.notice = notice
        self.title.setText(notice.title)
        self.text.setText(notice.text)
        # Rich text under-reports its wrapped height in a centred layout; ask for it.
        self.text.setMinimumHeight(self.text.heightForWidth(self.text.width()))
        while self.buttons.count() > 1:
            item = self.buttons.takeAt(1)
            if item.widget():
                item.widget().deleteLater()
        for index, (action, label) in enumerate(notice.actions):
            button = QPushButton(label, self)
            button.setObjectName(f"notice-{action}")
            button.setDefault(index == 0)
            button.clicked.connect(lambda _=False, a=action: self.action_requested.emit(a))
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
