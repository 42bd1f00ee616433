"""The window shell against the real, isolated Podman service."""

from __future__ import annotations

import os
import threading

from app.models.connection_state import ConnectionState
from tests.bed.fake_old_podman import FakeOldPodman
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import spawn


def _is(state):
    return lambda got, _reason: got is state


def open_and_wait(qtbot, manager, target, state=ConnectionState.CONNECTED):
    """Open ``target`` and wait for its session to reach ``state``."""
    with qtbot.waitSignal(manager.session_changed, timeout=15_000) as opened:
        spawn(manager.open_initial(target))
    session = opened.args[0]
    if session.state is not state:
        with qtbot.waitSignal(session.state_changed, timeout=15_000, check_params_cb=_is(state)):
            pass
    return session


def test_window_opens_on_the_service_with_a_true_status_bar(qtbot, podman, shell):
    manager, window = shell
    podman.cli("run", "-d", "--name", "shell-a", TEST_IMAGE, "sleep", "600")
    session = open_and_wait(qtbot, manager, podman.uri)
    status = window.connection_status
    assert status.state_label.text() == "Connected"
    version = podman.cli("version", "--format", "{{.Server.Version}}")
    assert status.version_label.text() == f"· Podman {version}"
    assert window.sidebar.count_text("containers") == "1"
    assert session.connection.uri == podman.uri

    # A container made from the CLI reaches the window through the events stream.
    with qtbot.waitSignal(
        session.resources_changed,
        timeout=10_000,
        check_params_cb=lambda kind, diff: kind == "containers" and diff.added,
    ):
        podman.cli("run", "-d", "--name", "shell-b", TEST_IMAGE, "sleep", "600")
    assert window.sidebar.count_text("containers") == "2"
    states = [c.state for c in window.containers.model.items().values()]
    assert states == ["running", "running"]


def test_status_bar_shows_a_lost_service_and_its_recovery(qtbot, fresh_podman, shell):
    manager, window = shell
    session = open_and_wait(qtbot, manager, fresh_podman.uri)
    with qtbot.waitSignal(
        session.state_changed, timeout=15_000, check_params_cb=_is(ConnectionState.LOST)
    ):
        fresh_podman.stop_service(kill=True)
    assert window.connection_status.state_label.text().startswith("Connection lost")
    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_is(ConnectionState.CONNECTED)
    ):
        fresh_podman.start_service()
    assert window.connection_status.state_label.text() == "Connected"


def test_too_old_podman_is_explained(qtbot, shell, tmp_path):
    manager, window = shell
    fake = FakeOldPodman(tmp_path / "old.sock").start()
    try:
        open_and_wait(qtbot, manager, fake.uri, ConnectionState.UNSUPPORTED)
        assert window.pages.currentWidget() is window.notice_page
        assert window.notice_page.title.text() == "This Podman is too old"
        assert "3.4.4" in window.notice_page.text.text()
        assert "4.0" in window.notice_page.text.text()
    finally:
        manager.shutdown()
        fake.stop()


def test_missing_podman_is_explained(qtbot, shell):
    manager, window = shell
    manager.settings.podman_path = "/nonexistent/podman"
    with qtbot.waitSignal(
        manager.notice_changed, timeout=10_000, check_params_cb=lambda n: n is not None
    ):
        spawn(manager.open_initial(""))
    assert manager.notice.kind == "podman-missing"
    assert window.pages.currentWidget() is window.notice_page
    assert "apt-get install podman" in window.notice_page.text.text()
    assert window.findChild(object, "notice-retry") is not None


def test_unknown_connection_name_is_explained(qtbot, shell):
    manager, window = shell
    with qtbot.waitSignal(
        manager.notice_changed, timeout=10_000, check_params_cb=lambda n: n is not None
    ):
        spawn(manager.open_initial("no-such-connection"))
    assert manager.notice.kind == "unknown-connection"
    assert "no-such-connection" in window.notice_page.title.text()


def test_nothing_listening_starts_the_apps_own_service_and_stops_it(qtbot, podman, shell):
    """The embedded default: no systemd here, so the app runs `podman system service`."""
    manager, window = shell
    local = os.environ["PDC_LOCAL_SOCKET"]
    assert not os.path.exists(local)
    session = open_and_wait(qtbot, manager, "")
    assert session.connection.source == "own-service"
    own_socket = session.connection.uri.removeprefix("unix://")
    assert os.path.exists(own_socket)
    assert oct(os.stat(own_socket).st_mode & 0o777) == oct(0o600)
    assert window.connection_status.state_label.text() == "Connected"
    manager.shutdown()
    assert not os.path.exists(own_socket)


def test_a_listing_overtaken_by_a_newer_one_is_dropped(qtbot, podman, shell):
    """Two re-lists in flight, the older one answered last (a slow Podman): the row keeps
    the newer state instead of going back to the older one until some later event.

    The real Podman answers both; the first answer is held on its worker thread until
    the second has been applied, as a busy machine can order them."""
    manager, window = shell
    podman.cli("run", "-d", "--name", "order-a", TEST_IMAGE, "sleep", "600")
    session = open_and_wait(qtbot, manager, podman.uri)
    listed = session.client.containers
    held = threading.Event()
    release = threading.Event()

    def first_held():
        items = listed()
        if not held.is_set():
            held.set()
            release.wait(20)
        return items

    session.client.containers = first_held  # this session only; the next call is plain
    model = window.containers.model

    def state_of(name):
        return next(c.state for c in model.items().values() if c.name == name)

    older = spawn(session.reconcile(("containers",)))
    qtbot.waitUntil(held.is_set, timeout=10_000)  # its answer says "running"
    podman.cli("stop", "-t", "0", "order-a")
    newer = spawn(session.reconcile(("containers",)))
    qtbot.waitUntil(newer.done, timeout=10_000)
    assert state_of("order-a") == "exited"
    release.set()
    qtbot.waitUntil(older.done, timeout=10_000)
    assert older.result() is True
    assert state_of("order-a") == "exited"
