"""The pattern every creating dialog follows: checks before sending, the equivalent
command, progress and cancel through an Operation, Podman's words, nothing lost."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLineEdit

from app.controllers.operations import Operations, OperationState
from app.engine.command_line import CommandLine
from app.engine.errors import Conflict
from app.support.concurrency import Cancelled
from app.ui.forms.form_dialog import FormDialog
from tests.ui.conftest import spawn


def _refuse(name: str, on_progress, cancel) -> str:
    on_progress(f"creating {name}")
    raise Conflict(f"the name {name!r} is already in use")


def _wait_for_cancel(started: threading.Event, on_progress, cancel) -> str:
    gate = threading.Event()
    cancel.on_cancel(gate.set)
    on_progress("waiting")
    started.set()
    gate.wait(10)
    cancel.check()
    return "not cancelled"


class NameDialog(FormDialog):
    def __init__(self, operations: Operations, fn) -> None:
        super().__init__("Create a thing", "Create", spawn)
        self.operations, self.fn = operations, fn
        self.name = QLineEdit(self)
        self.add_field("Name:", self.name, self._name_problem)
        self.refresh()

    def _name_problem(self) -> str:
        text = self.name.text()
        if not text:
            return "A name is needed."
        return "" if text.isalnum() else "Letters and digits only."

    def command(self) -> str:
        return str(CommandLine("thing", "create").arg(self.name.text()))

    async def perform(self):
        operation = self.operations.start("Create", "create", self.fn, self.name.text())
        self.track(operation)
        return await operation.wait()


def test_checks_gate_the_button_and_podmans_refusal_keeps_the_input(qtbot, qloop) -> None:
    operations = Operations()
    dialog = NameDialog(operations, _refuse)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.action_button.isEnabled()
    assert dialog.fields[0].error_label.isHidden()  # untouched: no shouting yet

    dialog.name.setText("bad name")
    assert not dialog.action_button.isEnabled()
    assert dialog.fields[0].error_label.text() == "Letters and digits only."
    assert dialog.preview.toPlainText() == "podman thing create 'bad name'"

    dialog.name.setText("web1")
    assert dialog.action_button.isEnabled()
    with qtbot.waitSignal(operations.added) as added:
        dialog.action_button.click()
    operation = added.args[0]
    qtbot.waitUntil(lambda: operation.state is OperationState.FAILED)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.isVisible()
    assert dialog.error.text() == "the name 'web1' is already in use"
    assert dialog.name.text() == "web1"
    assert dialog.action_button.isEnabled()


def test_cancel_stops_the_operation_and_keeps_the_dialog(qtbot, qloop) -> None:
    operations = Operations()
    started = threading.Event()
    dialog = NameDialog(operations, lambda name, **kw: _wait_for_cancel(started, **kw))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("slow")
    with qtbot.waitSignal(operations.added) as added:
        dialog.submit()
    operation = added.args[0]
    qtbot.waitUntil(lambda: dialog.status.text() == "waiting")
    with qtbot.waitSignal(operation.cancelled):
        dialog.reject()  # Cancel while busy cancels the work, not the dialog
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.isVisible()
    assert dialog.status.text() == "Cancelled."
    assert operation.state is OperationState.CANCELLED
    assert operations.running() == []
    assert operation.token.cancelled
    assert isinstance(operation._done.exception(), Cancelled)


def test_a_long_command_shows_one_option_per_line_and_copies_as_one() -> None:
    import shlex

    from app.ui.forms.form_dialog import shown_command

    line = str(
        CommandLine("run")
        .option("--name", "web-server")
        .options("--publish", ["127.0.0.1:8080:80/tcp", "127.0.0.1:8443:443/tcp"])
        .option("--env", "GREETING=hello world")
        .arg("quay.io/podman/hello:latest", "sh", "-c", "echo hi")
    )
    shown = shown_command(line)
    assert shown.splitlines()[0] == "podman run \\"
    assert shown.splitlines()[1].strip() == "--name=web-server \\"
    assert shown.splitlines()[-1].strip() == "quay.io/podman/hello:latest sh -c 'echo hi'"
    # A shell reads the shown form as the same words (backslash-newline joins lines).
    assert shlex.split(shown.replace("\\\n", "")) == shlex.split(line)
    assert shown_command("podman ps") == "podman ps"
