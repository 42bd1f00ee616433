"""Desktop notifications: a machine finished starting or failed, a container exited with
a non-zero code. Off when Settings say so; shown through the tray icon's balloons.

A container the user stopped or killed also "dies" with a non-zero code (137, 143), so
a death is held briefly and dropped when a stop or kill of the same container is seen
around it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.engine.streams.events import PodmanEvent
from app.support import log

_log = log.get("notifications")

# How long a death waits for the stop/kill event that explains it (events are not in order).
SETTLE_MS = 1500


class Notifier(QObject):
    """Turns session events and machine results into notifications.

    ``show(title, text, error)`` is where they go (the tray's balloon).
    """

    def __init__(
        self,
        settings: Settings,
        manager: ConnectionManager,
        controller: MachineController,
        show: Callable[[str, str, bool], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self._show = show
        self._pending: dict[str, PodmanEvent] = {}
        self._explained: set[str] = set()
        self._session = None
        manager.session_changed.connect(self._follow)
        controller.finished.connect(self.on_machine_finished)
        self._follow(manager.session)

    def _follow(self, session: Session | None) -> None:
        self._pending.clear()
        self._explained.clear()
        self._session = session
        if session is not None:
            session.event_received.connect(self.on_event)

    def notify(self, title: str, text: str, error: bool = False) -> None:
        if not self.settings.notifications_enabled:
            return
        _log.info("notify: %s: %s", title, text)
        self._show(title, text, error)

    # -- containers ------------------------------------------------------------------

    def on_event(self, event: PodmanEvent) -> None:
        if event.type != "container":
            return
        if event.action in ("stop", "kill", "remove"):
            self._explained.add(event.id)
            self._pending.pop(event.id, None)
            QTimer.singleShot(SETTLE_MS * 2, lambda i=event.id: self._explained.discard(i))
            return
        if event.action != "died":
            return
        code = _exit_code(event)
        if not code or event.id in self._explained:
            return
        self._pending[event.id] = event
        QTimer.singleShot(SETTLE_MS, lambda i=event.id: self._settle(i))

    def _settle(self, container_id: str) -> None:
        event = self._pending.pop(container_id, None)
        if event is None:
            return
        name = event.name or event.id[:12]
        self.notify("Container exited", f"{name} exited with code {_exit_code(event)}", True)

    # -- machines --------------------------------------------------------------------

    def on_machine_finished(self, action: str, name: str, ok: bool, message: str) -> None:
        if action not in ("start", "restart"):
            return
        if ok:
            self.notify("Machine started", f"{name} is running")
        elif message != "cancelled":
            self.notify("Machine failed to start", f"{name}: {message}", True)


def _exit_code(event: PodmanEvent) -> int:
    try:
        return int(event.attributes.get("containerExitCode", 0))
    except (TypeError, ValueError):
        return 0
