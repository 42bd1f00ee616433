"""Notifications: a container that exits non-zero (a real Podman "died" event) is
reported; one the user stopped is not; Settings turn them off."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.controllers.connection_manager import ConnectionManager
from app.controllers.notifications import Notifier
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.engine.streams.events import PodmanEvent
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import spawn


class IdleController(QObject):
    finished = Signal(str, str, bool, str)


def test_a_container_exiting_non_zero_is_notified(qtbot, qloop, podman, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    settings.docker_socket_enabled = False
    manager = ConnectionManager(settings)
    shown: list[tuple] = []
    notifier = Notifier(settings, manager, IdleController(), lambda *a: shown.append(a))
    with qtbot.waitSignal(manager.session_changed, timeout=10_000):
        spawn(manager.open(Connection("local", podman.uri)))
    session = manager.session
    qtbot.waitUntil(lambda: session.state.can_act(), timeout=15_000)
    podman.cli("run", "--name", "fails", TEST_IMAGE, "sh", "-c", "exit 3", check=False)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=15_000)
    assert shown == [("Container exited", "fails exited with code 3", True)]
    assert notifier.settings is settings
    manager.shutdown()


def _event(action: str, cid: str = "c1", code: str = "") -> PodmanEvent:
    attributes = {"containerExitCode": code} if code else {}
    return PodmanEvent("container", action, cid, name="web", attributes=attributes)


class NoManager(QObject):
    session_changed = Signal(object)
    session = None


def test_a_stopped_container_and_a_clean_exit_are_not_notified(qtbot, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    shown: list[tuple] = []
    notifier = Notifier(settings, NoManager(), IdleController(), lambda *a: shown.append(a))
    notifier.on_event(_event("died", code="137"))
    notifier.on_event(_event("stop"))  # events are not in order: the stop may come after
    notifier._settle("c1")
    notifier.on_event(_event("died", "c2", code="0"))
    notifier._settle("c2")
    assert shown == []
    notifier.on_event(_event("died", "c3", code="1"))
    notifier._settle("c3")
    assert shown == [("Container exited", "web exited with code 1", True)]
    settings.notifications_enabled = False
    notifier.on_event(_event("died", "c4", code="1"))
    notifier._settle("c4")
    assert len(shown) == 1
