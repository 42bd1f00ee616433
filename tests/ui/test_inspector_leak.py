"""Opening and closing a container inspector leaves nothing behind (issue 17).

PySide6 6.11.3 keeps, for ever, the ``QMetaObject.Connection`` of a signal connected by
a constructor keyword (``QShortcut(key, parent, activated=slot)``): the inspector made
three per window (docs/architecture.md, "Connecting signals").
"""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest
from PySide6.QtCore import QMetaObject

from app.controllers.connection_manager import ConnectionManager
from app.controllers.inspector_manager import InspectorManager
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.ui.inspector.container_inspector import ContainerInspector
from tests.bed.podman import TEST_IMAGE
from tests.ui.test_inspector import TICKER, _connect, _open


def _connection_objects() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, QMetaObject.Connection))


@pytest.mark.timeout(60)
def test_closed_inspectors_keep_no_connections_and_are_freed(qtbot, qloop, podman, tmp_path):
    manager = ConnectionManager(Settings(tmp_path / "settings.ini"))
    actions = ResourceActions(lambda: manager.session)
    inspectors = InspectorManager(
        manager, lambda session, ref: ContainerInspector(session, ref, actions)
    )
    try:
        podman.cli("run", "-d", "--name", "inspected", TEST_IMAGE, "sh", "-c", TICKER)
        _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))

        def open_use_close() -> weakref.ref:
            """As the soak bench does: Logs following, Stats sampling, then closed."""
            window = _open(qtbot, inspectors, "inspected")
            window.tabs.setCurrentWidget(window.logs)
            qtbot.waitUntil(lambda: "tick" in window.logs.plain_text(), timeout=10_000)
            with qtbot.waitSignal(window.stats.sampled, timeout=15_000):
                window.tabs.setCurrentWidget(window.stats)
            window.close()
            assert window not in inspectors.windows
            return weakref.ref(window)

        open_use_close()  # the first one fills caches and pools once
        qloop.run_until_complete(asyncio.sleep(0.1))  # deferred deletes run
        before = _connection_objects()
        windows = [open_use_close() for _ in range(3)]
        qloop.run_until_complete(asyncio.sleep(0.1))

        assert _connection_objects() == before
        gc.collect()
        assert [w() for w in windows] == [None, None, None]
    finally:
        inspectors.close_all()
        manager.shutdown()
