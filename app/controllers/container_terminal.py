"""One terminal in a container for the inspector's Terminal tab: an ExecSession whose
output reaches the GUI thread in batches, with back-pressure.

The exec's reader thread queues what it reads and wakes the GUI thread once (through
``call_in_loop``), like the logs follower; the tab takes the queue when its widget has
room. While more than MAX_INBOX bytes wait, the reader thread stops reading, so a
flood (``cat`` of a large file, ``yes``) is slowed at its source rather than piled up
in memory: Podman and the proxy then hold it back, as a pty does for a slow terminal.

Signals:
    started(str): the exec runs; the command it runs.
    failed(str): it could not start (Podman's words).
    output_waiting(): output waits; call ``take()``. Not emitted again until a
        ``take()`` has emptied the inbox.
    ended(str): the process ended (or the container stopped): what to say.
"""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtCore import QObject, Signal

from app.controllers.session import Session
from app.engine import exec_session
from app.engine.errors import PodmanError
from app.engine.exec_session import ExecEnd, ExecSession
from app.support import log
from app.support.concurrency import call_in_loop

_log = log.get("exec")

MAX_INBOX = 1 << 20
DEFAULT_SHELL = ""  # the first of bash, sh that the container has


class ContainerTerminal(QObject):
    started = Signal(str)
    failed = Signal(str)
    output_waiting = Signal()
    ended = Signal(str)

    def __init__(self, session: Session, container: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.container = container
        self.command = ""
        self.exec: ExecSession | None = None
        self.running = False
        self.closed = False
        self._inbox: list[bytes] = []
        self._inbox_bytes = 0
        self._room = threading.Condition()
        self._woken = False
        self._post_wake = lambda: None
        self._post_end = lambda _end: None

    async def start(
        self, shell: str = DEFAULT_SHELL, user: str = "", rows: int = 24, cols: int = 80
    ) -> bool:
        """Find the shell if none is given, create the exec and start it; False (and
        ``failed``) when Podman refuses."""
        loop = asyncio.get_event_loop()
        self._post_wake = call_in_loop(loop, self._wake)
        self._post_end = call_in_loop(loop, self._on_end)
        endpoint = self.session.client.endpoint
        try:
            if not shell:
                find = exec_session.default_shell
                shell = await self.session.call(find, endpoint, self.container)
            cmd = shell.split()
            self.exec = ExecSession(
                endpoint,
                self.container,
                cmd,
                user=user,
                rows=rows,
                cols=cols,
                on_output=self._on_output,
                on_end=self._post_end,
            )
            if self.closed:
                return False
            await self.session.call(self.exec.open)
        except PodmanError as exc:
            _log.info("terminal in %s: %s", self.container[:12], exc)
            self.failed.emit(str(exc))
            return False
        self.command = shell
        self.running = not self.closed
        if self.closed:
            self.exec.close()  # closed while it started
            return False
        self.started.emit(shell)
        return True

    # -- GUI thread ----------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self.exec is not None and self.running:
            self.exec.write(data)

    def resize(self, rows: int, cols: int) -> None:
        if self.exec is not None:
            self.exec.resize(rows, cols)

    def take(self) -> bytes:
        """All output waiting (and room again for the reader thread)."""
        with self._room:
            data = b"".join(self._inbox)
            self._inbox.clear()
            self._inbox_bytes = 0
            self._woken = False
            self._room.notify_all()
        return data

    def close(self) -> None:
        """End the exec (its processes are hung up) and stop delivering."""
        self.closed = True
        self.running = False
        with self._room:
            self._room.notify_all()
        if self.exec is not None:
            self.exec.close()

    def _wake(self) -> None:
        if not self.closed:
            self.output_waiting.emit()

    def _on_end(self, end: ExecEnd) -> None:
        self.running = False
        if not self.closed:
            if self._inbox:
                self.output_waiting.emit()  # the last output before the message
            self.ended.emit(end.message)

    # -- the exec's reader thread --------------------------------------------------------

    def _on_output(self, data: bytes) -> None:
        with self._room:
            self._room.wait_for(lambda: self._inbox_bytes < MAX_INBOX or self.closed)
            if self.closed:
                return
            self._inbox.append(data)
            self._inbox_bytes += len(data)
            wake = not self._woken
            self._woken = True
        if wake:
            self._post_wake()
