"""An event updates the rows of the objects it names, with one filtered call, not a
re-list of the whole kind (issue: "Events update rows, not lists")."""

from __future__ import annotations

import pytest

from app.controllers.session import Session
from app.engine.connection import Connection
from app.models.connection_state import ConnectionState
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import spawn

WAIT = 15_000


class CallCounter:
    """Counts calls to the session client's list methods (the calls still go to the
    real service: this only records which were made)."""

    def __init__(self, client, names: tuple[str, ...]) -> None:
        self.calls: list[tuple[str, tuple]] = []
        for name in names:
            original = getattr(client, name)
            setattr(client, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def counted(*args, **kwargs):
            self.calls.append((name, args))
            return original(*args, **kwargs)

        return counted

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture
def session(qtbot, qloop, podman):
    session = Session(Connection(podman.uri, podman.uri, source="argument"))
    with qtbot.waitSignal(session.state_changed, timeout=WAIT, check_params_cb=_connected):
        session.start()
    yield session
    session.close()


def _connected(state, _reason) -> bool:
    return state is ConnectionState.CONNECTED


def test_stop_updates_the_container_row_with_one_filtered_call(qtbot, podman, session):
    cid = podman.cli("run", "-d", "--name", "web", TEST_IMAGE, "sleep", "600").strip()
    other = podman.cli("create", "--name", "idle", TEST_IMAGE).strip()
    qtbot.waitUntil(lambda: {cid, other} <= set(session.items("containers")), timeout=WAIT)
    counter = CallCounter(session.client, ("containers", "containers_by_id", "pods"))
    podman.cli("stop", "-t", "0", "web")
    qtbot.waitUntil(
        # "stopped" shows from the died event itself; "exited" once the inspect (or the
        # cleanup event) says the cleanup is done.
        lambda: session.items("containers")[cid].state == "exited",
        timeout=WAIT,
    )
    assert "containers" not in counter.names()  # no whole list of the kind
    fetched = [args[0] for name, args in counter.calls if name == "containers_by_id"]
    assert fetched and all(ids == {cid} for ids in fetched)
    assert session.items("containers")[other].state == "created"  # untouched


def test_remove_drops_the_row_and_a_pod_follows_its_container(qtbot, podman, session):
    podman.cli("pod", "create", "--name", "pod1")
    cid = podman.cli("run", "-d", "--pod", "pod1", "--name", "inpod", TEST_IMAGE, "sleep", "600")
    cid = cid.strip()
    qtbot.waitUntil(lambda: cid in session.items("containers"), timeout=WAIT)
    # The pod's row comes from its own events' fetch, which may finish after the
    # container's (a flake seen before issue 16's change too).
    qtbot.waitUntil(lambda: _pod(session, "pod1") is not None, timeout=WAIT)
    pod = _pod(session, "pod1")
    qtbot.waitUntil(lambda: cid in _members(session, pod.id), timeout=WAIT)
    counter = CallCounter(session.client, ("pods", "pods_by_id", "containers"))
    podman.cli("rm", "-f", "-t", "0", "inpod")
    qtbot.waitUntil(lambda: cid not in session.items("containers"), timeout=WAIT)
    # The pod's row shows it lost its container (its infra container stays), fetched alone.
    qtbot.waitUntil(lambda: cid not in _members(session, pod.id), timeout=WAIT)
    assert "pods" not in counter.names() and "containers" not in counter.names()
    assert ("pods_by_id", ({pod.id},)) in counter.calls


def _pod(session, name: str):
    return next((p for p in session.items("pods").values() if p.name == name), None)


def _members(session, pod_id: str) -> set[str]:
    return {c.id for c in session.items("pods")[pod_id].containers}


def test_a_tag_updates_the_image_rows_and_a_network_relists(qtbot, podman, session):
    podman.cli("tag", TEST_IMAGE, "localhost/extra:1")
    qtbot.waitUntil(lambda: "localhost/extra:1" in session.items("images"), timeout=WAIT)
    image_id = session.items("images")["localhost/extra:1"].id
    podman.cli("untag", "localhost/extra:1", "localhost/extra:1")
    qtbot.waitUntil(lambda: "localhost/extra:1" not in session.items("images"), timeout=WAIT)
    assert session.items("images")[TEST_IMAGE].id == image_id  # the other name stays


def test_a_page_shown_after_a_while_is_listed_again(qtbot, podman, session):
    # Podman 4.3 sends no network event: only a listing finds a new network.
    podman.cli("network", "create", "quiet-net")
    session.listed_at["networks"] -= 60  # as if listed a minute ago
    spawn(session.refresh_if_stale("networks"))
    qtbot.waitUntil(
        lambda: any(n.name == "quiet-net" for n in session.items("networks").values()),
        timeout=WAIT,
    )


def test_the_page_in_view_is_listed_before_the_others(qtbot, qloop, podman):
    session = Session(Connection(podman.uri, podman.uri, source="argument"))
    session.first_kinds = ("volumes",)
    order: list[str] = []
    session.resources_changed.connect(lambda kind, _diff: order.append(kind))
    with qtbot.waitSignal(session.state_changed, timeout=WAIT, check_params_cb=_connected):
        session.start()
    try:
        assert order and order[0] == "volumes"
        # Connected means every list is in; the page in view came first.
        assert set(order) >= {"containers", "images", "pods", "networks", "secrets"}
    finally:
        session.close()
