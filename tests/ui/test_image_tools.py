"""The Images page's Build…, Tag…, Untag…, History…, Details…, Run…, Save… and Load…
against the real service: dialogs checked before sending, operations with progress and
cancel, the new image selected when its row arrives."""

from __future__ import annotations

import os
import tarfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from app.controllers.image_actions import ImageActions
from app.controllers.operations import Operations, OperationState
from app.ui.confirmation import Answer
from app.ui.inspector.ansi import PALETTE
from tests.bed.podman import BUSYBOX, TEST_IMAGE
from tests.ui.accessibility import mnemonic_clashes, problems
from tests.ui.conftest import spawn
from tests.ui.test_containers_view import answer_with
from tests.ui.test_main_window import open_and_wait

WAIT = 20_000
SHOTS = os.environ.get("PDC_SCREENSHOTS", "")


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, f"{name}.png"))


@pytest.fixture
def images(qtbot, podman, shell):
    """The Images page on the real service, with its image actions wired."""
    manager, window = shell
    operations = Operations()
    controller = ImageActions(lambda: manager.session, operations)
    view = window.views["images"]
    view.use_image_actions(controller, spawn)
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("images")
    qtbot.waitUntil(lambda: view.model.item(TEST_IMAGE) is not None, timeout=WAIT)
    yield view, operations
    for dialog in list(view.tools.dialogs):
        dialog.close()
    operations.close()


def _colour_of(log, word: str):
    at = log.document().find(word)
    assert not at.isNull(), log.toPlainText()
    cursor = QTextCursor(at)
    cursor.setPosition(at.selectionStart() + 1)
    return cursor.charFormat().foreground().color().name()


def test_build_dialog_checks_builds_streams_colours_and_selects_the_image(
    qtbot, podman, images, tmp_path
) -> None:
    view, operations = images
    context = tmp_path / "greeter"
    context.mkdir()
    (context / "Containerfile").write_text(
        f"FROM {TEST_IMAGE}\nARG GREETING\n"
        "RUN echo \"said $GREETING\" && printf '\\033[32mgreen\\033[0m done\\n'\n"
    )
    dialog = view.tools.open_build()
    assert not dialog.action_button.isEnabled()  # no context yet
    dialog.context.edit.setText(str(context))
    assert dialog.tags.text() == "localhost/greeter:latest"  # suggested from the folder
    dialog.tags.setText("localhost/Greeter:1")
    assert not dialog.action_button.isEnabled()
    assert "lower case" in dialog.fields[2].error_label.text()
    dialog.tags.setText("localhost/greeter:1 localhost/greeter:latest")
    dialog.build_args.setPlainText("GREETING hello")
    assert "KEY=VALUE" in dialog.fields[3].error_label.text()
    dialog.build_args.setPlainText("GREETING=hello from the dialog")
    assert dialog.action_button.isEnabled()
    assert dialog.command_text == (
        "podman build --tag=localhost/greeter:1 --tag=localhost/greeter:latest "
        f"'--build-arg=GREETING=hello from the dialog' {context}"
    )
    with qtbot.waitSignal(operations.added) as added:
        dialog.action_button.click()
    operation = added.args[0]
    qtbot.waitUntil(lambda: operation.state is OperationState.DONE, timeout=WAIT)
    image_id = operation.result.image_id
    assert "STEP 3/3: RUN" in dialog.log.toPlainText()
    assert "\nsaid hello from the dialog\n" in dialog.log.toPlainText()  # the build arg
    assert _colour_of(dialog.log, "green done") == PALETTE[2]  # the ANSI colour, drawn
    assert "\x1b" not in dialog.log.toPlainText()
    assert dialog.isVisible() and dialog.status.text().startswith("Built localhost/greeter:1")
    # The new image's rows arrive and are selected.
    qtbot.waitUntil(lambda: [i.id for i in view.selected_items()] == [image_id] * 2, timeout=WAIT)
    shot(dialog, "build-dialog")
    view.select_keys(["localhost/greeter:1"])
    history = view.tools.open_history()
    qtbot.waitUntil(lambda: history.tree.topLevelItemCount() == 3, timeout=WAIT)
    made = [history.tree.topLevelItem(i).text(2) for i in range(3)]
    assert made[0].startswith('RUN echo "said $GREETING" && printf')
    assert made[1] == "ARG GREETING"
    shot(history, "history-dialog")
    shot(view.window(), "images-page")
    podman.cli("rmi", "-f", image_id)


