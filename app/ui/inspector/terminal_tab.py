"""The Terminal tab: shells in the container, one sub-tab each.

The shell (default: the first of bash, sh the container has) and the user are chosen
above the terminals; "New Terminal" opens another. Closing a sub-tab ends its exec
(its processes are hung up); a container that stops ends them all, each saying so.
Showing the tab while the container runs and no terminal is open opens one.

Signals:
    terminal_started(TerminalPage): a terminal's exec runs (tests wait on it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.controllers.container_terminal import DEFAULT_SHELL, ContainerTerminal
from app.support import log
from app.support.concurrency import TaskSet

if TYPE_CHECKING:
    from app.ui.terminal.widget import TerminalWidget

_log = log.get("ui")

MAX_BACKLOG = 2 << 20  # bytes the widget may have waiting before output is held back
SHELLS = (("Default shell (bash, else sh)", DEFAULT_SHELL), ("bash", "bash"), ("sh", "sh"))


class TerminalPage(QWidget):
    """One terminal: its widget and the exec behind it."""

    def __init__(self, controller: ContainerTerminal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Imported with the first terminal: the widget and pyte (with wcwidth's tables)
        # are ~12 MB of a process that, with the inspector on its logs, never needs them.
        from app.ui.terminal.widget import TerminalWidget  # noqa: PLC0415

        self.controller = controller
        self.view: TerminalWidget = TerminalWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._retry = QTimer(self, singleShot=True, interval=16)
        self._retry.timeout.connect(self._take)
        controller.output_waiting.connect(self._take)
        controller.ended.connect(self._on_ended)
        controller.failed.connect(self._on_failed)
        controller.started.connect(self._on_started)
        self.view.input_ready.connect(controller.write)
        self.view.size_changed.connect(controller.resize)

    def _take(self) -> None:
        if self.view.pending_bytes > MAX_BACKLOG:
            self._retry.start()  # the widget is behind: let the exec's reader wait
            return
        self.view.feed(self.controller.take())

    def _on_started(self, _command: str) -> None:
        self.controller.resize(self.view.rows, self.view.cols)

    def _on_ended(self, message: str) -> None:
        self.view.feed(self.controller.take())
        self.view.show_message(message)

    def _on_failed(self, message: str) -> None:
        self.view.show_message(f"Cannot open a terminal: {message}")

    def close_session(self) -> None:
        self._retry.stop()
        self.controller.close()


class TerminalTab(QWidget):
    terminal_started = Signal(object)

    def __init__(
        self,
        make_terminal: Callable[[], ContainerTerminal],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_terminal = make_terminal
        self.tasks = TaskSet("terminal", _log)
        self.running = False
        self._count = 0
        self._wanted = False  # open one as soon as the container is known to run

        self.shell = QComboBox(self)
        self.shell.setEditable(True)
        self.shell.setAccessibleName("Shell")
        self.shell.setToolTip("The command to run: a shell, or any program in the container")
        for label, command in SHELLS:
            self.shell.addItem(label, command)
        self.shell.setMinimumContentsLength(22)
        self.user = QLineEdit(self)
        self.user.setAccessibleName("User")
        self.user.setPlaceholderText("default")
        self.user.setToolTip(
            "A user name or uid[:gid] inside the container; empty: the container's own user"
        )
        self.new_button = QPushButton("&New Terminal", self)
        self.new_button.clicked.connect(self.open_terminal)
        shell_label = QLabel("S&hell:", self)
        shell_label.setBuddy(self.shell)
        user_label = QLabel("&User:", self)
        user_label.setBuddy(self.user)
        bar = QHBoxLayout()
        bar.addWidget(shell_label)
        bar.addWidget(self.shell)
        bar.addSpacing(12)
        bar.addWidget(user_label)
        bar.addWidget(self.user)
        bar.addStretch(1)
        bar.addWidget(self.new_button)

        # The sub-tabs exist only while a terminal is open: an empty tab bar has no
        # accessible name (Qt names a tab bar by its current tab).
        self.terminals: QTabWidget | None = None
        self.empty = QLabel("", self)
        self.empty.setObjectName("terminalEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self._update()

    # -- state ---------------------------------------------------------------------------

    def set_running(self, running: bool) -> None:
        """The container runs (a terminal can open) or not (its terminals end by
        themselves: Podman ends their execs)."""
        self.running = running
        self._update()
        if running and self._wanted:
            self.open_terminal()

    def pages(self) -> list[TerminalPage]:
        tabs = self.terminals
        return [] if tabs is None else [tabs.widget(i) for i in range(tabs.count())]

    def _tabs(self) -> QTabWidget:
        if self.terminals is None:
            tabs = QTabWidget(self)
            tabs.setObjectName("terminals")
            tabs.setAccessibleName("Terminals")
            tabs.setTabsClosable(True)
            tabs.setDocumentMode(True)
            tabs.tabCloseRequested.connect(self.close_terminal)
            self.stack.addWidget(tabs)
            self.terminals = tabs
        return self.terminals

    def _update(self) -> None:
        self.new_button.setEnabled(self.running)
        if self.terminals is not None and self.terminals.count():
            self.stack.setCurrentWidget(self.terminals)
            return
        if self.running:
            self.empty.setText("No terminal is open. Choose a shell and press New Terminal.")
        else:
            self.empty.setText("The container is not running: start it to open a terminal.")
        self.stack.setCurrentWidget(self.empty)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.pages():
            self.want_terminal()

    def want_terminal(self) -> None:
        """Open a terminal now if the container runs, else once it is known to."""
        if self.running:
            self.open_terminal()
        else:
            self._wanted = True

    # -- opening and closing -------------------------------------------------------------

    def open_terminal(self) -> TerminalPage | None:
        self._wanted = False
        if not self.running:
            return None
        shell = self._chosen_shell()
        user = self.user.text().strip()
        controller = self._make_terminal()
        page = TerminalPage(controller)
        self._count += 1
        title = f"{self._count}: {shell or 'shell'}" + (f" ({user})" if user else "")
        tabs = self._tabs()
        index = tabs.addTab(page, title)
        tabs.setCurrentIndex(index)
        self._update()
        page.view.setFocus()
        controller.started.connect(lambda command, p=page: self._on_started(p, command, user))
        page.view.title_changed.connect(lambda title, p=page: self._set_tooltip(p, title))
        controller.ended.connect(lambda _message, p=page: self._mark_ended(p))
        controller.failed.connect(lambda _message, p=page: self._mark_ended(p))
        rows, cols = page.view.rows, page.view.cols
        self.tasks.spawn(controller.start(shell, user, rows, cols))
        return page

    def _chosen_shell(self) -> str:
        text = self.shell.currentText().strip()
        index = self.shell.findText(text)
        if index >= 0:
            return self.shell.itemData(index) or ""
        return text

    def _on_started(self, page: TerminalPage, command: str, user: str) -> None:
        tabs = self._tabs()
        index = tabs.indexOf(page)
        if index >= 0:
            number = tabs.tabText(index).split(":")[0]
            suffix = f" ({user})" if user else ""
            tabs.setTabText(index, f"{number}: {command}{suffix}")
        self.terminal_started.emit(page)

    def _set_tooltip(self, page: TerminalPage, title: str) -> None:
        """The title the program set (a shell's prompt may set it to user@host:dir)."""
        tabs = self._tabs()
        tabs.setTabToolTip(tabs.indexOf(page), title)

    def _mark_ended(self, page: TerminalPage) -> None:
        tabs = self._tabs()
        index = tabs.indexOf(page)
        if index >= 0 and not tabs.tabText(index).endswith("(ended)"):
            tabs.setTabText(index, f"{tabs.tabText(index)} (ended)")

    def close_terminal(self, index: int) -> None:
        """Close sub-tab ``index``: its exec ends (its processes are hung up)."""
        tabs = self._tabs()
        page = tabs.widget(index)
        if isinstance(page, TerminalPage):
            page.close_session()
            tabs.removeTab(index)
            page.deleteLater()
        if not tabs.count():
            self.stack.removeWidget(tabs)
            tabs.deleteLater()
            self.terminals = None
        self._update()

    def close_all(self) -> None:
        """End every terminal's exec (the window closes or its session went away)."""
        # Starts under way are not cancelled: each one ends its exec itself when it
        # finds its controller closed (a cancelled await would leave the exec running).
        for page in self.pages():
            page.close_session()
