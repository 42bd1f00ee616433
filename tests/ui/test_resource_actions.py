"""The resource-actions controller against the real, isolated Podman: the transition
shows at once and ends on the listed truth; a refusal rolls back and reaches ``failed``
once, with the object's name and Podman's own words."""

from __future__ import annotations

import asyncio

import pytest

from app.controllers.connection_manager import ConnectionManager
from app.controllers.inspector_manager import InspectorManager
from app.controllers.resource_actions import REMOVING, ActionFailure, ResourceActions
from app.controllers.settings import Settings
from app.engine.errors import Conflict, InUse, NotFound
from app.models.container_status import ContainerStatus
from app.models.pod_status import PodStatus
from app.ui.confirmation import Answer
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.main_window import MainWindow
from tests.bed.podman import TEST_IMAGE
from tests.ui.test_main_window import open_and_wait

WAIT = 15_000


@pytest.fixture
def connected(qtbot, qloop, podman, tmp_path):
    """A connection manager on the test bed's Podman and a controller on its session."""
    manager = ConnectionManager(Settings(tmp_path / "settings.ini"))
    actions = ResourceActions(lambda: manager.session)
    yield manager, actions
    manager.shutdown()


class Recorder:
    """Every signal of one controller, in order."""

    def __init__(self, actions: ResourceActions) -> None:
        self.seen: list[tuple] = []
        actions.transition_started.connect(lambda *a: self.seen.append(("started", *a)))
        actions.transition_ended.connect(lambda *a: self.seen.append(("ended", *a)))
        actions.failed.connect(lambda f: self.seen.append(("failed", f)))

    def failures(self) -> list[ActionFailure]:
        return [entry[1] for entry in self.seen if entry[0] == "failed"]


def _run(podman, name: str, *args: str) -> str:
    return podman.cli("run", "-d", "--name", name, *args, TEST_IMAGE, "sleep", "600")


def qloop_run(qtbot, awaitable):
    """The result of ``awaitable``, run on the qasync loop while the test waits for it."""
    future = asyncio.ensure_future(awaitable)
    qtbot.waitUntil(future.done, timeout=WAIT)
    return future.result()


def _state(session, cid: str) -> str:
    return session.items("containers")[cid].state


def test_stop_shows_stopping_at_once_and_ends_on_the_listed_state(qtbot, podman, connected):
    manager, actions = connected
    ids = [_run(podman, f"act-{n}") for n in range(2)]
    session = open_and_wait(qtbot, manager, podman.uri)
    record = Recorder(actions)
    done = actions.stop_containers(ids)
    # Before Podman has been asked: the transition is shown.
    assert record.seen == [("started", "containers", ids, ContainerStatus.STOPPING)]
    assert all(actions.pending("containers", k) is ContainerStatus.STOPPING for k in ids)
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT) as ended:
        pass
    assert ended.args == ["containers", ids]
    qtbot.waitUntil(done.done, timeout=WAIT)
    assert done.result() == []
    # It ended on what Podman lists now, re-listed before the transition went away.
    assert {_state(session, k) for k in ids} == {"exited"}
    assert all(actions.pending("containers", k) is None for k in ids)
    assert record.failures() == []
    assert podman.cli("ps", "-q") == ""


def test_a_refusal_rolls_back_and_says_why_with_the_name(qtbot, podman, connected):
    manager, actions = connected
    cid = _run(podman, "keep-me")
    session = open_and_wait(qtbot, manager, podman.uri)
    record = Recorder(actions)
    with qtbot.waitSignal(actions.failed, timeout=WAIT) as refused:
        done = actions.remove_containers([cid])  # running, and not forced
        assert actions.pending("containers", cid) is ContainerStatus.REMOVING
    failure = refused.args[0]
    assert isinstance(failure.error, Conflict) and failure.key == cid
    assert failure.text.startswith("Could not remove container “keep-me”: ")
    assert "cannot be removed without force" in failure.text  # Podman's own words
    assert "cannot remove container “keep-me” as it is running" in failure.text  # not its id
    assert cid not in failure.text and cid in str(failure.error)
    qtbot.waitUntil(done.done, timeout=WAIT)
    assert done.result() == [cid]
    assert [e[0] for e in record.seen] == ["started", "failed", "ended"]
    assert actions.pending("containers", cid) is None  # rolled back: "Running" again
    assert _state(session, cid) == "running"
    assert podman.cli("ps", "-q", "--no-trunc") == cid

    # Forced, it goes; the transition ends once the list no longer has it.
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT):
        actions.remove_containers([cid], force=True)
    assert cid not in session.items("containers")
    assert len(record.failures()) == 1


def test_pausing_a_stopped_one_fails_alone_in_a_mixed_selection(qtbot, podman, connected):
    manager, actions = connected
    running = _run(podman, "runner")
    idle = podman.cli("create", "--name", "idle", TEST_IMAGE, "sleep", "600")
    session = open_and_wait(qtbot, manager, podman.uri)
    record = Recorder(actions)
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT):
        actions.pause_containers([running, idle])
    (failure,) = record.failures()
    assert failure.key == idle and failure.name == "container “idle”"
    assert isinstance(failure.error, Conflict) and "not running" in failure.text
    assert _state(session, running) == "paused" and _state(session, idle) == "created"
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT):
        actions.resume_containers([running])
    assert _state(session, running) == "running"


