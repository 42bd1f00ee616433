"""The window, the inspector and the dialogs by keyboard alone, on real Podman rows:
Ctrl+1…Ctrl+7 reach the pages, Tab walks sidebar → search → toolbar → list, Enter on a
container opens its inspector and Escape closes it, the Menu key opens a row's context
menu, Alt+letter presses a toolbar button or reaches a labelled field, Escape cancels a
dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QToolButton, QWidget

from app.controllers.inspector_manager import InspectorManager
from app.controllers.remote_connection import RemoteConnectionController
from app.models.container_status import ContainerStatus
from app.support.concurrency import Pool
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.inspector.summary_tab import MASK
from app.ui.remote_connection_dialog import RemoteConnectionDialog
from app.ui.settings_dialog import SettingsDialog
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import mnemonic
from tests.ui.conftest import spawn
from tests.ui.test_main_window import open_and_wait

WAIT = 15_000


@pytest.fixture
def keyboard_shell(qtbot, shell, podman):
    """The window on the test Podman with two running containers, active for keys."""
    manager, window = shell
    for name in ("alpha", "beta"):
        secret = ("-e", "DB_PASSWORD=hunter2")
        podman.cli("run", "-d", "--name", name, *secret, TEST_IMAGE, "sleep", "600")
    open_and_wait(qtbot, manager, podman.uri)
    qtbot.waitUntil(lambda: window.containers.model.rowCount() == 2, timeout=WAIT)
    _activate(qtbot, window)
    return manager, window


def _activate(qtbot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the user types it: to whatever has the keyboard focus."""
    qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key, modifier)


def test_ctrl_number_reaches_each_page_and_puts_the_keyboard_in_its_list(qtbot, keyboard_shell):
    _manager, window = keyboard_shell
    window.search.setFocus()
    pages = list(enumerate(window.views.items(), start=1))
    for number, (kind, view) in reversed(pages):  # the last page first: each one moves
        _press(qtbot, Qt.Key.Key_0 + number, Qt.KeyboardModifier.ControlModifier)
        assert window.current_view() is view, kind
        assert window.sidebar.current_kind() == kind
        assert view.isAncestorOf(QApplication.focusWidget()), kind
    shown = {a.objectName(): a.shortcut() for a in window.findChildren(QAction)}
    assert shown["page:containers"] == QKeySequence("Ctrl+1")
    assert shown["page:secrets"] == QKeySequence("Ctrl+7")
    # Qt makes the first row current (not selected) when the list takes the keyboard.
    assert window.containers.tree.currentIndex().isValid()


