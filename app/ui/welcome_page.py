"""The welcome page: shown in place of the lists on the first start, and from Help.

Three parts, top to bottom: whether Podman answers (and the exact commands when it does
not), Podman's own first container (pulled, run, its output shown here), and the main
tasks, each a button that does it. It lays out and forwards: the Welcome controller
(app/controllers/welcome.py) decides and does the work.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontDatabase, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.controllers.podman_check import CHECKING, READY, PodmanCheck
from app.controllers.welcome import HelloFailure, HelloOutput
from app.models import dots
from app.ui.notice_page import CommandRow

WIDTH = 640
_DOT = {READY: dots.GREEN, CHECKING: dots.AMBER}
# The main tasks: (signal name, button label, what it does).
TASKS = (
    ("pull_requested", "Pull an image…", "Download an image from a registry, with progress."),
    (
        "run_requested",
        "Run a container…",
        "Pick an image, ports, volumes and more, and see the podman run command.",
    ),
    (
        "shell_requested",
        "Open a shell…",
        "A shell in your running container, in its inspector beside its logs and stats.",
    ),
    (
        "docker_socket_requested",
        "Docker-compatible socket…",
        "Let docker, docker compose and your IDE use Podman through the app.",
    ),
)


class WelcomePage(QWidget):
    """Signals:
    hello_requested(), hello_cancel_requested(): run (or stop) the hello container.
    notice_action(str): a Podman check's button (the notice page's action ids).
    pull_requested(), run_requested(), shell_requested(), docker_socket_requested().
    dismissed(): the user is done with the page.
    """

    hello_requested = Signal()
    hello_cancel_requested = Signal()
    notice_action = Signal(str)
    pull_requested = Signal()
    run_requested = Signal()
    shell_requested = Signal()
    docker_socket_requested = Signal()
    dismissed = Signal()

    def __init__(self, hello_image: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.check: PodmanCheck | None = None
        self._running = False
        self._ran = False
        self._failed = False
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        content = QWidget(scroll)
        scroll.setWidget(content)
        row = QHBoxLayout(content)
        row.addStretch(1)
        self.column = QWidget(content)
        self.column.setFixedWidth(WIDTH)
        row.addWidget(self.column)
        row.addStretch(1)
        layout = QVBoxLayout(self.column)
        layout.setContentsMargins(0, 36, 0, 36)
        layout.setSpacing(8)
        self._layout = layout
        title = _label(f"Welcome to {APP_NAME}", self.column, scale=1.5, bold=True)
        title.setObjectName("welcomeTitle")
        layout.addWidget(title)
        layout.addWidget(
            _label(
                "Run your first container from here, no terminal needed: check that Podman "
                "answers, run Podman's hello container, then pick what to do next.",
                self.column,
            )
        )
        self._build_check()
        self._build_hello(hello_image)
        self._build_tasks()
        layout.addSpacing(16)
        bottom = QHBoxLayout()
        later = _label("This page stays in Help → Welcome.", self.column, muted=True)
        bottom.addWidget(later, 1)
        self.done_button = QPushButton("Show my containers", self.column)
        self.done_button.setObjectName("welcome-done")
        self.done_button.setAccessibleName("Close the welcome page and show my containers")
        self.done_button.clicked.connect(self.dismissed)
        bottom.addWidget(self.done_button)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self._mute()

    # -- layout --------------------------------------------------------------------------

    def _section(self, number: int, text: str) -> None:
        self._layout.addSpacing(18)
        rule = QFrame(self.column)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        self._layout.addWidget(rule)
        self._layout.addWidget(_label(f"{number}. {text}", self.column, scale=1.2, bold=True))

    def _build_check(self) -> None:
        self._section(1, "Podman")
        line = QHBoxLayout()
        self.check_dot = QLabel(self.column)
        self.check_dot.setFixedWidth(18)
        self.check_title = _label("Checking Podman…", self.column, bold=True)
        self.check_title.setObjectName("welcomeCheckTitle")
        line.addWidget(self.check_dot)
        line.addWidget(self.check_title, 1)
        self._layout.addLayout(line)
        self.check_text = _label("", self.column, rich=True)
        self.check_text.setObjectName("welcomeCheckText")
        self._layout.addWidget(self.check_text)
        self.commands = QWidget(self.column)
        QVBoxLayout(self.commands).setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.commands)
        self.check_buttons = QHBoxLayout()
        self._layout.addLayout(self.check_buttons)
        self.action_buttons: dict[str, QPushButton] = {}

    def _build_hello(self, hello_image: str) -> None:
        self._section(2, "Your first container")
        self.hello_text = _label("", self.column, rich=True)
        self._layout.addWidget(self.hello_text)
        line = QHBoxLayout()
        self.hello_button = QPushButton("Run the hello container", self.column)
        self.hello_button.setObjectName("welcome-hello")
        self.hello_button.setAccessibleName("Run the hello container")
        self.hello_button.clicked.connect(self._on_hello_button)
        self.cancel_button = QPushButton("Cancel", self.column)
        self.cancel_button.setObjectName("welcome-hello-cancel")
        self.cancel_button.setAccessibleName("Cancel the hello container")
        self.cancel_button.clicked.connect(self.hello_cancel_requested)
        self.cancel_button.hide()
        line.addWidget(self.hello_button)
        line.addWidget(self.cancel_button)
        line.addStretch(1)
        self._layout.addLayout(line)
        self.progress = QProgressBar(self.column)
        self.progress.setObjectName("welcome-progress")
        self.progress.setAccessibleName("Progress of the hello container")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self._layout.addWidget(self.progress)
        self.step = _label("", self.column, muted=True)
        self.step.setObjectName("welcomeStep")
        self.step.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.addWidget(self.step)
        self.failure_title = _label("", self.column, bold=True)
        self.failure_title.setObjectName("welcomeFailureTitle")
        self.failure_title.setStyleSheet(f"color: {dots.RED};")
        self.failure_text = _label("", self.column, rich=True)
        self.failure_text.setObjectName("welcomeFailureText")
        self._layout.addWidget(self.failure_title)
        self._layout.addWidget(self.failure_text)
        self.output = QPlainTextEdit(self.column)
        self.output.setObjectName("welcome-output")
        self.output.setAccessibleName("Output of the hello container")
        self.output.setReadOnly(True)
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.output.setTabChangesFocus(True)  # Tab leaves it, as on the rest of the page
        self._layout.addWidget(self.output)
        self._show_failure(None)
        self._set_step_text("")
        self.output.hide()
        self.set_hello_image(hello_image)

    def _build_tasks(self) -> None:
        self._section(3, "What next")
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self.task_buttons: dict[str, QPushButton] = {}
        for row, (signal, label, purpose) in enumerate(TASKS):
            button = QPushButton(label, self.column)
            button.setObjectName(f"welcome-{signal.removesuffix('_requested')}")
            button.setAccessibleName(label.rstrip("…"))
            button.setAccessibleDescription(purpose)
            button.clicked.connect(getattr(self, signal))
            text = _label(purpose, self.column, muted=True)
            text.setBuddy(button)
            grid.addWidget(button, row, 0)
            grid.addWidget(text, row, 1)
            self.task_buttons[signal] = button
        self._layout.addLayout(grid)

    # -- what the controller tells us ---------------------------------------------------

    def set_hello_image(self, reference: str) -> None:
        self.hello_image = reference
        self.hello_text.setText(
            f"<code>{html.escape(reference)}</code> is Podman's own first-run demo: a tiny "
            "image that prints a greeting and exits. The app pulls it through Podman (your "
            "registry mirrors and <code>registries.conf</code> apply), runs it as "
            "<code>hello-N</code> and shows what it printed. The container stays in the "
            "Containers list."
        )

    def set_check(self, check: PodmanCheck) -> None:
        """What is known about Podman now; the hello button needs it ready."""
        if check == self.check:
            return
        focused = next((a for a, b in self.action_buttons.items() if b.hasFocus()), "")
        self.check = check
        self.check_dot.setPixmap(dots.dot(_DOT.get(check.status, dots.RED)).pixmap(12, 12))
        self.check_dot.setAccessibleName(check.status)
        self.check_title.setText(check.title)
        self.check_title.setAccessibleName(check.title)
        self.check_text.setText(check.text)
        self._show_commands(check)
        self._show_actions(check.actions)
        again = self.action_buttons.get(focused)
        if again is not None:
            again.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_hello_button()

    def set_step(self, text: str, fraction: float) -> None:
        """The hello run goes on: ``text`` says what it does, ``fraction`` how far (-1:
        not known)."""
        self._set_running(True)
        self._show_failure(None)
        self._set_step_text(text)
        self.progress.show()
        if fraction < 0:
            self.progress.setRange(0, 0)  # busy
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))

    def show_output(self, output: HelloOutput) -> None:
        self._ran = True
        self._set_running(False)
        code = "" if output.exit_code == 0 else f" with code {output.exit_code}"
        self._set_step_text(
            f"{output.name} ran and exited{code}. This is what it printed; it stays in the "
            "Containers list, where you can inspect or remove it."
        )
        from app.ui.inspector import ansi  # with the first output shown (launch time)

        self.output.clear()
        cursor = self.output.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        style = ansi.PLAIN
        for index, line in enumerate(output.lines):
            if index:
                cursor.insertBlock()
            runs, style = ansi.parse(line.text, style)
            for text, run_style in runs:
                fmt = ansi.char_format(run_style) if run_style != ansi.PLAIN else QTextCharFormat()
                cursor.insertText(text, fmt)
        if not output.lines:
            cursor.insertText("(it printed nothing)")
        # As tall as what it printed, up to 20 lines (then it scrolls).
        rows = min(max(len(output.lines), 2), 20)
        margins = self.output.contentsMargins()
        frame = 2 * self.output.frameWidth() + margins.top() + margins.bottom()
        line = self.output.fontMetrics().lineSpacing()
        self.output.setFixedHeight(rows * line + frame + 12)
        self.output.setAccessibleName(f"Output of {output.name}")
        self.output.moveCursor(QTextCursor.MoveOperation.Start)
        self.output.show()

    def show_failure(self, failure: HelloFailure) -> None:
        self._failed = True
        self._set_running(False)
        self._set_step_text("")
        self._show_failure(failure)

    def hello_cancelled(self) -> None:
        self._set_running(False)
        self._set_step_text(
            "Cancelled. A hello container already created stays in the Containers list "
            "(running, if it had started)."
        )

    def focus_first(self) -> None:
        """The keyboard on the page's first useful button."""
        first = next(iter(self.action_buttons.values()), None)
        target = first or (self.hello_button if self.hello_button.isEnabled() else None)
        (target or self.done_button).setFocus(Qt.FocusReason.OtherFocusReason)

    # -- inside --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._mute()
        super().changeEvent(event)

    def _mute(self) -> None:
        """Secondary text in the palette's placeholder colour, again when the theme
        changes (a colour set once would stay the old theme's)."""
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for label in self.findChildren(QLabel):
            if label.property("muted"):
                palette = label.palette()
                palette.setColor(QPalette.ColorRole.WindowText, muted)
                label.setPalette(palette)

    def _on_hello_button(self) -> None:
        self.output.hide()
        self._show_failure(None)
        self.hello_requested.emit()

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.cancel_button.setVisible(running)
        if not running:
            self.progress.hide()
        self._update_hello_button()

    def _update_hello_button(self) -> None:
        ready = self.check is not None and self.check.status == READY
        self.hello_button.setEnabled(ready and not self._running)
        waiting = "" if ready else "Podman has to answer first: see 1. Podman, above."
        self.hello_button.setToolTip(waiting)
        if not self._running and (waiting or self.step.property("waiting")):
            self._set_step_text(waiting)
            self.step.setProperty("waiting", bool(waiting))
        label = "Running…" if self._running else ""
        label = label or ("Run it again" if self._ran else "Try again" if self._failed else "")
        self.hello_button.setText(label or "Run the hello container")

    def _set_step_text(self, text: str) -> None:
        """The line under the hello button; hidden when it has nothing to say."""
        self.step.setProperty("waiting", False)
        self.step.setText(text)
        self.step.setVisible(bool(text))

    def _show_failure(self, failure: HelloFailure | None) -> None:
        self.failure_title.setVisible(failure is not None)
        self.failure_text.setVisible(failure is not None)
        if failure is None:
            return
        self.failure_title.setText(failure.title)
        said = f"<b>Podman said:</b> {html.escape(failure.message)}"
        hint = f"<p>{html.escape(failure.hint)}</p>" if failure.hint else ""
        self.failure_text.setText(f"<p>{said}</p>{hint}")

    def _show_commands(self, check: PodmanCheck) -> None:
        layout = self.commands.layout()
        while layout.count():
            item = layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for index, command in enumerate(check.commands):
            row = CommandRow(command, index, self.commands)
            row.setObjectName(f"welcome-command-{index}")
            row.copied.connect(lambda text: self._set_step_text(f"Copied: {text}"))
            layout.addWidget(row)
        self.commands.setVisible(bool(check.commands))

    def _show_actions(self, actions: list[tuple[str, str]]) -> None:
        while self.check_buttons.count():
            item = self.check_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.action_buttons = {}
        for action, label in actions:
            button = QPushButton(label, self.column)
            button.setObjectName(f"welcome-{action}")
            button.setAccessibleName(label.rstrip("…"))
            button.clicked.connect(lambda _=False, a=action: self.notice_action.emit(a))
            self.check_buttons.addWidget(button)
            self.action_buttons[action] = button
        self.check_buttons.addStretch(1)


def _label(
    text: str,
    parent: QWidget,
    scale: float = 1.0,
    bold: bool = False,
    muted: bool = False,
    rich: bool = False,
) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if scale != 1.0 or bold:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(bold)
        label.setFont(font)
    if muted:
        label.setProperty("muted", True)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        label.setOpenExternalLinks(True)
    return label
