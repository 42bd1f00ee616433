"""A container event shows on its row at once, never ahead of Podman, and the inspect
that follows fills in the rest (issue 16: "event arrival → row painted")."""

from __future__ import annotations

import threading
import time

from app.engine.http_api import LIBPOD_PREFIX, request
from tests.bed.podman import TEST_IMAGE
from tests.ui import test_event_updates
from tests.ui.test_event_updates import WAIT, CallCounter

session = test_event_updates.session  # the same fixture: a connected Session

# The states one container goes through on `podman stop`, in Podman's order
# (docs/podman-notes.md, "What a container event means").
STOP_ORDER = ("running", "stopping", "stopped", "exited")


class RowStates:
    """Every state the session's row of one container showed, in order, beside when
    each fetch of that container was sent (from the API pool's thread)."""

    def __init__(self, live, cid: str) -> None:
        self.cid = cid
        self.log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        live.resources_changed.connect(self._on_changed)
        live.event_received.connect(self._on_event)
        original = live.client.containers_by_id

        def counted(ids, *args, **kwargs):
            if cid in ids:
                with self._lock:
                    self.log.append(("fetch", ""))
            return original(ids, *args, **kwargs)

        live.client.containers_by_id = counted

    def _on_event(self, event) -> None:
        if event.id == self.cid:
            with self._lock:
                self.log.append(("event", event.action))

    def _on_changed(self, kind, diff) -> None:
        if kind != "containers":
            return
        row = diff.changed.get(self.cid) or diff.added.get(self.cid)
        with self._lock:
            if row is not None and (not self.states() or self.states()[-1] != row.state):
                self.log.append(("row", row.state))
            elif self.cid in diff.removed:
                self.log.append(("row", "gone"))

    def states(self) -> list[str]:
        return [state for what, state in self.log if what == "row"]

    def mark(self) -> int:
        return len(self.log)


def _inspect_state(podman, cid: str) -> str:
    return request(_endpoint(podman), "GET", f"{LIBPOD_PREFIX}/containers/{cid}/json")["State"][
        "Status"
    ]


def _endpoint(podman):
    from app.engine.endpoint import Endpoint

    return Endpoint.parse(podman.uri)


def test_stop_start_and_pause_show_podmans_state_and_never_run_ahead(qtbot, podman, session):
    cid = podman.cli("run", "-d", "--name", "web", TEST_IMAGE, "sleep", "600").strip()
    qtbot.waitUntil(lambda: session.items("containers").get(cid) is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: session.items("containers")[cid].state == "running", timeout=WAIT)
    rows = RowStates(session, cid)

    podman.cli("pause", "web")
    qtbot.waitUntil(lambda: session.items("containers")[cid].state == "paused", timeout=WAIT)
    podman.cli("unpause", "web")
    qtbot.waitUntil(lambda: session.items("containers")[cid].state == "running", timeout=WAIT)
    assert rows.states() == ["paused", "running"]

    mark = rows.mark()
    podman.cli("stop", "-t", "0", "web")
    qtbot.waitUntil(lambda: session.items("containers")[cid].state == "exited", timeout=WAIT)
    died = rows.log.index(("event", "died"), mark) - mark
    # The inspect the event asked for follows; the cleanup event may have moved the row on
    # before it is sent (one fetch at a time: the next waits for the one in flight).
    qtbot.waitUntil(lambda: ("fetch", "") in rows.log[mark + died :], timeout=WAIT)
    stop_log = rows.log[mark:]
    # The row left "running" as the `died` event came, from the event itself: Podman's
    # "stopped" (its inspect waits for the cleanup, then says "exited").
    assert [entry for entry in stop_log[died:] if entry[0] == "row"][0] == ("row", "stopped")
    # Never ahead of Podman and never back: only forward along Podman's own order.
    shown = [state for what, state in stop_log if what == "row"]
    order = [STOP_ORDER.index(state) for state in shown]
    assert order == sorted(order), shown
    row = session.items("containers")[cid]
    assert row.exit_code == 137 and row.exited_at is not None  # SIGKILL (the image's)

    mark = rows.mark()
    podman.cli("start", "web")
    qtbot.waitUntil(lambda: session.items("containers")[cid].state == "running", timeout=WAIT)
    assert rows.states()[-1] == "running"
    assert "exited" not in rows.states()[len(shown) + 2 :]  # no older answer put it back
    # Settled: the row says what Podman says.
    qtbot.waitUntil(lambda: not session.fetching, timeout=WAIT)
    assert session.items("containers")[cid].state == _inspect_state(podman, cid) == "running"


def test_rename_and_remove_show_at_once(qtbot, podman, session):
    cid = podman.cli("create", "--name", "old", TEST_IMAGE).strip()
    qtbot.waitUntil(lambda: cid in session.items("containers"), timeout=WAIT)
    podman.cli("rename", "old", "new")
    qtbot.waitUntil(lambda: session.items("containers")[cid].name == "new", timeout=WAIT)
    podman.cli("rm", "new")
    qtbot.waitUntil(lambda: cid not in session.items("containers"), timeout=WAIT)


def test_a_burst_of_events_costs_few_calls(qtbot, podman, session):
    names = [f"b{i}" for i in range(10)]
    ids = [podman.cli("create", "--name", n, TEST_IMAGE, "sleep", "600").strip() for n in names]
    qtbot.waitUntil(lambda: set(ids) <= set(session.items("containers")), timeout=WAIT)
    counter = CallCounter(session.client, ("containers", "containers_by_id", "pods"))
    events: list = []
    session.event_received.connect(lambda e: events.append(e) if e.id in ids else None)
    podman.cli("start", *names)  # init and start: 20 events
    podman.cli("stop", "-t", "0", *names)  # died and cleanup (and stop): 20-30 more
    qtbot.waitUntil(
        lambda: all(session.items("containers")[i].state == "exited" for i in ids), timeout=WAIT
    )
    qtbot.waitUntil(lambda: not session.fetching, timeout=WAIT)
    assert len(events) >= 40
    assert "containers" not in counter.names()  # never the whole list
    # One fetch for the events that came together (the loop was busy with the CLI
    # here), one per batch at most: never one per event.
    assert 1 <= len(counter.calls) <= 3, (len(counter.calls), len(events))


def test_an_event_older_than_the_row_is_not_applied(qtbot, podman, session):
    from app.engine.streams.events import PodmanEvent

    cid = podman.cli("run", "-d", "--name", "late", TEST_IMAGE, "sleep", "600").strip()
    qtbot.waitUntil(lambda: session.items("containers").get(cid) is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: session.items("containers")[cid].state == "running", timeout=WAIT)
    assert spawn_and_wait(qtbot, session.reconcile(("containers",)))
    # A `died` from before that listing, arriving late (events come in batches, out of
    # order): the listing already says what followed it.
    before = time.time_ns() - 2_000_000_000
    late = PodmanEvent("container", "died", cid, "late", {"containerExitCode": "1"}, before)
    session._on_event(late)
    assert session.items("containers")[cid].state == "running"
    # One from now is applied at once.
    now = PodmanEvent("container", "pause", cid, "late", {}, time.time_ns())
    session._on_event(now)
    assert session.items("containers")[cid].state == "paused"  # the test's claim, not Podman's
    qtbot.waitUntil(lambda: not session.fetching, timeout=WAIT)
    # The inspect that followed put Podman's word back: it is running.
    assert session.items("containers")[cid].state == "running"


def spawn_and_wait(qtbot, coro):
    from tests.ui.conftest import spawn

    task = spawn(coro)
    qtbot.waitUntil(task.done, timeout=WAIT)
    return task.result()