def test_tab_goes_sidebar_search_toolbar_then_list(qtbot, keyboard_shell):
    _manager, window = keyboard_shell
    view = window.containers
    view.select_keys(list(view.model.items()))  # the row actions are enabled
    window.sidebar.setFocus()
    visited = []
    for _ in range(15):
        _press(qtbot, Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        if visited[-1] is view.tree:
            break
    buttons = [w for w in visited if isinstance(w, QToolButton) and w.parent() is view.toolbar]
    assert visited[0] is window.search
    assert visited[1 : 1 + len(buttons)] == buttons and len(buttons) >= 4  # Stop, Kill, …
    assert visited[-1] is view.tree
    _press(qtbot, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is not view.tree  # and back again


def test_enter_opens_the_inspector_and_escape_closes_it(qtbot, keyboard_shell):
    manager, window = keyboard_shell
    actions = window.resource_actions
    inspectors = InspectorManager(manager, lambda s, r: ContainerInspector(s, r, actions))
    window.inspect_requested.connect(inspectors.open)
    try:
        _press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        _press(qtbot, Qt.Key.Key_End)  # the last row, by keyboard
        current = window.containers.tree.currentIndex()
        with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
            _press(qtbot, Qt.Key.Key_Return)
        inspector = opened.args[0]
        assert inspector.ref == window.containers.key_at(current)
        qtbot.waitUntil(lambda: inspector.container_id != "", timeout=WAIT)
        _activate(qtbot, inspector)
        # Enter on a secret's row (on its name: the value need not be reached) shows it.
        env = inspector.summary.env_table
        row = next(r for r in range(env.rowCount()) if env.item(r, 0).text() == "DB_PASSWORD")
        env.setFocus()
        env.setCurrentCell(row, 0)
        assert env.item(row, 1).text() == MASK
        _press(qtbot, Qt.Key.Key_Return)
        assert env.item(row, 1).text() == "hunter2"
        # Escape in a search with text clears it; the next Escape closes the window.
        inspector.tabs.setCurrentWidget(inspector.logs)
        inspector.logs.search.setFocus()
        qtbot.keyClicks(inspector.logs.search, "tick")
        _press(qtbot, Qt.Key.Key_Escape)
        assert inspector.logs.search.text() == "" and inspector.isVisible()
        with qtbot.waitSignal(inspector.closed, timeout=5_000):
            _press(qtbot, Qt.Key.Key_Escape)
    finally:
        inspectors.close_all()


def test_alt_letter_presses_a_toolbar_button(qtbot, keyboard_shell):
    _manager, window = keyboard_shell
    view = window.containers
    key = next(iter(view.model.items()))
    view.select_keys([key])
    button = view.toolbar.widgetForAction(view.stop)
    letter = mnemonic(button.text())
    assert letter and button.isEnabled()
    with qtbot.waitSignal(
        window.resource_actions.transition_started,
        timeout=5_000,
        check_params_cb=lambda _kind, keys, state: (
            keys == [key] and state is ContainerStatus.STOPPING
        ),
    ):
        _press(qtbot, getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.model.status(key) is ContainerStatus.EXITED, timeout=WAIT)


def test_delete_asks_and_escape_cancels_the_confirmation(qtbot, keyboard_shell, podman):
    _manager, window = keyboard_shell
    view = window.containers
    _press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    _press(qtbot, Qt.Key.Key_Space)  # select the current row
    assert len(view.selected_keys()) == 1
    _press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "confirmation") is not None)
    box = window.findChild(QMessageBox, "confirmation")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "confirmation") is None)
    assert view.model.rowCount() == 2
    assert len(podman.cli("ps", "-q").split()) == 2  # Podman still has both


def test_escape_cancels_the_settings_dialog_and_keeps_the_settings(qtbot, shell):
    _manager, window = shell
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    before = window.settings.podman_path
    dialog.open()
    _activate(qtbot, dialog)
    # Alt+P (the label's mnemonic) puts the keyboard in the field the label names.
    _press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    field = QApplication.focusWidget()
    assert field.objectName() == "podmanPath"
    qtbot.keyClicks(field, "/typed/but/cancelled")
    with qtbot.waitSignal(dialog.rejected, timeout=5_000):
        _press(qtbot, Qt.Key.Key_Escape)
    assert window.settings.podman_path == before


def test_remote_connection_dialog_by_keyboard(qtbot, shell):
    manager, window = shell
    pool = Pool("test-cli", 1)
    dialog = RemoteConnectionDialog(RemoteConnectionController(manager.cli, pool), spawn, window)
    qtbot.addWidget(dialog)
    try:
        dialog.open()
        _activate(qtbot, dialog)
        _press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.uri
        _press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.identity
        with qtbot.waitSignal(dialog.rejected, timeout=5_000):
            _press(qtbot, Qt.Key.Key_Escape)
    finally:
        pool.shutdown()


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_the_menu_key_opens_the_context_menu_of_the_current_row(qtbot, keyboard_shell):
    _manager, window = keyboard_shell
    view = window.containers
    _press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    _press(qtbot, Qt.Key.Key_End)  # the last row: where a wrong offset finds no row
    last = view.key_at(view.tree.currentIndex())
    # What Qt sends the window when the Menu key is pressed (the platform turns the key
    # into this event, which QTest's key events do not go through).
    menu_key = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(), QPoint())
    QApplication.sendEvent(window.windowHandle(), menu_key)
    qtbot.waitUntil(lambda: _open_menu() is not None)
    menu = _open_menu()
    assert view.stop in menu.actions() and view.stop.isEnabled()
    assert view.selected_keys() == [last]
    menu.close()
    _press(qtbot, Qt.Key.Key_Home)
    qtbot.keyClick(view.tree, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _open_menu() is not None)
    assert view.selected_keys() != [last]
    _open_menu().close()


def _open_menu() -> QMenu | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    return shown[0] if shown else None
