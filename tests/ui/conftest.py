"""Qt widget tests: a main window on a connection manager (`shell`) and `spawn` for the
qasync loop (the `qloop` fixture is in tests/conftest.py)."""

from __future__ import annotations

import asyncio

import pytest

from app.controllers.connection_manager import ConnectionManager
from app.controllers.inspector_manager import InspectorManager
from app.controllers.machine_controller import MachineController
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.models.connection_state import ConnectionState
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.main_window import MainWindow


def spawn(coro):
    """Schedule a coroutine on the qasync loop (kept referenced until done)."""
    task = asyncio.ensure_future(coro)
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task


_running: set = set()


@pytest.fixture
def shell(qtbot, qloop, tmp_path):
    """A main window on a connection manager, as the app wires them (no tray)."""
    settings = Settings(tmp_path / "settings.ini")
    manager = ConnectionManager(settings)
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    window.views["machines"].use_controller(MachineController(manager.cli, window))
    manager.session_changed.connect(window.set_session)
    manager.notice_changed.connect(window.show_notice)
    window.connection_status.retry_requested.connect(manager.retry_upstream)
    qtbot.addWidget(window)
    window.show()
    yield manager, window
    manager.shutdown()


@pytest.fixture
def application(qtbot, qloop, tmp_path):
    """The whole composition root, on its own settings file (nothing started)."""
    from PySide6.QtWidgets import QApplication

    from app.application import Application

    settings = Settings(tmp_path / "s.ini")
    settings.docker_socket_enabled = False
    app = Application(QApplication.instance(), str(tmp_path / "app.log"), settings)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


@pytest.fixture
def connections(qtbot, qloop, tmp_path):
    """A connection manager and an inspector manager on it, as the app wires them."""
    manager = ConnectionManager(Settings(tmp_path / "settings.ini"))
    actions = ResourceActions(lambda: manager.session)
    inspectors = InspectorManager(
        manager, lambda session, ref: ContainerInspector(session, ref, actions)
    )
    yield manager, inspectors
    inspectors.close_all()
    manager.shutdown()


def connect_and_wait(qtbot, manager, connection):
    """Open ``connection`` and wait for its session to be connected."""
    with qtbot.waitSignal(manager.session_changed, timeout=15_000) as opened:
        spawn(manager.open(connection))
    session = opened.args[0]
    if session.state is not ConnectionState.CONNECTED:
        with qtbot.waitSignal(
            session.state_changed,
            timeout=20_000,
            check_params_cb=lambda state, _why: state is ConnectionState.CONNECTED,
        ):
            pass
    return session
