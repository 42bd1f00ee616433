"""The base of every dialog that creates or sends something (run, pull, build, create…).

- Each field has a check that returns the reason it is wrong ("" when it is fine); the
  reason shows under the field once the user has touched it, and the main button stays
  disabled while any check fails, so Podman is asked only when the form is right.
- ``command()`` gives the equivalent ``podman …`` line, shown live with a Copy button.
- ``perform()`` (a coroutine) does the work through a controller; while it runs a
  progress line and Cancel show; when Podman refuses, its words appear in the dialog
  and every field keeps what was typed.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine.errors import PodmanError
from app.support.concurrency import Cancelled
from app.ui.forms.fit import grow_to_fit

Check = Callable[[], str]
ERROR_STYLE = "color: #d1453b;"


@dataclass
class Field:
    """One checked input: the widget, its label, its check and where its reason shows."""

    label: str
    widget: QWidget
    check: Check | None
    error_label: QLabel
    touched: bool = False

    def reason(self) -> str:
        return self.check() if self.check is not None else ""


def shown_command(command: str) -> str:
    """``command`` laid out for reading: each option on a line of its own, continued
    with a backslash as a shell reads it; the subcommand and positional words stay
    on the first and last lines. Short commands stay on one line."""
    if len(command) <= 72:
        return command
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    lines: list[list[str]] = [[]]
    options_seen = positional = False
    for word in words:
        if not positional and word.startswith("-"):
            lines.append([])  # an option: a line of its own
            options_seen = True
        elif not positional and options_seen:
            lines.append([])  # the image (or pod…) and its arguments: the last line
            positional = True
        lines[-1].append(shlex.quote(word))
    return " \\\n    ".join(" ".join(line) for line in lines)


class FormDialog(QDialog):
    """Subclasses add fields with :meth:`add_field`, and implement :meth:`command` and
    :meth:`perform`; ``spawn`` runs a coroutine on the app's loop (a TaskSet's spawn)."""

    performed = Signal(object)  # what perform() returned, after a success

    def __init__(
        self,
        title: str,
        action: str,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._spawn = spawn
        self.fields: list[Field] = []
        self._running: Any = None  # an Operation (or anything with cancel()) while busy
        self._busy = False

        outer = QVBoxLayout(self)
        self.body = QVBoxLayout()
        outer.addLayout(self.body, 1)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.body.addLayout(self.form)

        self.preview_label = QLabel("Equivalent command", self)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("commandPreview")
        self.preview.setReadOnly(True)
        # Shown one option per line (a shell reads it so too); Copy gives one line.
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._command = ""
        self.preview.setAccessibleName("Equivalent podman command")
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setMaximumHeight(self.preview.fontMetrics().lineSpacing() * 4 + 12)
        self.preview_label.setBuddy(self.preview)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setAccessibleName("Copy the command")
        self.copy_button.setToolTip("Copy the command to the clipboard")
        self.copy_button.clicked.connect(self.copy_command)
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview, 1)
        preview_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addWidget(self.preview_label)
        outer.addLayout(preview_row)

        self.error = QLabel(self)
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setAccessibleName("Error")
        self.error.hide()
        outer.addWidget(self.error)

        self.status = QLabel(self)
        self.status.setObjectName("formStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Progress")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.status.hide()
        self.progress.hide()
        outer.addWidget(self.status)
        outer.addWidget(self.progress)

        self.buttons = QDialogButtonBox(self)
        self.action_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.action_button.setAccessibleName(action)
        self.action_button.setDefault(True)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.setAccessibleName("Cancel")
        self.action_button.clicked.connect(self.submit)
        self.close_button.clicked.connect(self.reject)
        outer.addWidget(self.buttons)
        # Positional, not activated=: docs/architecture.md, "Connecting signals".
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

    # -- fields --------------------------------------------------------------------------

    def add_field(
        self,
        label: str,
        widget: QWidget,
        check: Check | None = None,
        layout: QFormLayout | None = None,
        tip: str = "",
    ) -> Field:
        """Add a labelled row (to ``layout``, the main form by default) whose check runs on
        every change of any field; returns the Field."""
        error = QLabel(self)
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setAccessibleName(f"{label.rstrip(':')} problem")
        error.hide()
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        if tip:
            widget.setToolTip(tip)
        (layout or self.form).addRow(caption, box)
        field = Field(label, widget, check, error)
        self.fields.append(field)
        self.watch(widget, field)
        return field

    def watch(self, widget: QWidget, field: Field | None = None) -> None:
        """Re-check and re-preview when ``widget`` changes (add_field does this; call it
        for inputs that are not fields, such as rows added to a table)."""

        def changed(*_args: object) -> None:
            if field is not None:
                field.touched = True
            self.refresh()

        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(changed)
        elif isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(changed)
            if widget.isEditable():
                widget.editTextChanged.connect(changed)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(changed)
        elif isinstance(widget, QAbstractSpinBox):
            widget.valueChanged.connect(changed)  # type: ignore[attr-defined]
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(changed)

    def problems(self) -> list[tuple[Field, str]]:
        """Every field whose check fails, with its reason."""
        found = []
        for field in self.fields:
            reason = field.reason()
            if reason:
                found.append((field, reason))
        return found

    def refresh(self) -> None:
        """Re-run the checks, show the reasons of touched fields, update the preview and
        enable the main button only when nothing is wrong."""
        wrong = {id(field): reason for field, reason in self.problems()}
        for field in self.fields:
            reason = wrong.get(id(field), "")
            shown = reason if field.touched else ""
            field.error_label.setText(shown)
            field.error_label.setVisible(bool(shown))
            field.widget.setAccessibleDescription(shown)
        self.action_button.setEnabled(not wrong and not self._busy and self.ready())
        command = self.command()
        self.preview_label.setVisible(command is not None)
        self.preview.setVisible(command is not None)
        self.copy_button.setVisible(command is not None)
        if command is not None and command != self._command:
            self._command = command
            self.preview.setPlainText(shown_command(command))
        self._fit()

    def touch_all(self) -> None:
        """Show every field's reason (after a failed submit, or for a form opened filled)."""
        for field in self.fields:
            field.touched = True
        self.refresh()

    # -- for subclasses ------------------------------------------------------------------

    def command(self) -> str | None:
        """The equivalent ``podman …`` line, or None when there is none."""
        return None

    def ready(self) -> bool:
        """Extra condition for the main button beyond the field checks."""
        return True

    async def perform(self) -> Any:
        """Do the work; raise PodmanError (shown as it is) or Cancelled. Returning
        normally closes the dialog, unless :meth:`keep_open_after` says otherwise."""
        raise NotImplementedError

    def keep_open_after(self, result: Any) -> bool:
        return False

    # -- running -------------------------------------------------------------------------

    @property
    def command_text(self) -> str:
        """The equivalent command as one line, as Copy gives it."""
        return self._command

    def copy_command(self) -> None:
        QGuiApplication.clipboard().setText(self._command)
        self.say("Copied the command to the clipboard.")

    def submit(self) -> None:
        if self._busy:
            return
        if self.problems() or not self.ready():
            self.touch_all()
            return
        self._spawn(self._perform())

    def track(self, operation: Any) -> None:
        """Show ``operation`` (a controllers.operations.Operation) as the dialog's
        progress; Cancel then cancels it."""
        self._running = operation
        operation.progress.connect(self.on_progress)

    def on_progress(self, item: Any) -> None:
        """An Operation's progress; subclasses turn it into words and a fraction."""
        self.say(str(item))

    def say(self, text: str, fraction: float | None = None) -> None:
        """A line of progress; ``fraction`` in [0, 1] fills the bar, None makes it busy."""
        self.status.setText(text)
        self.status.setVisible(bool(text))
        if self._busy:
            if fraction is None:
                self.progress.setRange(0, 0)
            else:
                self.progress.setRange(0, 1000)
                self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self._fit()

    def _fit(self) -> None:
        # A reason, note or error that wraps needs more height than the layout's minimum
        # gives a top-level window (app/ui/forms/fit.py). Before it is shown its width is
        # not final yet: showEvent fits it then.
        if self.isVisible():
            grow_to_fit(self)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        grow_to_fit(self)

    async def _perform(self) -> None:
        self._busy = True
        self.show_error("")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.close_button.setText("Cancel")
        self.refresh()
        try:
            result = await self.perform()
        except Cancelled:
            self.say("Cancelled.")
        except PodmanError as exc:
            self.show_error(str(exc))
            self.status.hide()
        else:
            self.performed.emit(result)
            if not self.keep_open_after(result):
                self._finish()
                self.accept()
                return
        self._finish()

    def _finish(self) -> None:
        self._busy = False
        self._running = None
        self.progress.hide()
        self.refresh()

    @property
    def busy(self) -> bool:
        return self._busy

    def reject(self) -> None:
        # While busy, Cancel (or Escape) stops the operation and keeps the dialog open.
        if self._busy and self._running is not None:
            self._running.cancel()
            self.say("Cancelling…")
            return
        if self._busy:
            return
        super().reject()
