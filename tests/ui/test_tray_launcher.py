"""The tray's wiring into the app where the desktop has no tray (offscreen here): the
window behaves as a normal window, --minimized still shows it, closing it quits."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from app.controllers.connection_manager import ConnectionManager
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.ui.main_window import MainWindow
from app.ui.tray import TrayLauncher
from tests.ui.conftest import spawn


def test_without_a_tray_the_window_is_never_left_hidden(qtbot, qloop, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    settings.close_to_tray = True
    manager = ConnectionManager(settings)
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    qtbot.addWidget(window)
    quits = []
    launcher = TrayLauncher(settings, manager, window, spawn, lambda: None, lambda: None)
    window.quit_requested.connect(lambda: quits.append(True))
    assert launcher.tray is None  # offscreen Qt has no system tray
    launcher.start(minimized=True)
    assert window.isVisible()
    assert launcher.window_menu.menuAction() in window.menuBar().actions()
    assert window.findChild(QMenu, "machineMenu") is launcher.window_menu
    window.close()
    assert quits == [True]  # not hidden away: there is no tray to come back from
    launcher.shutdown()
    manager.shutdown()


# Offscreen Qt's answers to a tray icon and to raising a window: not this app's faults.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged", "does not support raise")
def test_with_a_tray_closing_hides_to_it_once_with_a_notice(qtbot, qloop, tmp_path):
    from app.ui.tray import Tray

    settings = Settings(tmp_path / "s.ini")
    settings.close_to_tray = True
    manager = ConnectionManager(settings)
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    qtbot.addWidget(window)
    quits = []
    window.quit_requested.connect(lambda: quits.append(True))
    launcher = TrayLauncher(settings, manager, window, spawn, lambda: None, lambda: None)
    # Offscreen Qt has no tray host: stand one in, as the Xvfb tests have trayer.
    launcher.tray = Tray(manager, launcher.controller, launcher.menu, launcher)
    notices = []
    launcher.tray.notify = lambda title, text, error=False: notices.append(title)
    launcher.tray.show()
    assert launcher.in_tray  # the stand-in tray counts as a tray
    launcher.start(minimized=True)
    assert not window.isVisible()  # --minimized: in the tray only
    launcher.toggle_window()
    assert window.isVisible()
    window.close()
    assert not window.isVisible() and quits == []
    assert notices == ["Podman Desktop Companion is still running"]
    launcher.show_window()
    window.close()
    assert len(notices) == 1 and settings.tray_notice_shown  # the notice is shown once
    settings.close_to_tray = False
    launcher.show_window()
    window.close()
    assert quits == [True]
    launcher.shutdown()
    manager.shutdown()


def test_toolbar_switcher_names_the_active_connection(qtbot, qloop, tmp_path, podman):
    from PySide6.QtWidgets import QToolButton

    from app.engine.connection import Connection

    settings = Settings(tmp_path / "s.ini")
    manager = ConnectionManager(settings)
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    qtbot.addWidget(window)
    launcher = TrayLauncher(settings, manager, window, spawn, lambda: None, lambda: None)
    button = window.findChild(QToolButton, "connectionButton")
    assert button.text() == "No connection"
    with qtbot.waitSignal(manager.session_changed, timeout=10_000):
        spawn(manager.open(Connection("test-bed", podman.uri, source="podman")))
    assert button.text() == "test-bed"
    assert button.menu() is launcher.toolbar_menu or button.defaultAction().menu() is (
        launcher.toolbar_menu
    )
    launcher.shutdown()
    manager.shutdown()
