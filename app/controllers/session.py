"""One session per active connection: its client, events reader and reconcile.

Switching connections replaces the session whole. Only the GUI thread touches a
session; blocking API calls run on the session's own API pool and come back as
awaited values, and the events reader's callbacks reach the loop through
``call_in_loop`` (app/support/concurrency.py).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from app.engine.client import Client
from app.engine.connection import Connection
from app.engine.container_events import row_after_event
from app.engine.errors import ConnectionLost, PodmanError, PodmanTooOld
from app.engine.reconcile import Diff, Reconciler
from app.engine.streams.events import EventReader, PodmanEvent
from app.engine.streams.reader import DEFAULT_BACKOFF, StreamState
from app.models.connection_state import ConnectionState
from app.proxy.status import ProxyState, ProxyStatus, UpstreamState
from app.support import log
from app.support.concurrency import API_WORKERS, Pool, TaskSet, call_in_loop

if TYPE_CHECKING:  # an ssh:// connection's proxy: not loaded for a unix:// one (launch time)
    from app.controllers.proxy_runner import ProxyRunner

_log = log.get("session")

T = TypeVar("T")

# Events of these types name one object, fetched alone (one filtered list call for a
# burst) to update its row: a `podman stop` on a 1,000-container store costs one small
# answer, not a full list. A container's pod row follows its container.
TARGETED = {"container": "containers", "pod": "pods", "image": "images"}
# The other kinds are short lists that change rarely: an event re-lists the kind.
EVENT_KINDS = {
    "volume": ("volumes",),
    "network": ("networks",),
    "secret": ("secrets",),
}
# An image event names the image by id, except pulls and builds (by name): those re-list.
_IMAGE_ID = re.compile(r"[0-9a-f]{64}")
# Container events that change the image list too: a commit makes an image, with no
# image event of its own, and create and remove change how many containers use an
# image, its "Used by" (docs/podman-notes.md, "Image names").
IMAGE_CHANGING_ACTIONS = frozenset({"create", "remove", "commit"})
RESOURCE_KINDS = ("containers", "images", "volumes", "pods", "networks", "secrets")
# Podman 4.3 sends no network or secret events, and health checks change a container
# without one (docs/podman-notes.md, "Events are hints"): only these kinds are re-listed
# on the slow timer; the others follow their events, and are re-listed at connect, after
# a gap in the events stream, on F5 and when their page is shown after a while.
UNEVENTED_KINDS = ("containers", "networks", "secrets")
# A page shown when its list is older than this is listed again.
STALE_AFTER_S = 5.0
_KEYS: dict[str, Callable[[Any], Any]] = {
    "volumes": lambda v: v.name,
    "images": lambda i: i.key,  # one row per name (ImageSummary.key)
}
# A big diff reaches the models in parts of this many rows, with the event loop let run
# between them: inserting (and sorting) 1,000 rows at once stalls the GUI for ~200 ms,
# 100 take ~10 ms. The pause (not sleep(0)) lets the repaint a part causes and any
# waiting input or timer run before the next part, instead of straight after it.
CHUNK_ROWS = 100
CHUNK_PAUSE_S = 0.005


class Session(QObject):
    """The app's live view of one connection.

    Signals:
        state_changed(ConnectionState, str): the connection state and its reason.
        version_known(VersionInfo): the service's version, after the version check.
        resources_changed(str, Diff): a list ("containers", "images"…) changed.
        event_received(PodmanEvent): every event, after de-duplication.
    """

    state_changed = Signal(object, str)
    version_known = Signal(object)
    resources_changed = Signal(str, object)
    event_received = Signal(object)

    def __init__(
        self,
        connection: Connection,
        endpoint_uri: str | None = None,
        reconcile_interval_ms: int = 60_000,
        parent: QObject | None = None,
        proxy: ProxyRunner | None = None,
        events_backoff: Iterable[float] = DEFAULT_BACKOFF,
    ) -> None:
        super().__init__(parent)
        self._events_backoff = tuple(events_backoff)
        self.connection = connection
        # An ssh:// connection is reached through its proxy's local end, like any client.
        # The proxy is the connection manager's: it started it and stops it.
        self.proxy = proxy
        self.endpoint_uri = proxy.endpoint if proxy is not None else endpoint_uri or connection.uri
        self.state = ConnectionState.CONNECTING
        self.reason = ""
        # A connection that never answered is "not connected", not "lost": there are no
        # last known rows to keep, and the user is shown how to get it going.
        self.ever_connected = False
        self.version = None
        self.reconciler = Reconciler()
        self._pool = Pool("api", API_WORKERS)
        self._client = Client(self.endpoint_uri)
        self._reader: EventReader | None = None
        self._tasks = TaskSet("session", _log)
        # The kinds listed first at connect: the page the user looks at (the window sets it).
        self.first_kinds: tuple[str, ...] = ("containers",)
        self._pending_kinds: set[str] = set()
        self._pending_ids: dict[str, set[str]] = {kind: set() for kind in TARGETED.values()}
        self._targeting: set[str] = set()  # kinds with a filtered fetch in flight
        self._flush_scheduled = False
        self._listed: set[str] = set()
        # When each kind was last listed whole (monotonic seconds).
        self.listed_at: dict[str, float] = {}
        # Keys a filtered fetch updated, with its number: a whole listing started before
        # it is older for those keys and must not put their old state back.
        self._touched: dict[str, dict[Any, int]] = {}
        # When what a container's row shows was true, on this machine's clock (ns): when
        # the fetch that read it was sent, or when the event applied to it happened. An
        # event from before that (events come late, in batches, and out of order) is
        # older than the row and is not applied over it. Rows read by a whole listing
        # count from when it was sent (_listed_ns).
        self._read_ns: dict[str, int] = {}
        self._listed_ns: dict[str, int] = {}
        self._list_sent_ns: dict[tuple[str, int], int] = {}
        # This machine's clock minus Podman's, to compare an event's time with ours: 0 on
        # a local socket; for another host, the smallest gap seen between an event's time
        # and its arrival (its clock's offset plus the shortest delivery), None until then.
        self._same_clock = proxy is None and self.endpoint_uri.startswith("unix://")
        self._clock_offset_ns: int | None = 0 if self._same_clock else None
        # Listings are numbered as they start; one that ends after a newer one has been
        # applied is stale (Podman answered before the newer state) and is dropped.
        self._started: dict[str, int] = {}
        self._applied: dict[str, int] = {}
        # Held while one kind's diff is handed over in parts, so diffs keep their order.
        self._emitting: dict[str, asyncio.Lock] = {}
        self._closed = False
        self._reconcile_timer = QTimer(self, interval=reconcile_interval_ms)
        self._reconcile_timer.timeout.connect(
            lambda: self._tasks.spawn(self.reconcile(UNEVENTED_KINDS))
        )
        if proxy is not None:
            proxy.status_changed.connect(self._on_proxy_status)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Connect: version check, then the events reader (whose connects trigger reconciles)."""
        self._set_state(ConnectionState.CONNECTING, "")
        loop = asyncio.get_event_loop()
        self._reader = EventReader(
            self._client.endpoint,
            on_event=call_in_loop(loop, self._on_event),
            on_state=call_in_loop(loop, self._on_reader_state),
            backoff=self._events_backoff,
        )
        self._reader.start()
        self._reconcile_timer.start()

    def close(self) -> None:
        """Stop everything this session started; returns promptly.

        Its proxy (if any) is left running: the connection manager stops it, off the
        GUI thread.
        """
        if self._closed:
            return
        self._closed = True
        self._reconcile_timer.stop()
        if self._reader is not None:
            self._reader.stop()
        self._tasks.cancel_all()
        self._pool.shutdown()
        self._client.close()

    @property
    def client(self) -> Client:
        return self._client

    def retry(self) -> None:
        """Try the connection now instead of at the next automatic attempt. Over SSH the
        server is reached again too, asking again what was refused (a host key…)."""
        waiting = self.state.is_retrying() or self.state is ConnectionState.UNAVAILABLE
        if self._closed or self._reader is None or not waiting:
            return  # connected, or too old: nothing to try again
        _log.info("%s: retrying now", self.connection.name)
        self._set_state(ConnectionState.CONNECTING, "trying again")
        if self.proxy is not None and not self.proxy.status().upstream_state.usable:
            self.proxy.retry()
        if self._reader.state is StreamState.CONNECTED:
            # The events stream is open but the version check failed: check again.
            self._tasks.spawn(self._connected())
        else:
            self._reader.resume()

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking engine call on the session's API pool and await its result.

        Raises ConnectionLost once the session is closed (the app switched away).
        """
        if self._closed:
            raise ConnectionLost(f"The app closed the connection to {self.connection.name}")
        return await self._pool.run(fn, *args, **kwargs)

    # -- connecting ----------------------------------------------------------------------

    def _on_reader_state(self, state: StreamState, reason: str) -> None:
        if self._closed:
            return
        if state is StreamState.CONNECTED:
            self._tasks.spawn(self._connected())
        elif state is StreamState.LOST:
            if self.state is ConnectionState.UNAVAILABLE:
                return  # the proxy already said why, and it needs the user
            if self.state is ConnectionState.CONNECTING and self._ssh_connecting():
                return  # SSH is being reached: the stream cannot be up yet, and says nothing
            proxy_reason = self._proxy_reason()
            error = self._reader.last_error if self._reader is not None else None
            if not self.ever_connected and isinstance(error, ConnectionLost):
                reason = error.why  # the address shows beside it: the cause alone
            self._down(proxy_reason or reason or "the connection dropped")

    def _ssh_connecting(self) -> bool:
        return self.proxy is not None and (
            self.proxy.status().upstream_state is UpstreamState.CONNECTING
        )

    def _proxy_reason(self) -> str:
        """While SSH is down, its reason beats the 502 the events stream sees."""
        if self.proxy is None:
            return ""
        status = self.proxy.status()
        if status.upstream_state is UpstreamState.UP:
            return ""
        return f"SSH: {status.last_error}" if status.last_error else ""

    def _on_proxy_status(self, status: ProxyStatus) -> None:
        if self._closed:
            return
        if status.state is ProxyState.FAILED or status.upstream_state is UpstreamState.FAILED:
            self._set_state(ConnectionState.UNAVAILABLE, status.last_error or "the proxy failed")
        elif status.upstream_state is UpstreamState.DOWN:
            self._down(f"SSH: {status.last_error or 'connection lost'}")
        elif status.upstream_state is UpstreamState.CONNECTING:
            target = self.connection.describe()
            self._set_state(ConnectionState.CONNECTING, f"over SSH to {target}")

    async def _connected(self) -> None:
        # The shown page's list is fetched while the version is checked (a switch shows
        # its rows after the slower of the two, not after both), and alone: on two cores
        # a slow image list started beside it delays the containers' answer.
        first = tuple(k for k in RESOURCE_KINDS if k in self.first_kinds) or RESOURCE_KINDS[:1]
        fetches = self._fetch(first)
        try:
            version = await self.call(self._client.quick_check)
        except PodmanTooOld as exc:
            _discard(fetches)
            self._set_state(ConnectionState.UNSUPPORTED, str(exc))
            return
        except PodmanError as exc:
            _discard(fetches)
            self._down(str(exc))
            return
        if self._closed:
            _discard(fetches)
            return
        self.version = version
        self.version_known.emit(version)
        # The shown page's rows are painted as soon as they come; "connected" is said
        # once every list is in, so nothing reads a half-listed connection as complete.
        rest = tuple(k for k in RESOURCE_KINDS if k not in first)
        if not await self._apply(fetches) or self._closed:
            return
        if await self._apply(self._fetch(rest)) and not self._closed:
            self.ever_connected = True
            self._set_state(ConnectionState.CONNECTED, "")

    def _down(self, reason: str) -> None:
        """Podman does not answer: "lost" if it ever did, else "not connected"."""
        lost = ConnectionState.LOST if self.ever_connected else ConnectionState.NOT_CONNECTED
        self._set_state(lost, reason)

    def _set_state(self, state: ConnectionState, reason: str) -> None:
        if (state, reason) == (self.state, self.reason):
            return
        _log.info("%s: %s %s", self.connection.name, state.value, reason)
        self.state, self.reason = state, reason
        self.state_changed.emit(state, reason)

    # -- events and reconcile ------------------------------------------------------------

    def _on_event(self, event: PodmanEvent) -> None:
        if self._closed:
            return
        self.event_received.emit(event)
        kind = TARGETED.get(event.type)
        if kind == "images" and not _IMAGE_ID.fullmatch(event.id):
            self._pending_kinds.add("images")
        elif kind is not None and event.id:
            self._pending_ids[kind].add(event.id)
            if kind == "containers":
                self._follow_pod(self.reconciler.known("containers").get(event.id))
                self._apply_event(event)
        self._pending_kinds.update(EVENT_KINDS.get(event.type, ()))
        if event.type == "container" and event.action in IMAGE_CHANGING_ACTIONS:
            self._pending_kinds.add("images")
        self._schedule_flush()

    def _apply_event(self, event: PodmanEvent) -> None:
        """Show at once what a container event makes certain (app/engine/container_events.py);
        the inspect fetched for the event fills in the rest and then wins, being newer.

        The row counts as updated by a fetch numbered now, so a fetch or listing started
        before the event (its answer older than the event) does not put the old state back.
        """
        kind = "containers"
        row = self.reconciler.known(kind).get(event.id)
        happened = self._local_ns(event)
        if row is None or happened is None:
            return  # no row yet (the fetch adds it), or no time to compare
        if happened <= max(self._read_ns.get(event.id, 0), self._listed_ns.get(kind, 0)):
            return  # the row was read after the event happened: it already says as much
        lock = self._emitting.get(kind)
        if lock is not None and lock.locked():
            return  # a diff is being handed over in parts: the fetch follows it
        after = row_after_event(row, event)
        if after is row:
            return
        self._read_ns[event.id] = happened
        number = self._started[kind] = self._started.get(kind, 0) + 1
        self._touched.setdefault(kind, {})[event.id] = number
        known = len(self.reconciler.known(kind))
        if after is None:
            self.reconciler.discard(kind, event.id)
            self._read_ns.pop(event.id, None)
            diff = Diff({}, [event.id], {}, known - 1)
        else:
            self.reconciler.upsert(kind, event.id, after)
            diff = Diff({}, [], {event.id: after}, known - 1)
        self.resources_changed.emit(kind, diff)

    def _local_ns(self, event: PodmanEvent) -> int | None:
        """When ``event`` happened, on this machine's clock (None: cannot tell)."""
        if not event.time_nano:
            return None
        if not self._same_clock:
            gap = time.time_ns() - event.time_nano
            if self._clock_offset_ns is None or gap < self._clock_offset_ns:
                self._clock_offset_ns = gap
        return event.time_nano + (self._clock_offset_ns or 0)

    def _follow_pod(self, container: Any) -> None:
        pod_id = getattr(container, "pod_id", "")
        if pod_id:
            self._pending_ids["pods"].add(pod_id)

    def _schedule_flush(self) -> None:
        # No fixed delay: the flush runs once the loop has taken every event already
        # queued, so a burst becomes one call per kind, and a lone event costs nothing.
        pending = self._pending_kinds or any(self._pending_ids.values())
        if pending and not self._flush_scheduled and not self._closed:
            self._flush_scheduled = True
            QTimer.singleShot(0, self, self._flush_pending)

    def _flush_pending(self) -> None:
        self._flush_scheduled = False
        if self._closed:
            return
        kinds, self._pending_kinds = tuple(self._pending_kinds), set()
        if kinds:
            self._tasks.spawn(self.reconcile(kinds))
        for kind, ids in self._pending_ids.items():
            if kind in kinds:
                ids.clear()  # the whole listing covers them
            elif ids and kind not in self._targeting:
                self._pending_ids[kind] = set()
                self._tasks.spawn(self._fetch_ids(kind, ids))

    async def _fetch_ids(self, kind: str, ids: set[str]) -> None:
        """Fetch the objects ``ids`` names in one filtered call and update their rows."""
        fetch = {
            "containers": self._client.containers_by_id,
            "pods": self._client.pods_by_id,
            "images": self._client.images_by_id,
        }[kind]
        number = self._started[kind] = self._started.get(kind, 0) + 1
        sent_ns = time.time_ns()
        self._targeting.add(kind)
        try:
            if kind == "containers":
                # Known rows are refreshed by inspect, far cheaper than a filtered list.
                known = self.reconciler.known(kind)
                items = await self.call(fetch, ids, {i: known[i] for i in ids if i in known})
            else:
                items = await self.call(fetch, ids)
        except ConnectionLost as exc:
            # The events reader sees the same loss and resumes with a whole listing.
            _log.info("fetching %s %s: %s", len(ids), kind, exc)
            return
        except PodmanError as exc:
            _log.warning("fetching %s %s failed: %s", len(ids), kind, exc)
            self._pending_kinds.add(kind)  # fall back to listing the kind whole
            return
        finally:
            self._targeting.discard(kind)
            self._schedule_flush()
        key = _KEYS.get(kind, lambda v: v.id)
        async with self._emitting.setdefault(kind, asyncio.Lock()):
            if self._closed or number < self._applied.get(kind, 0):
                return  # a whole listing started later has already shown newer states
            touched = self._touched.setdefault(kind, {})
            # Rows an event updated after this fetch started keep the event's state: this
            # answer may be older (an inspect sent before the event came).
            newer = {k for k, n in touched.items() if n > number}
            if newer:
                items = [item for item in items if key(item) not in newer]
            diff = self.reconciler.apply_some(
                kind, items, lambda v: v.id in ids and key(v) not in newer, key=key
            )
            for row in (*diff.added, *diff.changed, *diff.removed):
                touched[row] = number
            if kind == "containers":
                for item in items:
                    self._read_ns[item.id] = max(self._read_ns.get(item.id, 0), sent_ns)
            if not diff.is_empty:
                await self._emit_parts(kind, diff)
        if kind == "containers":
            for container in items:
                self._follow_pod(container)
            self._schedule_flush()

    async def reconcile(self, kinds: tuple[str, ...] | None = None) -> bool:
        """List and diff each kind; emit resources_changed for those that changed.

        Returns False when the connection was lost on the way.
        """
        return await self._apply(self._fetch(kinds or RESOURCE_KINDS))

    async def refresh_if_stale(self, kind: str, max_age_s: float = STALE_AFTER_S) -> None:
        """List ``kind`` again if its last whole listing is older than ``max_age_s``
        (a page being shown: what events missed shows up when someone looks)."""
        if self._closed or self.state is not ConnectionState.CONNECTED:
            return
        age = time.monotonic() - self.listed_at.get(kind, 0.0)
        if kind in RESOURCE_KINDS and age > max_age_s:
            await self.reconcile((kind,))

    def _fetch(self, kinds: tuple[str, ...]) -> dict[str, tuple[int, asyncio.Future]]:
        """Start listing every kind at once (the executor bounds how many run)."""
        fetches = {}
        for kind in kinds:
            number = self._started[kind] = self._started.get(kind, 0) + 1
            self._list_sent_ns[(kind, number)] = time.time_ns()
            fetch = asyncio.ensure_future(self.call(getattr(self._client, kind)))
            fetches[kind] = (number, fetch)
        return fetches

    async def _apply(self, fetches: dict[str, tuple[int, asyncio.Future]]) -> bool:
        """Diff each listing as it arrives, in the order given (containers first)."""
        try:
            for kind, (number, fetch) in fetches.items():
                if self._closed:
                    return False
                try:
                    items = await fetch
                except ConnectionLost as exc:
                    self._down(str(exc))
                    return False
                except PodmanError as exc:
                    _log.warning("listing %s failed: %s", kind, exc)
                    continue
                key = _KEYS.get(kind, lambda v: v.id)
                async with self._emitting.setdefault(kind, asyncio.Lock()):
                    if self._closed:
                        return False
                    if number < self._applied.get(kind, 0):
                        # Overtaken: a re-list started later has shown newer states. Applied,
                        # this one would put a stopped container back to "stopping" until
                        # the next event, which may never come.
                        continue
                    self._applied[kind] = number
                    listed_ns = self._list_sent_ns.pop((kind, number), 0)
                    self._list_sent_ns = {  # and forget the overtaken ones
                        k: v for k, v in self._list_sent_ns.items() if k[0] != kind or k[1] > number
                    }
                    self._listed_ns[kind] = max(self._listed_ns.get(kind, 0), listed_ns)
                    self.listed_at[kind] = time.monotonic()
                    items = self._keep_newer(kind, number, items, key)
                    diff = self.reconciler.apply(kind, items, key=key)
                    if kind == "containers":  # what the listing read is as new
                        self._read_ns = {
                            k: v for k, v in self._read_ns.items() if v > self._listed_ns[kind]
                        }
                    first = kind not in self._listed
                    self._listed.add(kind)
                    changed = first or not diff.is_empty
                    if changed and not await self._emit_parts(kind, diff):
                        return False
            return True
        finally:
            _discard(fetches)

    def _keep_newer(self, kind: str, number: int, items: list, key: Callable[[Any], Any]) -> list:
        """A whole listing, with the rows a later filtered fetch updated kept as that
        fetch left them (present or gone): the listing is older for those."""
        newer = {k: n for k, n in self._touched.get(kind, {}).items() if n > number}
        self._touched[kind] = newer
        if not newer:
            return items
        known = self.reconciler.known(kind)
        kept = [item for item in items if key(item) not in newer]
        return kept + [known[k] for k in newer if k in known]

    async def _emit_parts(self, kind: str, diff: Diff) -> bool:
        """Emit ``diff`` in parts, letting the loop run between them; False if closed."""
        parts = _parts(diff, CHUNK_ROWS)
        for n, part in enumerate(parts):
            if n:
                try:
                    await asyncio.sleep(CHUNK_PAUSE_S)  # let Qt paint and take input
                except asyncio.CancelledError:
                    # The reconciler already holds the whole listing: the models must too.
                    if not self._closed:
                        for rest in parts[n:]:
                            self.resources_changed.emit(kind, rest)
                    raise
                if self._closed:
                    return False
            self.resources_changed.emit(kind, part)
        return True

    @property
    def fetching(self) -> bool:
        """Whether rows named by events are still being fetched, or waiting to be."""
        return bool(self._targeting or self._flush_scheduled or any(self._pending_ids.values()))

    def items(self, kind: str) -> dict:
        """The last known objects of one kind, by key."""
        return dict(self.reconciler.known(kind))


def _parts(diff: Diff, size: int) -> list[Diff]:
    """``diff`` cut into diffs of at most ``size`` added or changed rows (removals first)."""
    added, changed = list(diff.added.items()), list(diff.changed.items())
    if len(added) + len(changed) <= size:
        return [diff]
    parts = []
    for start in range(0, len(changed), size):
        part = dict(changed[start : start + size])
        parts.append(Diff({}, diff.removed if not parts else [], part, diff.unchanged_count))
    for start in range(0, len(added), size):
        part = dict(added[start : start + size])
        parts.append(Diff(part, diff.removed if not parts else [], {}, diff.unchanged_count))
    return parts


def _discard(fetches: dict[str, tuple[int, asyncio.Future]]) -> None:
    """Cancel what is still running; mark failures seen (no "never retrieved" noise)."""
    for _number, fetch in fetches.values():
        if not fetch.done():
            fetch.cancel()
        elif not fetch.cancelled():
            fetch.exception()