def test_in_use_refusals_name_the_object_and_look_ups_name_its_users(
    qtbot, podman, connected, tmp_path
):
    manager, actions = connected
    (tmp_path / "value").write_text("hunter2")
    podman.cli("secret", "create", "db_password", str(tmp_path / "value"))
    _run(podman, "user", "-v", "data:/data", "--secret", "db_password")
    session = open_and_wait(qtbot, manager, podman.uri)
    assert qloop_run(qtbot, actions.volume_users()) == {"data": ("user",)}
    secret = next(iter(session.items("secrets")))
    assert qloop_run(qtbot, actions.secret_users([secret])) == ["user"]

    record = Recorder(actions)
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT) as ended:
        actions.remove_volumes(["data"])
        assert actions.pending("volumes", "data") == REMOVING
    assert ended.args == ["volumes", ["data"]]
    image = session.items("images")[TEST_IMAGE]  # one row per name, keyed by it
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT):
        actions.remove_images([TEST_IMAGE])
    volume, image_refusal = record.failures()
    assert isinstance(volume.error, InUse) and volume.name == "volume “data”"
    assert "data is being used" in volume.text
    assert isinstance(image_refusal.error, InUse)
    assert image_refusal.text.startswith(f"Could not remove image {TEST_IMAGE}  {image.id[:12]}: ")
    assert "data" in session.items("volumes") and TEST_IMAGE in session.items("images")


def test_pods_stop_and_start_and_a_missing_object_is_not_found(qtbot, podman, connected):
    manager, actions = connected
    pod = podman.cli("pod", "create", "--name", "shop")
    podman.cli("run", "-d", "--pod", "shop", "--name", "shop-web", TEST_IMAGE, "sleep", "600")
    session = open_and_wait(qtbot, manager, podman.uri)
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT):
        actions.stop_pods([pod])
        assert actions.pending("pods", pod) is PodStatus.STOPPING
    assert session.items("pods")[pod].status in ("Exited", "Stopped")
    # The pod's containers were re-listed too, before the transition ended.
    web = next(c for c in session.items("containers").values() if c.name == "shop-web")
    assert web.state == "exited"
    with qtbot.waitSignal(actions.transition_ended, timeout=WAIT):
        actions.start_pods([pod])
    assert session.items("pods")[pod].status == "Running"

    record = Recorder(actions)
    with qtbot.waitSignal(actions.failed, timeout=WAIT) as refused:
        actions.stop_containers(["f" * 64])
    assert isinstance(refused.args[0].error, NotFound)
    assert refused.args[0].name == "container ffffffffffff"  # no name known: a short id
    assert [e[0] for e in record.seen][:2] == ["started", "failed"]
    with pytest.raises(NotFound):
        qloop_run(qtbot, actions.inspect_container("no-such-container"))


def test_without_a_session_nothing_is_sent_or_shown(qtbot, qloop):
    actions = ResourceActions(lambda: None)
    record = Recorder(actions)
    done = actions.stop_containers(["a" * 64])
    assert done.done() and done.result() == ["a" * 64]
    assert record.seen == [] and actions.pending("containers", "a" * 64) is None


@pytest.mark.qt_log_ignore("propagateSizeHints")  # offscreen Qt on a new top-level window
def test_the_list_and_the_inspector_show_one_action_and_one_refusal(
    qtbot, podman, connected, tmp_path
):
    manager, actions = connected
    cid = _run(podman, "shared")
    # Podman refuses to remove a container another one requires, forced or not.
    podman.cli("create", "--name", "dependent", "--requires", "shared", TEST_IMAGE)
    window = MainWindow(Settings(tmp_path / "window.ini"), actions)
    qtbot.addWidget(window)
    manager.session_changed.connect(window.set_session)
    inspectors = InspectorManager(manager, lambda s, r: ContainerInspector(s, r, actions))
    open_and_wait(qtbot, manager, podman.uri)
    inspector = inspectors.open("shared")
    try:
        qtbot.waitUntil(lambda: inspector.status is ContainerStatus.RUNNING, timeout=WAIT)
        view = window.containers
        qtbot.waitUntil(lambda: view.model.item(cid) is not None, timeout=WAIT)

        # Refused from the list: the message bar and the inspector both say so.
        view.confirm = _answer(Answer(True))
        view.select_keys([cid])
        view.remove.trigger()
        qtbot.waitUntil(inspector.banner.isVisible, timeout=WAIT)
        assert "Could not remove container “shared”" in inspector.banner.text()
        assert "“dependent”" in inspector.banner.text() and cid not in inspector.banner.text()
        assert window.message_bar.text() == inspector.banner.text()
        qtbot.waitUntil(lambda: view.model.pending(cid) is None, timeout=WAIT)
        assert view.model.status(cid) is ContainerStatus.RUNNING
        qtbot.waitUntil(inspector.stop_button.isEnabled, timeout=WAIT)  # re-read: Running
        assert inspector.status is ContainerStatus.RUNNING

        # Stopped from the inspector: the list shows "Stopping…" at once, then what Podman lists.
        inspector.stop_button.click()
        assert view.model.status(cid) is ContainerStatus.STOPPING
        assert inspector.state_label.text() == "Stopping…" and not inspector.stop_button.isEnabled()
        qtbot.waitUntil(lambda: view.model.pending(cid) is None, timeout=WAIT)
        assert view.model.status(cid) is ContainerStatus.EXITED  # no "Running" in between
        qtbot.waitUntil(lambda: inspector.status is ContainerStatus.EXITED, timeout=WAIT)
        assert inspector.start_button.isEnabled() and not inspector.stop_button.isEnabled()
    finally:
        inspectors.close_all()  # closed windows are deleted: not for qtbot to close
        # First: the bed's `rm -af` cannot remove a container another one requires.
        podman.cli("rm", "-f", "-t", "0", "dependent")


def _answer(answer):
    async def confirm(_confirmation):
        return answer

    return confirm
