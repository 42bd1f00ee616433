"""The System page and its clean-up, on the real service: the page shows what the
service says of itself, and the clean-up removes exactly what it listed, nothing made
or started after the list was shown."""

from __future__ import annotations

import asyncio
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.cleanup_dialog import CleanupDialog
from app.ui.confirmation import Answer
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import mnemonic_clashes, problems
from tests.ui.test_storage_dialogs import connected  # noqa: F401 - the fixture


def test_system_page_shows_the_services_version_and_storage(qtbot, connected, podman) -> None:  # noqa: F811
    app = connected
    page = app.system_page
    app.window.show_page("system")
    assert app.window.sidebar.current_kind() == "system"
    assert not app.window.search.isVisible()  # nothing to search on this page
    qtbot.waitUntil(lambda: page.usage is not None, timeout=15_000)
    info = json.loads(podman.cli("info", "--format", "json"))
    assert page.value("Version") == info["version"]["Version"]
    assert page.value("Storage driver") == info["store"]["graphDriverName"]
    assert page.value("Images and containers") == info["store"]["graphRoot"]
    assert page.usage.images_count >= 1  # the test image
    assert "Images" in page.chart.accessibleDescription()
    assert not problems(page) and not mnemonic_clashes(app.window)
    # By keyboard: Ctrl+8 opens it, Tab goes from the sidebar to its buttons.
    app.window.show_page("containers")
    app.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    qtbot.keyClick(app.window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert app.window.stack.currentWidget() is page
    app.window.sidebar.setFocus()
    qtbot.keyClick(app.window.sidebar, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.refresh_button
    qtbot.keyClick(page.refresh_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.cleanup_button
    app.window.show_page("containers")
    assert app.window.search.isVisible()


def test_cleanup_removes_exactly_the_listed_items(qtbot, connected, podman) -> None:  # noqa: F811
    app = connected
    podman.cli("create", "--name", "old-job", TEST_IMAGE, "true")
    podman.cli("create", "--name", "restarted", TEST_IMAGE, "sleep", "600")
    podman.cli("run", "-d", "--name", "busy", TEST_IMAGE, "sleep", "600")
    podman.cli("volume", "create", "orphan")
    podman.cli("network", "create", "spare")

    dialog = app.show_cleanup()
    assert isinstance(dialog, CleanupDialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=15_000)
    # Other tests may leave dangling images in the shared store: those are listed too.
    dangling = set(podman.cli("images", "-q", "--no-trunc", "-f", "dangling=true").split())
    images = {item.key for item in dialog.plan.of("images")}
    assert {i.removeprefix("sha256:") for i in images} <= {
        d.removeprefix("sha256:") for d in dangling
    }
    listed = {(item.kind, item.name) for item in dialog.plan.items if item.kind != "images"}
    assert listed == {
        ("containers", "old-job"),
        ("containers", "restarted"),
        ("volumes", "orphan"),
        ("networks", "spare"),
    }  # not the running container, not the named image it uses, not "podman"
    assert "podman rm old-job restarted" in dialog.command_text
    assert not problems(dialog) and not mnemonic_clashes(dialog)

    # After the list was shown: a new stopped container and volume, and a listed
    # container started. None of them may go.
    podman.cli("create", "--name", "made-later", TEST_IMAGE, "true")
    podman.cli("volume", "create", "later-volume")
    podman.cli("start", "restarted")

    asked = []

    def confirm(confirmation):
        asked.append(confirmation)
        future = asyncio.get_event_loop().create_future()
        future.set_result(Answer(True))
        return future

    dialog.confirm = confirm
    assert dialog.action_button.isEnabled()
    with qtbot.waitSignal(dialog.performed, timeout=30_000) as done:
        dialog.action_button.click()
    result = done.args[0]
    assert "2 containers" in asked[0].text and "1 volume, 1 network" in asked[0].text
    named = {
        name for heading, names in asked[0].sections for name in names if "image" not in heading
    }
    assert named == {
        "old-job",
        "restarted",
        "orphan",
        "spare",
    }
    removed = {item.name for item in result.removed if item.kind != "images"}
    assert removed == {"old-job", "orphan", "spare"}
    [(refused, words)] = result.failed
    assert refused.name == "restarted"
    assert "running" in words  # Podman's own words, the id replaced by the name
    assert "Podman refused these" in dialog.error.text()

    names = set(podman.cli("ps", "-a", "--format", "{{.Names}}").split())
    assert names == {"made-later", "restarted", "busy"}
    volumes = set(podman.cli("volume", "ls", "--format", "{{.Name}}").split())
    assert volumes == {"later-volume"}
    assert "spare" not in podman.cli("network", "ls", "--format", "{{.Name}}").split()
    assert podman.cli("images", "-q", TEST_IMAGE)  # a named image, not asked for
    # The list now shows what is left: the container made later, the later volume.
    qtbot.waitUntil(
        lambda: (
            dialog.plan is not None
            and {i.name for i in dialog.plan.items} >= {"made-later", "later-volume"}
        ),
        timeout=15_000,
    )
    dialog.close()
