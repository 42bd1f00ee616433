"""A full-window explanation with buttons: shown instead of the lists when they cannot be.

Commands the user may run show selectable, each with a Copy button; a button can open
a menu instead of asking for an action (the connection switcher); a line under the
buttons says what became of the last thing the user asked for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers.notices import Command, Notice

TEXT_WIDTH = 600


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
        self.title.setWordWrap(True)
        self.text = QLabel(self)
        self.text.setObjectName("noticeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setOpenExternalLinks(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # A fixed width keeps word-wrapped text from collapsing to a sliver when centred.
        self.text.setFixedWidth(TEXT_WIDTH)
        self.commands = QWidget(self)
        self.commands.setObjectName("noticeCommands")
        self.commands.setFixedWidth(TEXT_WIDTH)
        QVBoxLayout(self.commands).setContentsMargins(0, 0, 0, 0)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.status = QLabel(self)
        self.status.setObjectName("noticeStatus")
        self.status.setWordWrap(True)
        self.status.setFixedWidth(TEXT_WIDTH)
        self.status.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        layout.addSpacing(12)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.commands, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(18)
        layout.addLayout(self.buttons)
        layout.addSpacing(12)
        layout.addWidget(self.status, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.notice: Notice | None = None
        self.action_buttons: dict[str, QPushButton] = {}
        self._menus: dict[str, QMenu] = {}

    def set_action_menu(self, action: str, menu: QMenu) -> None:
        """The button for ``action`` opens ``menu`` (for instance the connection switcher)."""
        self._menus[action] = menu

    def set_status(self, text: str) -> None:
        """A line under the buttons: what became of what the user asked for."""
        self.status.setText(text)
        # As for the text: a centred word-wrapped label must be told its wrapped height.
        self.status.setMinimumHeight(self.status.heightForWidth(TEXT_WIDTH) if text else 0)

    def show_notice(self, notice: Notice) -> None:
        if notice == self.notice:
            return  # the same words: keep the page, and the keyboard focus on it
        focused = next((a for a, b in self.action_buttons.items() if b.hasFocus()), "")
        self.notice = notice
        self.title.setText(notice.title)
        self.title.setAccessibleName(notice.title)
        self.text.setText(notice.text)
        # Steps to follow read down a left edge; a short explanation reads centred.
        align = Qt.AlignmentFlag.AlignLeft if notice.commands else Qt.AlignmentFlag.AlignHCenter
        self.text.setAlignment(align)
        # Rich text under-reports its wrapped height in a centred layout; ask for it.
        self.text.setMinimumHeight(self.text.heightForWidth(self.text.width()))
        self.set_status("")
        self._show_commands(notice.commands)
        self._show_buttons(notice.actions)
        again = self.action_buttons.get(focused)
        if again is not None:
            again.setFocus(Qt.FocusReason.OtherFocusReason)

    def forget(self) -> None:
        """The page was put away: the next notice is laid out afresh, even the same one."""
        self.notice = None
        self.set_status("")

    def focus_first_button(self) -> None:
        """Put the keyboard on the first button (the page just replaced the lists)."""
        first = next(iter(self.action_buttons.values()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_commands(self, commands: list[Command]) -> None:
        layout = self.commands.layout()
        while layout.count():
            item = layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for index, command in enumerate(commands):
            row = CommandRow(command, index, self.commands)
            row.copied.connect(lambda text: self.set_status(f"Copied: {text}"))
            layout.addWidget(row)
        self.commands.setVisible(bool(commands))

    def _show_buttons(self, actions: list[tuple[str, str]]) -> None:
        while self.buttons.count() > 1:
            item = self.buttons.takeAt(1)
            if item.widget():
                item.widget().deleteLater()
        self.action_buttons = {}
        for index, (action, label) in enumerate(actions):
            button = QPushButton(label, self)
            button.setObjectName(f"notice-{action}")
            button.setAccessibleName(label.rstrip("…"))
            button.setDefault(index == 0)
            menu = self._menus.get(action)
            if menu is not None:
                button.setMenu(menu)
            else:
                button.clicked.connect(lambda _=False, a=action: self.action_requested.emit(a))
            self.buttons.addWidget(button)
            self.action_buttons[action] = button
        self.buttons.addStretch(1)


class CommandRow(QWidget):
    """What a command does, then the command itself (selectable) and a Copy button.

    Signals:
        copied(str): the command was put on the clipboard.
    """

    copied = Signal(str)

    def __init__(self, command: Command, index: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.command = command
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(3)
        purpose = QLabel(command.purpose, self)
        purpose.setWordWrap(True)
        line = QHBoxLayout()
        self.field = QLineEdit(command.command, self)
        self.field.setObjectName(f"notice-command-{index}")
        self.field.setReadOnly(True)
        self.field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.field.setAccessibleName(command.purpose.rstrip(":"))
        self.field.setCursorPosition(0)  # show the command's start, not its middle
        purpose.setBuddy(self.field)
        copy = QPushButton("Copy", self)
        copy.setObjectName(f"notice-copy-{index}")
        copy.setAccessibleName(f"Copy {command.command}")
        copy.setToolTip("Copy this command, to paste it in a terminal")
        copy.setAutoDefault(False)
        copy.clicked.connect(self._copy)
        line.addWidget(self.field, 1)
        line.addWidget(copy)
        layout.addWidget(purpose)
        layout.addLayout(line)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.command.command)
        self.copied.emit(self.command.command)
