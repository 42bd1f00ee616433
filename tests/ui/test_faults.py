"""Faults during work (issue 17, item 6): the Podman service killed under a window that
follows a container's logs and stats, and under an action in flight. The app says what
happened, comes back by itself, and leaks no thread or descriptor.

Each test runs on ``fresh_podman``, a private service it may kill (SIGKILL: no goodbye on
any socket) and start again on the same socket. Containers outlive their service (conmon
runs them), so what the window showed is still true when the service is back.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter

import pytest

from app.controllers.connection_manager import ConnectionManager
from app.controllers.inspector_manager import InspectorManager
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.engine.errors import PodmanError
from app.models.connection_state import ConnectionState
from app.models.container_status import ContainerStatus
from app.support.concurrency import API_WORKERS
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.main_window import MainWindow
from tests.bed.podman import TEST_IMAGE
from tests.conftest import linux_only
from tests.ui.conftest import spawn

pytestmark = linux_only

TICKER = "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"
# PID 1 ignores SIGTERM, so a stop waits out its timeout: an action long in flight.
STUBBORN = "trap '' TERM; while true; do sleep 0.2; done"


@pytest.fixture
def app_parts(qtbot, qloop, tmp_path):
    """The window, the actions and the inspectors, wired as app/application.py does."""
    settings = Settings(tmp_path / "settings.ini")
    manager = ConnectionManager(settings)
    actions = ResourceActions(lambda: manager.session)
    window = MainWindow(settings, actions)
    manager.session_changed.connect(window.set_session)
    manager.notice_changed.connect(window.show_notice)
    inspectors = InspectorManager(
        manager, lambda session, ref: ContainerInspector(session, ref, actions)
    )
    qtbot.addWidget(window)
    window.show()
    yield manager, window, actions, inspectors
    inspectors.close_all()
    manager.shutdown()


def _is(state):
    return lambda got, _why: got is state


def _connect(qtbot, manager, uri):
    with qtbot.waitSignal(manager.session_changed, timeout=15_000) as opened:
        spawn(manager.open_initial(uri))
    session = opened.args[0]
    if session.state is not ConnectionState.CONNECTED:
        with qtbot.waitSignal(
            session.state_changed, timeout=20_000, check_params_cb=_is(ConnectionState.CONNECTED)
        ):
            pass
    return session


def _open_inspector(qtbot, inspectors, ref):
    with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
        inspectors.open(ref)
    inspector = opened.args[0]  # closed by the fixture's close_all (it deletes on close)
    qtbot.waitUntil(lambda: inspector.container_id != "", timeout=10_000)
    return inspector


def _ticks(logs) -> list[int]:
    return [int(line.text.split()[1]) for line in logs.kept_lines() if line.text.startswith("tick")]


def _kill_and_wait_lost(qtbot, bed, session):
    with qtbot.waitSignal(
        session.state_changed, timeout=15_000, check_params_cb=_is(ConnectionState.LOST)
    ):
        bed.stop_service(kill=True)


def _restart_and_wait_connected(qtbot, bed, session):
    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_is(ConnectionState.CONNECTED)
    ):
        bed.start_service()


def _no_tracebacks(caplog) -> None:
    """Nothing failed unhandled: a task that raised is logged at ERROR with its
    traceback (and goes to the crash handler in the app)."""
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]


def _threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate())


def _left_over(before: list[str]) -> list[str]:
    """Threads running now that were not running ``before`` (by name, counted). Threads
    that other tests left and that ended meanwhile do not count, nor the session's API
    pool growing up to its bound (the re-list of every kind after a reconnect runs on all
    its workers at once): bounded, so not a leak."""
    now = _threads()
    extra = list((Counter(now) - Counter(before)).elements())
    if sum(name.startswith("pdc-api_") for name in now) <= API_WORKERS:
        extra = [name for name in extra if not name.startswith("pdc-api_")]
    return extra


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.timeout(90)
def test_service_killed_under_logs_and_stats_then_back(qtbot, caplog, fresh_podman, app_parts):
    """The Logs and Stats tabs say their stream was lost, then resume by themselves:
    the logs without a line twice or a line missing, the stats with new readings, and
    the window's rows come back. Afterwards, with the inspector closed, the threads and
    descriptors are those of before it opened."""
    manager, window, _actions, inspectors = app_parts
    fresh_podman.cli("run", "-d", "--name", "ticker", TEST_IMAGE, "sh", "-c", TICKER)
    session = _connect(qtbot, manager, fresh_podman.uri)
    qtbot.waitUntil(lambda: window.containers.model.rowCount() == 1, timeout=10_000)

    threads_before, fds_before = _threads(), _fds()
    inspector = _open_inspector(qtbot, inspectors, "ticker")
    logs, stats = inspector.logs, inspector.stats
    with qtbot.waitSignal(stats.sampled, timeout=15_000):
        inspector.tabs.setCurrentWidget(stats)
    qtbot.waitUntil(lambda: len(_ticks(logs)) >= 3, timeout=10_000)

    _kill_and_wait_lost(qtbot, fresh_podman, session)
    qtbot.waitUntil(lambda: logs.status.text().startswith("Reconnecting…"), timeout=10_000)
    qtbot.waitUntil(lambda: stats.status.text().startswith("No stats:"), timeout=10_000)
    assert window.connection_status.state_label.text().startswith("Connection lost")
    assert inspector.banner.text().startswith("Connection lost"), inspector.banner.text()
    assert window.containers.model.rowCount() == 1  # kept, greyed, while lost
    last_before = _ticks(logs)[-1]

    _restart_and_wait_connected(qtbot, fresh_podman, session)
    qtbot.waitUntil(lambda: _ticks(logs)[-1] >= last_before + 10, timeout=20_000)
    assert logs.status.text() == "Following the container's output", logs.status.text()
    ticks = _ticks(logs)
    assert ticks == list(range(ticks[0], ticks[-1] + 1)), "a line twice or one missing"
    samples = len(stats.history.samples)
    qtbot.waitUntil(lambda: len(stats.history.samples) >= samples + 2, timeout=15_000)
    assert not stats.status.text().startswith("No stats"), stats.status.text()
    qtbot.waitUntil(lambda: not inspector.banner.isVisible(), timeout=10_000)
    assert window.containers.model.rowCount() == 1
    assert not window.containers.model.stale
    (item,) = window.containers.model.items().values()
    assert item.name == "ticker" and item.state == "running"

    # Closing the inspector ends its readers and pools: back to what ran before it.
    inspector.close()
    qtbot.waitUntil(lambda: not _left_over(threads_before), timeout=10_000)
    # The session's HTTP connections to the old service were broken by the kill and
    # are opened anew on demand: allow the API pool's four workers one each.
    assert _fds() <= fds_before + 4, (fds_before, _fds(), os.listdir("/proc/self/fd"))
    _no_tracebacks(caplog)


@pytest.mark.timeout(90)
def test_service_killed_during_a_stop(qtbot, caplog, fresh_podman, app_parts):
    """A stop in flight when the service dies: the row leaves "Stopping…", the failure
    names the container, nothing reaches the crash handler, and once the service is back
    the row shows what Podman says."""
    manager, window, actions, _inspectors = app_parts
    fresh_podman.cli("run", "-d", "--name", "stubborn", TEST_IMAGE, "sh", "-c", STUBBORN)
    session = _connect(qtbot, manager, fresh_podman.uri)
    model = window.containers.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    (key,) = model.items()

    failures = []
    actions.failed.connect(failures.append)
    with qtbot.waitSignal(actions.transition_started, timeout=5_000):
        task = spawn(actions.stop_containers([key]))
    assert actions.pending("containers", key) is ContainerStatus.STOPPING
    # The stop waits out the container's 10 s stop timeout; kill the service under it.
    _kill_and_wait_lost(qtbot, fresh_podman, session)
    qtbot.waitUntil(task.done, timeout=15_000)
    assert task.result() == [key]
    assert actions.pending("containers", key) is None
    (failure,) = failures
    assert isinstance(failure.error, PodmanError)
    assert "“stubborn”" in failure.text, failure.text

    _restart_and_wait_connected(qtbot, fresh_podman, session)
    qtbot.waitUntil(lambda: not model.stale, timeout=10_000)
    # The row shows what Podman lists now (the stop may or may not have gone through).
    truth = json.loads(fresh_podman.cli("ps", "-a", "--format", "json"))[0]["State"]
    qtbot.waitUntil(lambda: model.items()[key].state == truth, timeout=10_000)
    _no_tracebacks(caplog)


LISTED = 120  # Podman 4.3 takes ~170 ms to list these: a window wide enough to land in


def _create_many(bed, count: int) -> None:
    """``count`` stopped containers, made through the API in parallel (the CLI would take
    a process per container)."""
    from concurrent.futures import ThreadPoolExecutor

    from app.engine import http_api
    from app.engine.endpoint import Endpoint

    target = Endpoint.parse(bed.uri)
    spec = {"image": TEST_IMAGE, "command": ["sleep", "1d"]}

    def create(n: int) -> None:
        path = f"{http_api.LIBPOD_PREFIX}/containers/create"
        http_api.request(target, "POST", path, body={**spec, "name": f"many-{n:03d}"})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(count)))


@pytest.mark.timeout(90)
def test_service_killed_in_the_middle_of_a_full_list(
    qtbot, caplog, monkeypatch, fresh_podman, app_parts
):
    """The service dies while the window re-lists every container: the listing is given
    up (not half applied), the status bar says the connection is lost, the rows stay,
    greyed as stale, and when the service is back the list is Podman's again, including
    what changed while it was away."""
    manager, window, _actions, _inspectors = app_parts
    # One part per listing: between parts the session awaits asyncio.sleep, which needs
    # the loop running in asyncio's sense, and qtbot's waits only spin Qt's.
    monkeypatch.setattr("app.controllers.session.CHUNK_ROWS", 10 * LISTED)
    _create_many(fresh_podman, LISTED)
    session = _connect(qtbot, manager, fresh_podman.uri)
    model = window.containers.model
    qtbot.waitUntil(lambda: model.rowCount() == LISTED, timeout=15_000)
    threads_before = _threads()

    # Kill the service once the listing's request is on its way (white-box: the client's
    # list method, wrapped to say when the pool thread calls it).
    asked = threading.Event()
    real_list = session.client.containers

    def listing(*args, **kwargs):
        asked.set()
        return real_list(*args, **kwargs)

    session.client.containers = listing
    task = spawn(session.reconcile(("containers",)))
    qtbot.waitUntil(asked.is_set, timeout=5_000)
    _kill_and_wait_lost(qtbot, fresh_podman, session)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is False  # the list was cut off, not completed
    session.client.containers = real_list

    assert window.connection_status.state_label.text().startswith("Connection lost")
    assert model.rowCount() == LISTED  # the last rows are kept …
    assert model.stale  # … and marked as no longer current

    # Changed while the service was away (the CLI needs no service): Podman's truth wins.
    gone = [f"many-{n:03d}" for n in range(10)]
    fresh_podman.cli("rm", *gone)
    _restart_and_wait_connected(qtbot, fresh_podman, session)
    qtbot.waitUntil(lambda: not model.stale and model.rowCount() == LISTED - 10, timeout=15_000)
    names = {item.name for item in model.items().values()}
    assert names.isdisjoint(gone) and len(names) == LISTED - 10

    qtbot.waitUntil(lambda: not _left_over(threads_before), timeout=10_000)
    _no_tracebacks(caplog)
