"""Every control of the main window, the inspector and the Settings dialog has a name a
screen reader can say (and icon-only ones a tooltip), on a real Podman with rows."""

from __future__ import annotations

import pytest

from app.controllers.inspector_manager import InspectorManager
from app.controllers.resource_actions import ResourceActions
from app.engine.connection import Connection
from app.models.connection_state import ConnectionState
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray_settings_section import TraySettingsSection
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import problems
from tests.ui.conftest import spawn


@pytest.fixture
def connected_shell(qtbot, shell, podman):
    manager, window = shell
    podman.cli("run", "-d", "--name", "named", TEST_IMAGE, "sleep", "600")
    with qtbot.waitSignal(manager.session_changed, timeout=15_000) as opened:
        spawn(manager.open(Connection("test", podman.uri)))
    session = opened.args[0]
    if session.state is not ConnectionState.CONNECTED:
        with qtbot.waitSignal(
            session.state_changed,
            timeout=20_000,
            check_params_cb=lambda state, _why: state is ConnectionState.CONNECTED,
        ):
            pass
    return manager, window


def test_main_window_controls_are_named(qtbot, connected_shell):
    _manager, window = connected_shell
    for kind in window.views:  # every page, not only the one shown
        window.show_page(kind)
    found = problems(window)
    assert not found, "\n".join(found)


def test_inspector_controls_are_named(qtbot, connected_shell):
    manager, _window = connected_shell
    actions = ResourceActions(lambda: manager.session)
    inspectors = InspectorManager(manager, lambda s, r: ContainerInspector(s, r, actions))
    with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
        inspectors.open("named")
    inspector = opened.args[0]  # closed (and deleted) by close_all below
    qtbot.waitUntil(lambda: inspector.container_id != "", timeout=10_000)
    try:
        found = problems(inspector)
        assert not found, "\n".join(found)
    finally:
        inspectors.close_all()


def test_settings_dialog_controls_are_named(qtbot, shell):
    _manager, window = shell
    dialog = SettingsDialog(window.settings, window)
    dialog.add_section(TraySettingsSection(dialog))
    qtbot.addWidget(dialog)
    found = problems(dialog)
    assert not found, "\n".join(found)


def test_the_checker_finds_an_unnamed_icon_button(qtbot):
    from PySide6.QtWidgets import QToolButton, QVBoxLayout, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    QVBoxLayout(root).addWidget(QToolButton(root))
    found = problems(root)
    assert any("no accessible name" in line for line in found)
    assert any("no tooltip" in line for line in found)