def test_cancelling_a_build_keeps_the_dialog_and_makes_no_image(
    qtbot, podman, images, tmp_path
) -> None:
    view, operations = images
    (tmp_path / "Containerfile").write_text(f"FROM {TEST_IMAGE}\nRUN echo sleeping && sleep 4\n")
    dialog = view.tools.open_build()
    dialog.context.edit.setText(str(tmp_path))
    dialog.tags.setText("localhost/never:1")
    with qtbot.waitSignal(operations.added) as added:
        dialog.submit()
    operation = added.args[0]
    qtbot.waitUntil(lambda: "sleeping\n" in dialog.log.toPlainText(), timeout=WAIT)
    with qtbot.waitSignal(operation.cancelled, timeout=5_000):
        dialog.reject()  # Cancel while building cancels the build
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.isVisible() and dialog.status.text() == "Cancelled."
    assert not podman.cli("images", "-q", "localhost/never:1", check=False)
    # Podman ends the running step before it drops the build's working container.
    qtbot.waitUntil(lambda: not podman.build_containers(), timeout=20_000)


def test_tag_untag_history_details_and_run(qtbot, podman, images) -> None:
    view, _operations = images
    view.select_keys([TEST_IMAGE])
    dialog = view.tools.open_tag()
    assert dialog.new_name.text() == TEST_IMAGE
    assert dialog.fields[0].reason() == "The image already has this name."
    dialog.new_name.setText("localhost/second name")
    assert not dialog.action_button.isEnabled()
    dialog.new_name.setText("localhost/second:2")
    assert dialog.command_text == f"podman tag {TEST_IMAGE} localhost/second:2"
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):  # closes once Podman tagged
        dialog.action_button.click()
    assert view.model.item("localhost/second:2") is not None  # re-listed before that

    seen = []
    answer_with(view, Answer(True), seen)
    view.select_keys(["localhost/second:2"])
    assert view.tools.untag.isEnabled()
    view.tools.untag.trigger()
    qtbot.waitUntil(lambda: view.model.item("localhost/second:2") is None, timeout=WAIT)
    assert "keeps its other names" in seen[0].details
    assert view.model.item(TEST_IMAGE) is not None  # the image itself stays

    view.select_keys([TEST_IMAGE])
    history = view.tools.open_history()
    qtbot.waitUntil(lambda: history.tree.topLevelItemCount() > 0, timeout=WAIT)
    assert any(e.created_by for e in history.entries)

    podman.cli("create", "--name", "user-of-it", TEST_IMAGE)
    qtbot.waitUntil(lambda: view.model.item(TEST_IMAGE).containers == 1, timeout=WAIT)
    details = view.tools.open_details()
    qtbot.waitUntil(lambda: details.details is not None, timeout=WAIT)
    assert details.values["Command"] == "/bin/sh"
    assert "PATH=/bin" in details.values["Environment"]
    assert details.values["Used by"] == "user-of-it"
    assert details.values["Platform"].startswith("linux/")
    shot(details, "details-dialog")

    with qtbot.waitSignal(view.run_requested) as run:
        view.tools.run.trigger()
    assert run.args == [TEST_IMAGE]


def test_save_and_load_from_the_page(qtbot, podman, images, tmp_path) -> None:
    view, operations = images
    podman.cli("tag", TEST_IMAGE, "localhost/moved:1")
    qtbot.waitUntil(lambda: view.model.item("localhost/moved:1") is not None, timeout=WAIT)
    view.select_keys(["localhost/moved:1"])
    target = tmp_path / "moved.tar"
    view.tools.choose_save_path = lambda image: str(target)
    messages = []
    view.message_posted.connect(lambda level, text: messages.append((level, text)))
    operation = view.tools.save_selected()
    qtbot.waitUntil(lambda: operation.state is OperationState.DONE, timeout=WAIT)
    assert target.stat().st_size == operation.result
    qtbot.waitUntil(lambda: len(messages) == 2)
    assert messages[0] == ("info", f"Saving localhost/moved:1 to {target}…")
    assert messages[1][0] == "info" and messages[1][1].startswith(
        f"Saved localhost/moved:1 to {target} ("
    )
    podman.cli("untag", TEST_IMAGE, "localhost/moved:1")
    qtbot.waitUntil(lambda: view.model.item("localhost/moved:1") is None, timeout=WAIT)

    view.tools.choose_archive = lambda: str(target)
    operation = view.tools.load_archive()
    qtbot.waitUntil(lambda: operation.state is OperationState.DONE, timeout=WAIT)
    assert operation.result == ["localhost/moved:1"]
    qtbot.waitUntil(lambda: view.model.item("localhost/moved:1") is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: len(messages) == 4)
    assert messages[-1] == ("info", "Loaded from moved.tar: localhost/moved:1.")
    podman.cli("untag", TEST_IMAGE, "localhost/moved:1")


