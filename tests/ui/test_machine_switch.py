"""Switching connections from the machine switcher, between two real isolated Podman
services: one over a unix socket, one over the real sshd through the app's proxy
(docs/podman-notes.md, "A machine is an SSH endpoint plus a Podman socket", which the
sshd stands for).
"""

from __future__ import annotations

import pytest

from app.controllers.connection_manager import ConnectionManager
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.engine.discovery import Discovery
from app.models.connection_state import ConnectionState
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import spawn


@pytest.fixture
def manager(qtbot, qloop, tmp_path):
    settings = Settings(tmp_path / "settings.ini")
    settings.docker_socket_enabled = False
    mgr = ConnectionManager(settings)
    yield mgr
    mgr.shutdown()


def _connected(session):
    return lambda state, _reason: state is ConnectionState.CONNECTED


def _switch(qtbot, manager, connection):
    # With the Docker socket on, the old session is closed (None) before the new one opens.
    with qtbot.waitSignal(
        manager.session_changed, timeout=30_000, check_params_cb=lambda s: s is not None
    ) as switched:
        spawn(manager.switch_to(connection))
    session = switched.args[0]
    with qtbot.waitSignal(
        session.state_changed, timeout=30_000, check_params_cb=_connected(session)
    ):
        pass
    return session


def _names(session):
    return {c.name for c in session.items("containers").values()}


def test_switching_between_a_unix_and_an_ssh_connection_replaces_the_rows(
    qtbot, manager, podman, fresh_podman, sshd
):
    podman.cli("create", "--name", "on-unix", TEST_IMAGE, "true")
    fresh_podman.cli("create", "--name", "over-ssh", TEST_IMAGE, "true")
    local = Connection("local-podman", podman.uri)
    machine = Connection(
        "podman-machine-default",
        sshd.uri(fresh_podman.socket_path),
        identity=str(sshd.client_key),
        is_machine=True,
    )
    first = _switch(qtbot, manager, local)
    assert _names(first) == {"on-unix"}

    second = _switch(qtbot, manager, machine)
    assert _names(second) == {"over-ssh"}
    assert second.proxy is not None and second.endpoint_uri.startswith("unix://")
    assert first._closed and manager.session is second  # the old session stopped whole

    third = _switch(qtbot, manager, local)
    assert _names(third) == {"on-unix"}
    assert second._closed and manager.wait_for_stopped_proxies(5)
    assert not second.proxy.status().listening or not second.proxy.thread.running
    # The app remembers the last active connection; Podman's default is not touched.
    assert manager.settings.last_connection == "local-podman"


def test_two_names_for_one_ssh_address_switch_between_each_other(qtbot, manager, podman, sshd):
    """Each connection's proxy listens at its own address: the second one's must not
    find the first one's still listening (two names for one host: root and a user)."""
    podman.cli("create", "--name", "there", TEST_IMAGE, "true")
    uri = sshd.uri(podman.socket_path)
    one = Connection("box", uri, identity=str(sshd.client_key), is_machine=True)
    other = Connection("box-again", uri, identity=str(sshd.client_key), is_machine=True)
    first = _switch(qtbot, manager, one)
    second = _switch(qtbot, manager, other)
    assert _names(second) == {"there"} and manager.session is second
    assert second.endpoint_uri != first.endpoint_uri
    assert _names(_switch(qtbot, manager, one)) == {"there"}


def test_a_failed_switch_keeps_the_previous_connection_and_says_why(
    qtbot, manager, podman, sshd, tmp_path
):
    local = Connection("local-podman", podman.uri)
    session = _switch(qtbot, manager, local)
    gone = Connection("gone", f"unix://{tmp_path}/nothing.sock")
    with qtbot.waitSignal(manager.switch_failed, timeout=10_000) as failed:
        spawn(manager.switch_to(gone))
    assert failed.args[0] == "gone" and failed.args[1]
    assert manager.session is session and session.state is ConnectionState.CONNECTED

    no_podman = Connection(
        "no-podman-there",
        sshd.uri(tmp_path / "missing.sock"),
        identity=str(sshd.client_key),
        is_machine=True,
    )
    with qtbot.waitSignal(manager.switch_failed, timeout=30_000) as failed:
        spawn(manager.switch_to(no_podman))
    assert failed.args[0] == "no-podman-there"
    assert "missing.sock" in failed.args[1] or "SSH" in failed.args[1], failed.args[1]
    assert manager.session is session and not session._closed


def test_the_switcher_menu_drives_the_switch(qtbot, manager, podman, fresh_podman):
    from app.controllers.machine_controller import MachineController
    from app.engine.cli.machines import MachineAvailability, MachineListing
    from app.engine.cli.podman_cli import PodmanCli
    from app.ui.machine_menu import make_machine_menu

    a = Connection("a", podman.uri)
    b = Connection("b", fresh_podman.uri)
    manager.discovery = Discovery([a, b])
    controller = MachineController(lambda: PodmanCli())
    controller.listing = MachineListing(MachineAvailability.REFUSED_AS_ROOT)
    menu = make_machine_menu(manager, controller, spawn)
    qtbot.addWidget(menu)
    _switch(qtbot, manager, a)
    menu.rebuild()
    entry = next(x for x in menu.actions() if x.objectName() == "switch:b")
    assert not entry.isChecked()
    with qtbot.waitSignal(manager.session_changed, timeout=10_000):
        entry.trigger()
    assert manager.session.connection == b
    menu.rebuild()
    assert next(x for x in menu.actions() if x.objectName() == "switch:b").isChecked()


def test_the_docker_compatible_socket_follows_the_switch(
    qtbot, qloop, podman, fresh_podman, sshd, tmp_path
):
    from app.engine import http_api
    from app.engine.endpoint import Endpoint

    settings = Settings(tmp_path / "docker.ini")
    settings.docker_socket_enabled = True
    manager = ConnectionManager(settings)
    local = Connection("local-podman", podman.uri)
    machine = Connection(
        "machine",
        sshd.uri(fresh_podman.socket_path),
        identity=str(sshd.client_key),
        is_machine=True,
    )
    docker = Endpoint.parse(manager.docker_address())
    podman.cli("create", "--name", "on-unix", TEST_IMAGE, "true")
    fresh_podman.cli("create", "--name", "over-ssh", TEST_IMAGE, "true")
    try:
        for connection, expected in ((local, "on-unix"), (machine, "over-ssh"), (local, "on-unix")):
            session = _switch(qtbot, manager, connection)
            assert manager.docker_proxy is not None, manager.docker_error
            listed = http_api.request(docker, "GET", "/containers/json", params={"all": "1"})
            assert [c["Names"][0].lstrip("/") for c in listed] == [expected]
            assert session is manager.session
    finally:
        manager.shutdown()
