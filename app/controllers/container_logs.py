"""One container's logs for the inspector's Logs tab: the follower, what reaches the
GUI thread from it, what a stream's end means, earlier lines and saving.

The follower's thread queues what it reads and wakes the GUI thread once (through
``call_in_loop``); the tab then takes the queue on its own flush timer. A flood brings
hundreds of reads a second, and a wake-up for each would cost the GUI thread more than
the lines themselves. Each read is queued packed (see ``Batch``): two bytes objects
instead of a tuple and a bytes object per line, so that the lines waiting in a flood
(tens of thousands) cost ~45 bytes each, not ~170, and leave no pools of small objects
behind in Python's allocator once they are gone (bench/logs_bench.py).

Signals:
    records_waiting(): records wait in the inbox; call ``take()``. Not emitted again
        until a ``take()`` has found the inbox empty.
    state_changed(StreamState, str): CONNECTING (the reason: the loss it reconnects
        after, if any), CONNECTED, LOST (it reconnects), ENDED (the container is not
        running; ``container_started()`` follows it again).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.controllers.session import Session
from app.engine.errors import PodmanError
from app.engine.streams.logs import LogFollower, read_logs
from app.engine.streams.records import LogLine, Record, StreamState, parse_rfc3339_ns, since_param
from app.support import log
from app.support.concurrency import BACKGROUND_WORKERS, Pool, TaskSet, call_in_loop, pause

_log = log.get("logs")

# The lines a new follower starts with, and how many "Load earlier" adds.
FIRST_LINES = 1000

# One read's lines, packed: (one byte per line, its stream; the lines as Podman sent
# them, "TIMESTAMP text", joined by b"\n"). A line never holds a b"\n" of its own.
Batch = tuple[bytes, bytes]


def pack(records: list[Record]) -> Batch:
    """``records`` as a Batch (a record holding a newline becomes several lines)."""
    streams = bytes(stream for stream, _data in records)
    lines = b"\n".join(data for _stream, data in records)
    if lines.count(b"\n") == len(records) - 1:
        return streams, lines
    # Rare (the end of a stream inside a frame): split such a record into its lines.
    split = [(stream, part) for stream, data in records for part in data.split(b"\n")]
    return bytes(stream for stream, _data in split), b"\n".join(data for _s, data in split)


class ContainerLogs(QObject):
    records_waiting = Signal()
    state_changed = Signal(object, str)

    def __init__(
        self,
        session: Session,
        ref: str,
        tail: int = FIRST_LINES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.container_id = ref  # a name until the inspector knows the full id
        self.tail = tail
        self._follower: LogFollower | None = None
        self._inbox: list[Batch] = []  # filled by the follower's thread
        self._inbox_lock = threading.Lock()
        self._woken = False
        self._wake_gui: Callable[[], None] = lambda: None  # set by start()
        self._tasks = TaskSet("logs", _log)
        self._files = Pool("logs-save", BACKGROUND_WORKERS)
        self._closed = False

    @property
    def following(self) -> bool:
        return self._follower is not None

    @property
    def waiting(self) -> bool:
        """Records were posted that ``take()`` has not yet found gone."""
        return self._woken

    def start(self) -> None:
        """Follow (once): the last ``tail`` lines, then everything new."""
        if self._follower is not None or self._closed:
            return
        loop = asyncio.get_event_loop()
        self._wake_gui = call_in_loop(loop, self._wake)
        self._follower = LogFollower(
            self.session.client.endpoint,
            self.container_id,
            on_records=self._post,
            on_state=call_in_loop(loop, self._on_state),
            tail=self.tail,
        )
        self._follower.start()

    def container_started(self) -> None:
        """The container runs (again): follow its new output."""
        if self._follower is not None:
            self._follower.resume()

    def drop(self) -> None:
        """Break the stream as a lost connection would (it resumes where it stopped)."""
        if self._follower is not None:
            self._follower.drop()

    def close(self) -> None:
        """Stop following: the socket is shut down before the thread is joined."""
        self._closed = True
        self._tasks.cancel_all()
        if self._follower is not None:
            self._follower.stop()
        # The files pool stays: the last lines of a removed container can still be saved.

    # -- records -------------------------------------------------------------------------

    def _post(self, records: list[Record]) -> None:
        """On the follower's thread: queue ``records`` packed; wake the GUI thread only
        once."""
        batch = pack(records)
        with self._inbox_lock:
            self._inbox.append(batch)
            if self._woken:
                return
            self._woken = True
        self._wake_gui()

    def _wake(self) -> None:
        if not self._closed:
            self.records_waiting.emit()

    def take(self) -> list[Batch]:
        """What the follower queued, oldest first, one Batch a read; once it is found
        empty the next read wakes the GUI thread again."""
        with self._inbox_lock:
            batches, self._inbox = self._inbox, []
            if not batches:
                self._woken = False
        return batches

    # -- the stream's state --------------------------------------------------------------

    def _on_state(self, state: StreamState, reason: str) -> None:
        if self._closed:
            return
        if state is StreamState.ENDED:
            self._tasks.spawn(self._after_end())
        else:
            self.state_changed.emit(state, reason)

    async def _after_end(self) -> None:
        """A stream ended: the container stopped, or the connection (SSH) closed it."""
        while not self._closed:
            try:
                running = await self._is_running()
            except PodmanError as exc:
                self.state_changed.emit(StreamState.LOST, str(exc))
                await pause(1)
                continue
            if self._closed:
                return
            if running:
                self.container_started()
            else:
                self.state_changed.emit(StreamState.ENDED, "")
            return

    async def _is_running(self) -> bool:
        attrs = await self.session.call(self.session.client.inspect_container, self.container_id)
        return bool((attrs.get("State") or {}).get("Running"))

    # -- earlier lines and saving ------------------------------------------------------

    async def read_earlier(self, first: str, shown_at_first: int, want: int) -> list[LogLine]:
        """Up to ``want`` lines written before the first one shown, oldest first; fewer
        means there are no more (raises PodmanError).

        ``first`` is the timestamp of the first line shown and ``shown_at_first`` how
        many shown lines carry it: Podman 4.3 writes whole seconds, so the lines of that
        second are asked for again (``until`` keeps only lines before it) and dropped.
        """
        first_ns = parse_rfc3339_ns(first)
        whole_second = "." not in first
        until = since_param(first_ns + (1_000_000_000 if whole_second else 1))
        endpoint = self.session.client.endpoint
        got = await self.session.call(
            read_logs, endpoint, self.container_id, tail=want + shown_at_first, until=until
        )
        # The lines of the first second already shown come last in what Podman sent.
        # Matched by time and count, not text: Podman 4.3's ``tail`` (which the view's
        # first lines came from) can garble a line that conmon wrote in two parts.
        if shown_at_first and all(line.timestamp == first for line in got[-shown_at_first:]):
            got = got[:-shown_at_first]
        got = [line for line in got if not line.timestamp or line.time_ns <= first_ns]
        return got[-want:] if want else []

    async def save(self, path: Path, lines: list[str]) -> None:
        """Write ``lines`` to ``path`` off the GUI thread (raises OSError)."""
        await self._files.run(_write_lines, path, lines)


def _write_lines(path: Path, lines: list[str]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(lines)