def test_import_dialog_checks_and_imports_with_progress(qtbot, podman, images, tmp_path) -> None:
    view, operations = images
    rootfs = tmp_path / "rootfs.tar"
    with tarfile.open(rootfs, "w") as tar:
        tar.add(BUSYBOX, arcname="bin/busybox")
    dialog = view.tools.open_import()
    assert not dialog.action_button.isEnabled()
    dialog.tarball.edit.setText(str(tmp_path / "missing.tar"))
    assert dialog.fields[0].error_label.text() == "No such file."
    dialog.tarball.edit.setText(str(rootfs))
    dialog.reference.setText("localhost/Rooted")
    assert not dialog.action_button.isEnabled()
    dialog.reference.setText("localhost/rooted:1")
    dialog.changes.setPlainText("RUN nothing")
    assert not dialog.action_button.isEnabled()
    dialog.changes.setPlainText('ENV PATH=/bin\nCMD ["/bin/busybox", "echo", "rooted"]')
    assert dialog.command_text == (
        "podman import '--change=ENV PATH=/bin' "
        '\'--change=CMD ["/bin/busybox", "echo", "rooted"]\' '
        f"{rootfs} localhost/rooted:1"
    )
    seen = []
    with qtbot.waitSignal(operations.added) as added:
        dialog.action_button.click()
    operation = added.args[0]
    operation.progress.connect(seen.append)
    qtbot.waitUntil(lambda: operation.state is OperationState.DONE, timeout=WAIT)
    qtbot.waitUntil(
        lambda: [i.id for i in view.selected_items()] == [operation.result], timeout=WAIT
    )
    assert seen[-1].done == seen[-1].total == rootfs.stat().st_size  # bytes sent, counted
    assert podman.cli("run", "--rm", "localhost/rooted:1") == "rooted"
    podman.cli("rmi", "-f", "localhost/rooted:1")


def test_enter_opens_details_the_dialogs_are_named_and_an_outside_file_explained(
    qtbot, podman, images, tmp_path
) -> None:
    view, _operations = images
    view.select_keys([TEST_IMAGE])
    view.tree.setCurrentIndex(view.tree.selectionModel().selectedRows()[0])
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(view.tools.dialogs) == 1)
    assert view.tools.dialogs[0].windowTitle() == f"Image {TEST_IMAGE}"

    outside = tmp_path / "elsewhere.containerfile"
    outside.write_text(f"FROM {TEST_IMAGE}\n")
    (tmp_path / "ctx").mkdir()
    build = view.tools.open_build()
    build.context.edit.setText(str(tmp_path / "ctx"))
    assert "no Containerfile or Dockerfile" in build.fields[1].reason()
    build.containerfile.edit.setText(str(outside))
    assert build.fields[1].reason() == ""
    assert build.outside_note.isVisibleTo(build)
    assert "sent along with the context" in build.outside_note.text()

    view.select_keys([TEST_IMAGE])
    opened = [
        build,
        view.tools.open_import(),
        view.tools.open_tag(),
        view.tools.open_history(),
        view.tools.dialogs[0],  # the details, opened by Enter
    ]
    qtbot.waitUntil(lambda: opened[-1].details is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: opened[-2].entries != [], timeout=WAIT)
    found = []
    for dialog in opened:
        found += problems(dialog) + mnemonic_clashes(dialog)
    assert found == []
    assert [a.text().replace("&", "") for a in view.context_actions() if a] == [
        "Details…", "History…", "Run…", "Tag…", "Untag…", "Save…", "Remove…",
    ]  # fmt: skip
