"""Podman's events stream: parsed events, and a reader thread that survives reconnects.

Events are hints (docs/podman-notes.md): they can arrive out of order and a stream can drop, so
the caller re-fetches what an event names and reconciles with a full list on every
(re)connect. The reader resumes with ``since=`` so events that happen while the
service is down are still delivered, once each.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, Stream, open_stream
from app.engine.streams.reader import DEFAULT_BACKOFF, StateCallback, StreamReader, StreamState
from app.engine.streams.records import parse_rfc3339_ns, since_param
from app.support import log

_log = log.get("events")

# The Docker-compatible endpoint renames a few libpod actions; the app speaks libpod's.
_COMPAT_ACTIONS = {("container", "die"): "died", ("image", "delete"): "remove"}

# Events are not written in time order (an image "pull" can follow the container
# "create" it preceded), so a resumed stream starts this far before the newest event
# seen; the repeats this replays are dropped by SeenEvents.
REPLAY_MARGIN_NS = 1_000_000_000

# 9999-12-31T23:59:59Z: a later time is garbage, and datetime cannot spell it.
_MAX_NS = 253_402_300_799 * 1_000_000_000


@dataclass(frozen=True)
class PodmanEvent:
    """One event, as libpod names it (Docker's ``die`` reads as ``died``).

    ``id`` is the object's ID, or its name where Podman sends no ID (volume events,
    image pulls and builds), so it is never empty when the event names anything.
    """

    type: str
    action: str
    id: str
    name: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict, hash=False)
    time_nano: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def key(self) -> tuple[int, str, str, str]:
        """What tells two events apart, and a replayed repeat from a new event."""
        return (self.time_nano, self.type, self.action, self.id)

    @classmethod
    def parse(cls, line: bytes | str) -> PodmanEvent | None:
        """Parse one JSON line of ``/events`` (libpod, compat or ``podman events --format
        json``); None for anything that is not an event."""
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            return None
        if not isinstance(data, dict):
            return None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PodmanEvent | None:
        actor = data.get("Actor") if isinstance(data.get("Actor"), dict) else {}
        attributes = _attributes(actor.get("Attributes") or data.get("Attributes"))
        type_ = _text(data.get("Type") or data.get("type")).lower()
        action = _action(type_, data)
        if not type_ or not action:
            return None
        name = attributes.get("name") or _text(data.get("Name"))
        ident = _text(actor.get("ID") or data.get("id") or data.get("ID")) or name
        return cls(type_, action, ident, name, attributes, _time_nano(data), data)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _attributes(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): _attribute_text(v) for k, v in value.items()}


def _attribute_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value)


def _action(type_: str, data: Mapping[str, Any]) -> str:
    action = _text(data.get("Action") or data.get("status") or data.get("Status"))
    # Compat spells some actions "health_status: healthy" or "exec_start: sh -c ...".
    action = action.split(":", 1)[0].strip()
    return _COMPAT_ACTIONS.get((type_, action), action)


def _time_nano(data: Mapping[str, Any]) -> int:
    """The event's time, or 0 when it has none this side of the year 10000 (a resume
    point must be a time ``since=`` can spell)."""
    for key in ("timeNano", "TimeNano"):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < _MAX_NS:
            return value
    for key in ("time", "Time"):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value *= 1_000_000_000
        elif isinstance(value, str):
            value = parse_rfc3339_ns(value)
        else:
            continue
        return value if 0 < value < _MAX_NS else 0
    return 0


class SeenEvents:
    """The recent events already delivered, to drop the repeats a ``since=`` replay sends.

    Bounded: only the last ``capacity`` keys are kept, far more than one replay margin
    holds in practice.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self.newest_ns = 0
        self.dropped = 0
        self._order: deque[tuple[int, str, str, str]] = deque()
        self._keys: set[tuple[int, str, str, str]] = set()

    def accept(self, event: PodmanEvent) -> bool:
        """Record the event; False if it was already delivered."""
        if not event.time_nano:
            return True  # without a time, a repeat cannot be told from a new event
        self.newest_ns = max(self.newest_ns, event.time_nano)
        key = event.key
        if key in self._keys:
            self.dropped += 1
            return False
        self._keys.add(key)
        self._order.append(key)
        if len(self._order) > self.capacity:
            self._keys.discard(self._order.popleft())
        return True


class EventReader(StreamReader):
    """Reads ``/events`` on its own thread and reconnects with backoff (see StreamReader).

    ``on_event(PodmanEvent)`` and ``on_state(StreamState, reason)`` run on the reader's
    thread; an exception raised by a callback is logged and the reader goes on.
    CONNECTED comes after every successful (re)connect and is the caller's cue to
    reconcile with a full list: events are hints, and what changed before the stream
    opened is not replayed on a first connect.

    On a reconnect the stream resumes from the newest event seen (less
    REPLAY_MARGIN_NS, as events come out of order), so what happened while the
    service was down is delivered; repeats are dropped. Before any event has been seen
    it resumes from the local time of the first connect (a remote clock may differ:
    that gap is left to the reconcile).
    """

    what = "the events stream"
    logger = _log

    def __init__(
        self,
        endpoint: Endpoint,
        on_event: Callable[[PodmanEvent], None],
        on_state: StateCallback | None = None,
        backoff: Iterable[float] = DEFAULT_BACKOFF,
    ) -> None:
        super().__init__(endpoint, f"pdc-events {endpoint}", on_state, backoff)
        self._on_event = on_event
        self._seen = SeenEvents()
        self._first_connect_ns = 0

    @property
    def duplicates_dropped(self) -> int:
        """How many replayed repeats were dropped so far (for logs and tests)."""
        return self._seen.dropped

    def _open(self) -> Stream:
        stream = open_stream(
            self.endpoint,
            f"{LIBPOD_PREFIX}/events",
            params=self._params(),
            on_socket=self._hold_socket,
        )
        if not self._first_connect_ns:
            self._first_connect_ns = time.time_ns()
        return stream

    def _params(self) -> dict[str, Any]:
        resume = self._seen.newest_ns or self._first_connect_ns
        if not resume:
            return {"stream": True}
        return {"stream": True, "since": since_param(resume - REPLAY_MARGIN_NS)}

    def _read(self, stream: Stream) -> tuple[StreamState, str]:
        for line in stream.lines():
            if self.stopping:
                break
            self._deliver(line)
        return StreamState.LOST, "Podman closed the events stream (the service stopped?)"

    def _deliver(self, line: bytes) -> None:
        event = PodmanEvent.parse(line)
        if event is None:
            self.logger.debug("ignoring an unreadable event line: %.200r", line)
            return
        if self._seen.accept(event):
            self._call(self._on_event, event)
