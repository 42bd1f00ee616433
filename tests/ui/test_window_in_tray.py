"""The window beside the tray, as the composition root wires it: where the desktop has no
tray (offscreen here) the window behaves as a normal window, --minimized still shows it,
closing it quits; with a tray, closing hides it there once with a notice."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.controllers.tray_policy import TrayPolicy
from app.engine.connection import Connection
from app.ui.machine_menu import make_machine_menu
from app.ui.main_window import MainWindow
from app.ui.tray import Tray
from app.ui.tray_menu import TrayMenu
from app.ui.window_in_tray import WindowInTray
from tests.ui.conftest import spawn


def test_without_a_tray_the_window_is_never_left_hidden(qtbot, application):
    app, window = application, application.window
    app.settings.close_to_tray = True
    quits = []
    window.quit_requested.connect(lambda: quits.append(True))
    assert app.tray is None  # offscreen Qt has no system tray
    app.window_in_tray.start(minimized=True)
    assert window.isVisible()
    assert app.connection_menu.menuAction() in window.menuBar().actions()
    assert window.findChild(QMenu, "machineMenu") is app.connection_menu
    window.close()
    assert quits == [True]  # not hidden away: there is no tray to come back from


# Offscreen Qt's answers to a tray icon and to raising a window: not this app's faults.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged", "does not support raise")
def test_with_a_tray_closing_hides_to_it_once_with_a_notice(qtbot, qloop, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    settings.close_to_tray = True
    manager = ConnectionManager(settings)
    machines = MachineController(manager.cli)
    actions = ResourceActions(lambda: manager.session)
    window = MainWindow(settings, actions)
    qtbot.addWidget(window)
    quits = []
    window.quit_requested.connect(lambda: quits.append(True))
    policy = TrayPolicy(settings, manager, machines, spawn, window.isVisible)
    notices = []
    policy.notification.connect(lambda title, _text, _error: notices.append(title))
    menu = make_machine_menu(manager, machines, spawn)
    qtbot.addWidget(menu)
    # Offscreen Qt has no tray host: stand one in, as the Xvfb tests have trayer.
    tray_menu = TrayMenu(menu.switcher, actions)
    qtbot.addWidget(tray_menu)
    tray = Tray(manager, machines, tray_menu)
    keeper = WindowInTray(window, tray, policy)
    keeper.start(minimized=True)
    assert keeper.in_tray  # the stand-in tray counts as a tray
    assert not window.isVisible()  # --minimized: in the tray only
    keeper.toggle_window()
    assert window.isVisible()
    window.close()
    assert not window.isVisible() and quits == []
    assert notices == ["Podman Desktop Companion is still running"]
    keeper.show_window()
    window.close()
    assert len(notices) == 1 and settings.tray_notice_shown  # the notice is shown once
    settings.close_to_tray = False
    keeper.show_window()
    window.close()
    assert quits == [True]
    tray.hide()
    machines.shutdown()
    manager.shutdown()


def test_a_failed_switch_is_posted_on_the_window(qtbot, application, podman, tmp_path):
    app = application
    with qtbot.waitSignal(app.manager.session_changed, timeout=10_000):
        spawn(app.manager.open(Connection("test-bed", podman.uri, source="podman")))
    gone = Connection("gone", f"unix://{tmp_path}/nothing.sock")
    with qtbot.waitSignal(app.manager.switch_failed, timeout=10_000):
        spawn(app.manager.switch_to(gone))
    posted = app.window.message_bar.text()
    assert "Could not switch to gone: " in posted and "still on test-bed." in posted
