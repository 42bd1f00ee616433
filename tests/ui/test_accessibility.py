"""Every control of the main window, the inspector, the Settings dialog and the other
dialogs has a name a screen reader can say (and icon-only ones and toolbar buttons a
tooltip), form labels name their fields, no two visible controls claim one Alt+letter,
and every menu entry has words; on a real Podman with rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QToolButton

from app.application import Application
from app.controllers import notices
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.proxy.host_keys import HostKeyInfo
from app.ui import confirmation
from app.ui.docker_socket_panel import DockerSocketPanel
from app.ui.machine_actions import InitMachineDialog, ManageMachinesDialog
from app.ui.proxy_prompts import DialogPrompts
from app.ui.remote_connection_dialog import RemoteConnectionDialog
from app.ui.settings_dialog import SettingsDialog
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import menu_problems, mnemonic, mnemonic_clashes, problems
from tests.ui.conftest import connect_and_wait


@pytest.fixture
def application(qtbot, qloop, tmp_path):
    """The whole composition root (its menus, toolbars and dialogs), nothing started."""
    settings = Settings(tmp_path / "s.ini")
    settings.docker_socket_enabled = False
    app = Application(QApplication.instance(), str(tmp_path / "app.log"), settings)
    qtbot.addWidget(app.window)
    app.window.show()
    yield app
    app.shutdown()


@pytest.fixture
def connected(qtbot, application, podman):
    """The application on the test Podman, with a running container."""
    podman.cli("run", "-d", "--name", "named", TEST_IMAGE, "sleep", "600")
    manager = application.manager
    connect_and_wait(qtbot, manager, Connection("test", podman.uri))
    qtbot.waitUntil(lambda: application.window.containers.model.rowCount() == 1)
    return application


def _fail_on(found: list[str]) -> None:
    assert not found, "\n".join(found)


def test_main_window_controls_are_named(qtbot, connected):
    window = connected.window
    found = []
    for kind in window.views:  # every page, not only the one shown
        window.show_page(kind)
        found += problems(window) + [f"{kind} page: {c}" for c in mnemonic_clashes(window)]
    window.show_notice(notices.no_connection())  # the notice page and its buttons
    assert window.notice_page.isVisibleTo(window)
    found += problems(window.notice_page) + mnemonic_clashes(window)
    _fail_on(found)


def test_every_toolbar_button_has_an_alt_letter(qtbot, connected):
    window = connected.window
    letters = {mnemonic(a.text()) for a in window.menuBar().actions()}
    for kind, view in window.views.items():
        window.show_page(kind)
        buttons = [view.toolbar.widgetForAction(a) for a in view.toolbar.actions()]
        keys = [mnemonic(b.text()) for b in buttons if isinstance(b, QToolButton)]
        shown = [b.text() for b in buttons if isinstance(b, QToolButton)]
        assert all(keys), f"{kind}: {shown}"
        assert not set(keys) & letters, f"{kind}: {keys} clash with the menu bar {letters}"


def test_menus_tray_menu_and_switcher_entries_have_words(qtbot, connected):
    window = connected.window
    found = []
    for action in window.menuBar().actions():
        action.menu().aboutToShow.emit()  # menus that fill themselves when they open
        found += menu_problems(action.menu())
    connected.tray_menu.rebuild()
    assert any(a.text().startswith("Running Containers (1)") for a in connected.tray_menu.actions())
    found += menu_problems(connected.tray_menu)
    connected.toolbar_menu.rebuild()
    found += menu_problems(connected.toolbar_menu)
    _fail_on(found)


def test_inspector_controls_are_named(qtbot, connected):
    inspectors = connected.inspectors
    with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
        inspectors.open("named")
    inspector = opened.args[0]  # closed (and deleted) by close_all below
    qtbot.waitUntil(lambda: inspector.container_id != "", timeout=10_000)
    try:
        found = []
        for index in range(inspector.tabs.count()):
            inspector.tabs.setCurrentIndex(index)
            found += problems(inspector) + mnemonic_clashes(inspector)
        _fail_on(found)
    finally:
        inspectors.close_all()


def test_settings_dialog_controls_are_named(qtbot, application):
    dialog = application.settings_dialog()  # with every section, as the app shows it
    qtbot.addWidget(dialog)
    assert isinstance(dialog, SettingsDialog) and dialog.nav.count() == 5
    found = []
    for row in range(dialog.nav.count()):
        dialog.nav.setCurrentRow(row)
        found += problems(dialog) + mnemonic_clashes(dialog)
    _fail_on(found)


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen Qt, not the app
def test_machine_and_connection_dialogs_are_named(qtbot, application):
    app = application
    app.manage_machines()
    app.show_docker_socket()
    remote = RemoteConnectionDialog(app.remotes, app.spawn, app.window)
    init = InitMachineDialog(app.window)
    for dialog in (remote, init):
        qtbot.addWidget(dialog)
    assert isinstance(app._manage_dialog, ManageMachinesDialog)
    assert isinstance(app._docker_panel, DockerSocketPanel)
    found = []
    for dialog in (app._manage_dialog, app._docker_panel, remote, init):
        found += problems(dialog) + mnemonic_clashes(dialog)
    _fail_on(found)


def test_confirmation_is_named_and_escape_cancels_it(qtbot, application):
    window = application.window
    future = confirmation.ask(
        window,
        confirmation.Confirmation(
            "Remove containers", "Remove 2 containers?", ["a", "b"], action="Stop and Remove"
        ),
    )
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "confirmation") is not None)
    box = window.findChild(QMessageBox, "confirmation")
    _fail_on(problems(box) + mnemonic_clashes(box))
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(future.done)
    assert not future.result().accepted


def test_ssh_prompts_are_named_and_escape_refuses(qtbot, application):
    window = application.window
    prompts = DialogPrompts(lambda: window)
    trusted: list[bool] = []
    info = HostKeyInfo("example.org", 2222, "ssh-ed25519", "SHA256:abc", "/tmp/known_hosts")
    prompts.ask_host_key(info, trusted.append)
    box = window.findChild(QMessageBox, "hostKeyDialog")
    _fail_on(problems(box) + mnemonic_clashes(box))
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: trusted == [False])

    passphrases: list[str | None] = []
    prompts.ask_passphrase("/home/me/.ssh/id_ed25519", False, passphrases.append)
    dialog = window.findChild(QInputDialog, "passphraseDialog")
    _fail_on(problems(dialog) + mnemonic_clashes(dialog))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: passphrases == [None])


def test_the_checker_finds_what_a_screen_reader_would_miss(qtbot):
    from PySide6.QtWidgets import (
        QComboBox,
        QFormLayout,
        QLineEdit,
        QPushButton,
        QToolBar,
        QVBoxLayout,
        QWidget,
    )

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    layout.addWidget(QToolButton(root))  # an icon without a name or a tooltip
    layout.addWidget(QPushButton("↑", root))  # a glyph is not a name
    combo = QComboBox(root)
    combo.addItem("All containers")  # named only by what it shows
    layout.addWidget(combo)
    toolbar = QToolBar(root)
    toolbar.addAction("Start")  # a tooltip that repeats the label
    layout.addWidget(toolbar)
    form = QFormLayout()
    form.addRow("Name:", QLineEdit(root))  # a buddy, but no Alt+letter
    layout.addLayout(form)
    twins = (QPushButton("&Save", root), QPushButton("&Stop", root))
    for button in twins:
        layout.addWidget(button)
    found = "\n".join(problems(root))
    assert "QToolButton (no object name) in QWidget : no accessible name" in found
    assert "shows no word (an icon or a glyph) and has no tooltip" in found
    assert "no accessible name (only “↑”)" in found
    assert "named by its value “All containers”" in found
    assert "toolbar button whose tooltip says no more than its label" in found
    assert "form label “Name:” in QWidget: no mnemonic" in found
    assert mnemonic_clashes(root) == ["Alt+S: QPushButton Save, QPushButton Stop"]
