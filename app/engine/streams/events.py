"""Podman's events stream: parsed events, and a reader thread that survives reconnects.

Events are hints (docs/podman-notes.md): they can arrive out of order and a stream can drop, so
the caller re-fetches what an event names and reconciles with a full list on every
(re)connect. The reader resumes with ``since=`` so events that happen while the
service is down are still delivered, once each.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, PodmanError
from app.engine.http_api import LIBPOD_PREFIX, Stream, open_stream

log = logging.getLogger("pdc.events")

# The Docker-compatible endpoint renames a few libpod actions; the app speaks libpod's.
_COMPAT_ACTIONS = {("container", "die"): "died", ("image", "delete"): "remove"}

_RFC3339 = re.compile(
    r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$", re.IGNORECASE
)

# Events are not written in time order (an image "pull" can follow the container
# "create" it preceded), so a resumed stream starts this far before the newest event
# seen; the repeats this replays are dropped by SeenEvents.
REPLAY_MARGIN_NS = 1_000_000_000


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
        except (ValueError, UnicodeDecodeError):
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
    for key in ("timeNano", "TimeNano"):
        if isinstance(data.get(key), int) and data[key] > 0:
            return data[key]
    for key in ("time", "Time"):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value * 1_000_000_000
        if isinstance(value, str):
            return parse_rfc3339_ns(value)
    return 0


def parse_rfc3339_ns(text: str) -> int:
    """Nanoseconds since the epoch of an RFC 3339 time (0 if unreadable); datetime alone
    would drop the last three digits Podman writes."""
    match = _RFC3339.match(text.strip())
    if not match:
        return 0
    whole, fraction, zone = match.groups()
    zone = "+00:00" if zone.upper() == "Z" else zone
    try:
        seconds = int(datetime.fromisoformat(whole + zone).timestamp())
    except ValueError:
        return 0
    return seconds * 1_000_000_000 + int((fraction or "0").ljust(9, "0"))


def since_param(time_nano: int) -> str:
    """``since=`` for events strictly after ``time_nano``.

    Podman reads a unix timestamp through a float64 (~240 ns off today) but RFC 3339
    exactly, and keeps only events strictly after it (measured on Podman 4.3.1).
    """
    seconds, nanos = divmod(time_nano, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{nanos:09d}Z"


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


class EventReader:
    """Reads ``/events`` on its own daemon thread and reconnects with backoff.

    Both callbacks run on the reader thread: the app wraps them with
    ``loop.call_soon_threadsafe`` (or a queued signal) before touching anything else.
    An exception raised by a callback is logged and the reader goes on.

    ``on_state(state, reason)`` receives ``"connecting"``, ``"connected"`` and
    ``"lost"`` (with a reason a user can read). ``"connected"`` comes after every
    successful (re)connect and is the caller's cue to reconcile with a full list:
    events are hints, and what changed before the stream opened is not replayed on a
    first connect.

    On a reconnect the stream resumes from the newest event seen (less
    REPLAY_MARGIN_NS, as events come out of order), so what happened while the
    service was down is delivered; repeats are dropped. Before any event has been seen
    it resumes from the local time of the first connect (a remote clock may differ:
    that gap is left to the reconcile).
    """

    def __init__(
        self,
        endpoint: Endpoint,
        on_event: Callable[[PodmanEvent], None],
        on_state: Callable[[str, str], None] | None = None,
        backoff: Iterable[float] = (0.2, 0.5, 1, 2, 5),
    ) -> None:
        self.endpoint = endpoint
        self._on_event = on_event
        self._on_state = on_state
        self._backoff = tuple(backoff) or (1.0,)
        self._seen = SeenEvents()
        self._first_connect_ns = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # guards _stream against stop() from another thread
        self._stream: Stream | None = None
        self._thread: threading.Thread | None = None

    @property
    def duplicates_dropped(self) -> int:
        """How many replayed repeats were dropped so far (for logs and tests)."""
        return self._seen.dropped

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("an EventReader can be started only once")
        self._thread = threading.Thread(
            target=self._run, name=f"podman-events {self.endpoint}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> bool:
        """Close the stream, then join; True once the thread has ended.

        Returns within ``timeout`` even if the thread is stuck opening a connection; the
        thread is a daemon and makes no callbacks once stopping.
        """
        self._stopping.set()
        with self._lock:
            stream = self._stream
        if stream is not None:
            stream.close()  # wakes a reader blocked in a read
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return thread is None
        thread.join(timeout)
        return not thread.is_alive()

    # -- the reader thread -----------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        self._state("connecting", "")
        while not self._stopping.is_set():
            connected, reason = self._session()
            if self._stopping.is_set():
                break
            failures = 0 if connected else failures + 1
            self._state("lost", reason)
            self._state("connecting", "")
            self._stopping.wait(self._delay(failures))

    def _delay(self, failures: int) -> float:
        # Even after a good connection wait the first step, so a service that accepts
        # and hangs up at once does not turn this into a busy loop.
        return self._backoff[min(max(failures - 1, 0), len(self._backoff) - 1)]

    def _session(self) -> tuple[bool, str]:
        """One connection, read to its end: (whether it connected, why it ended)."""
        try:
            stream = open_stream(self.endpoint, f"{LIBPOD_PREFIX}/events", params=self._params())
        except ApiError as exc:
            return False, f"Podman refused the events stream: {exc.message}"
        except PodmanError as exc:
            return False, str(exc)
        except Exception as exc:  # the thread must never die; report it as a loss
            log.exception("opening the events stream from %s failed", self.endpoint)
            return False, f"Cannot open the events stream: {exc}"
        with self._lock:
            if self._stopping.is_set():
                stream.close()
                return True, ""
            self._stream = stream
        try:
            return True, self._read(stream)
        finally:
            with self._lock:
                self._stream = None
            stream.close()

    def _params(self) -> dict[str, Any]:
        resume = self._seen.newest_ns or self._first_connect_ns
        if not resume:
            return {"stream": True}
        return {"stream": True, "since": since_param(resume - REPLAY_MARGIN_NS)}

    def _read(self, stream: Stream) -> str:
        if not self._first_connect_ns:
            self._first_connect_ns = time.time_ns()
        self._state("connected", "")
        try:
            for line in stream.lines():
                if self._stopping.is_set():
                    break
                self._deliver(line)
        except PodmanError as exc:
            return str(exc)
        except Exception as exc:  # http.client can raise odd errors on a closed socket
            if self._stopping.is_set():
                return ""
            log.exception("reading the events stream from %s failed", self.endpoint)
            return f"The events stream broke: {exc}"
        return "Podman closed the events stream (the service stopped?)"

    def _deliver(self, line: bytes) -> None:
        event = PodmanEvent.parse(line)
        if event is None:
            log.debug("ignoring an unreadable event line: %.200r", line)
            return
        if self._seen.accept(event):
            self._call(self._on_event, event)

    def _state(self, state: str, reason: str) -> None:
        if self._on_state is not None:
            self._call(self._on_state, state, reason)

    def _call(self, callback: Callable[..., None], *args: Any) -> None:
        if self._stopping.is_set():
            return
        try:
            callback(*args)
        except Exception:
            log.exception("an events callback failed")
