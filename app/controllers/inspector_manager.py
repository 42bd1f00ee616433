"""Opens one inspector window per container and raises the one already open.

Requests can come before any session exists (``python -m app inspect NAME`` at
startup, or a request that also switches connection): they wait for the next
session. When the session is replaced, the old one's windows stop and say why.

Signals:
    opened(ContainerInspector): a new inspector window was created and shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.controllers.connection_manager import ConnectionManager
from app.controllers.session import Session
from app.support import log

# The window class lives in the UI layer; the composition root passes its constructor in.
# It takes (session, ref) and has: ref, name, container_id, session, detached, closed,
# loaded, show(), start(), close(), detach(reason).
ContainerInspector = Any

_log = log.get("ui")


class InspectorManager(QObject):
    opened = Signal(object)

    def __init__(
        self,
        connections: ConnectionManager,
        make_window: Callable[[Session, str], ContainerInspector],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.connections = connections
        self._make_window = make_window
        self.windows: list[ContainerInspector] = []
        self._waiting: list[str] = []
        connections.session_changed.connect(self._on_session_changed)

    def open(self, ref: str) -> ContainerInspector | None:
        """Show the inspector of ``ref`` (a name or id) on the current session."""
        session = self.connections.session
        if session is None:
            self.open_on_next_session(ref)
            return None
        existing = self.find(session, ref)
        if existing is not None:
            _raise(existing)
            return existing
        _log.info("inspecting container %s on %s", ref, session.connection.name)
        window = self._make_window(session, ref)
        window.closed.connect(lambda w=window: self._forget(w))
        window.loaded.connect(lambda _attrs, w=window: self._dedupe(w))
        self.windows.append(window)
        window.show()
        window.start()
        self.opened.emit(window)
        return window

    def open_on_next_session(self, ref: str) -> None:
        """Open ``ref`` once the connection being opened has its session."""
        if ref not in self._waiting:
            self._waiting.append(ref)

    def find(self, session: Session, ref: str) -> ContainerInspector | None:
        for window in self.windows:
            if window.session is not session or window.detached:
                continue
            if ref in (window.ref, window.name) or (
                window.container_id and len(ref) >= 3 and window.container_id.startswith(ref)
            ):
                return window
        return None

    def close_all(self) -> None:
        for window in list(self.windows):
            window.close()

    def _dedupe(self, window: ContainerInspector) -> None:
        """Two refs (a name and an id) may name one container: keep the first window."""
        for other in self.windows:
            if (
                other is not window
                and other.session is window.session
                and not other.detached
                and other.container_id == window.container_id
            ):
                window.close()
                _raise(other)
                return

    def _forget(self, window: ContainerInspector) -> None:
        if window in self.windows:
            self.windows.remove(window)
        window.deleteLater()

    def _on_session_changed(self, session: Session | None) -> None:
        for window in self.windows:
            if window.session is not session:
                window.detach(
                    "The app closed this connection, so this window no longer updates. "
                    "Open the container again from the main window."
                )
        if session is not None and self._waiting:
            waiting, self._waiting = self._waiting, []
            for ref in waiting:
                self.open(ref)


def _raise(window: ContainerInspector) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
