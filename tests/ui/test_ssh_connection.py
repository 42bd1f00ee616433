"""ssh:// connections in the app: through the proxy, over the real sshd, to the real Podman.

The test sshd on 127.0.0.1 stands in for a podman machine or a remote host
(docs/podman-notes.md, "A machine is an SSH endpoint plus a Podman socket").
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.engine import http_api
from app.engine.cli.machines import MachineAvailability, MachineListing
from app.engine.connection import Connection
from app.engine.endpoint import Endpoint
from app.models.connection_state import ConnectionState
from app.ui.docker_socket_panel import DockerSocketPanel
from app.ui.machine_menu import make_machine_menu
from app.ui.main_window import MainWindow
from app.ui.proxy_prompts import DialogPrompts
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import spawn


@pytest.fixture
def app_parts(qtbot, qloop, tmp_path):
    settings = Settings(tmp_path / "settings.ini")
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    manager = ConnectionManager(settings, DialogPrompts(lambda: window))
    manager.session_changed.connect(window.set_session)
    manager.notice_changed.connect(window.show_notice)
    window.connection_status.retry_requested.connect(manager.retry_upstream)
    qtbot.addWidget(window)
    window.show()
    yield manager, window
    manager.shutdown()


def _known_hosts() -> Path:
    return Path(os.environ["HOME"]) / ".ssh" / "known_hosts"


def _state(state):
    return lambda got, _reason: got is state


def _open(qtbot, manager, connection):
    with qtbot.waitSignal(manager.session_changed, timeout=10_000) as opened:
        spawn(manager.open(connection))
    return opened.args[0]


def _host_key_dialog(window) -> QMessageBox | None:
    """The open host-key question (an answered one may linger until deleted)."""
    boxes = window.findChildren(QMessageBox, "hostKeyDialog")
    return next((box for box in boxes if box.isVisible()), None)


def _answer_host_key(qtbot, window, trust: bool) -> str:
    qtbot.waitUntil(lambda: _host_key_dialog(window) is not None, timeout=15_000)
    box = _host_key_dialog(window)
    text = box.informativeText()
    button = (
        box.findChild(object, "trustHostKey")
        if trust
        else box.button(QMessageBox.StandardButton.Cancel)
    )
    box.setObjectName("answered")  # a question asked again is a new box
    button.click()
    return text


def _retry_from_the_switcher(qtbot, manager, session) -> None:
    """Press the switcher's Retry, as a user would after saying no."""
    machines = MachineController(manager.cli)
    machines.listing = MachineListing(MachineAvailability.REFUSED_AS_ROOT)  # as root here
    menu = make_machine_menu(manager, machines, spawn)
    qtbot.addWidget(menu)
    menu.rebuild()
    retry = next(a for a in menu.actions() if a.objectName() == "retryUpstream")
    with qtbot.waitSignal(
        session.state_changed, timeout=5_000, check_params_cb=_state(ConnectionState.CONNECTING)
    ):
        retry.trigger()


def test_remote_connection_asks_for_the_host_key_then_shows_podman(qtbot, podman, sshd, app_parts):
    manager, window = app_parts
    _known_hosts().unlink(missing_ok=True)
    podman.cli("run", "-d", "--name", "over-ssh", TEST_IMAGE, "sleep", "600")
    remote = Connection("devbox", sshd.uri(podman.socket_path), identity=str(sshd.client_key))
    session = _open(qtbot, manager, remote)
    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.CONNECTED)
    ):
        shown = _answer_host_key(qtbot, window, trust=True)
    assert "SHA256:" in shown
    assert sshd.host_public_key.split()[1] in _known_hosts().read_text()
    assert session.endpoint_uri.startswith("unix://")  # the app's client uses the proxy
    assert window.connection_status.state_label.text() == "Connected"
    assert window.connection_status.connection_label.text() == "· devbox"
    assert any(c.name == "over-ssh" for c in session.items("containers").values())


def test_refused_host_key_is_shown_and_nothing_connects(qtbot, podman, sshd, app_parts):
    manager, window = app_parts
    _known_hosts().unlink(missing_ok=True)
    remote = Connection("devbox", sshd.uri(podman.socket_path), identity=str(sshd.client_key))
    session = _open(qtbot, manager, remote)
    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.UNAVAILABLE)
    ):
        _answer_host_key(qtbot, window, trust=False)
    assert "host key" in session.reason.lower()
    assert not _known_hosts().exists() or sshd.host_public_key.split()[1] not in (
        _known_hosts().read_text()
    )


def test_refused_host_key_is_retried_from_the_status_bar(qtbot, podman, sshd, app_parts):
    """Refuse, see Retry, press it by keyboard, accept the second time: connected."""
    manager, window = app_parts
    _known_hosts().unlink(missing_ok=True)
    status = window.connection_status
    retry = status.retry_button
    # No session: unavailable too, but nothing to retry here (the notice page offers that).
    assert status.state is ConnectionState.UNAVAILABLE and not retry.isVisibleTo(window)
    remote = Connection("devbox", sshd.uri(podman.socket_path), identity=str(sshd.client_key))
    session = _open(qtbot, manager, remote)
    assert not retry.isVisibleTo(window)
    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.UNAVAILABLE)
    ):
        _answer_host_key(qtbot, window, trust=False)
    assert retry.isVisibleTo(window)
    assert retry.accessibleName() and retry.toolTip()
    assert retry.focusPolicy() & Qt.FocusPolicy.TabFocus
    retry.setFocus()
    # Before any answer: the bar says it is connecting again, and the button goes.
    with qtbot.waitSignal(
        session.state_changed, timeout=5_000, check_params_cb=_state(ConnectionState.CONNECTING)
    ):
        qtbot.keyClick(retry, Qt.Key.Key_Space)
    assert status.state is ConnectionState.CONNECTING
    assert not retry.isVisibleTo(window)
    with qtbot.waitSignal(
        session.state_changed, timeout=30_000, check_params_cb=_state(ConnectionState.CONNECTED)
    ):
        _answer_host_key(qtbot, window, trust=True)
    assert manager.session is session  # the same session, its proxy retried
    assert status.state_label.text() == "Connected"
    assert not retry.isVisibleTo(window)
    assert sshd.host_public_key.split()[1] in _known_hosts().read_text()


def test_a_refused_host_key_is_asked_again_on_retry(qtbot, podman, sshd, app_parts):
    manager, window = app_parts
    _known_hosts().unlink(missing_ok=True)
    remote = Connection("devbox", sshd.uri(podman.socket_path), identity=str(sshd.client_key))
    session = _open(qtbot, manager, remote)
    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.UNAVAILABLE)
    ):
        _answer_host_key(qtbot, window, trust=False)
    assert manager.upstream_needs_retry()
    _retry_from_the_switcher(qtbot, manager, session)
    with qtbot.waitSignal(
        session.state_changed, timeout=30_000, check_params_cb=_state(ConnectionState.CONNECTED)
    ):
        _answer_host_key(qtbot, window, trust=True)
    assert not manager.upstream_needs_retry() and manager.session is session


def test_machine_connection_serves_docker_clients_and_survives_an_sshd_restart(
    qtbot, podman, sshd, app_parts
):
    """A machine's key is trusted as Podman trusts it: no question; the Docker socket is on."""
    manager, window = app_parts
    machine = Connection(
        "podman-machine-default",
        sshd.uri(podman.socket_path),
        identity=str(sshd.client_key),
        is_machine=True,
    )
    session = _open(qtbot, manager, machine)
    if session.state is not ConnectionState.CONNECTED:
        with qtbot.waitSignal(
            session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.CONNECTED)
        ):
            pass
    docker = manager.docker_address()
    assert manager.docker_proxy is session.proxy and session.endpoint_uri == docker
    assert http_api.request(Endpoint.parse(docker), "GET", "/_ping") == "OK"

    panel = DockerSocketPanel(manager, window)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.export_line.text() == f"export DOCKER_HOST={docker}"
    assert panel.endpoint.text() == docker

    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.LOST)
    ):
        sshd.stop()
    assert "SSH" in window.connection_status.state_label.text()
    with qtbot.waitSignal(
        session.state_changed, timeout=30_000, check_params_cb=_state(ConnectionState.CONNECTED)
    ):
        sshd.start()


def test_local_connection_also_serves_docker_clients(qtbot, podman, app_parts):
    manager, _window = app_parts
    local = Connection("local", podman.uri, source="podman")
    with qtbot.waitSignal(manager.docker_socket_changed, timeout=10_000):
        spawn(manager.open(local))
    session = manager.session
    assert session.proxy is None and session.endpoint_uri == podman.uri
    assert manager.docker_proxy is not None
    docker = manager.docker_address()
    version = http_api.request(Endpoint.parse(docker), "GET", "/version")
    assert version["Version"] == podman.cli("version", "--format", "{{.Server.Version}}")


def _locked_machine(sshd, podman, tmp_path, phrase: str) -> tuple[Path, Connection]:
    """A machine connection whose key (the test client's) is encrypted with ``phrase``."""
    locked = tmp_path / "id_locked"
    locked.write_bytes(sshd.client_key.read_bytes())
    locked.chmod(0o600)
    subprocess.run(
        ["ssh-keygen", "-q", "-p", "-f", str(locked), "-N", phrase],
        check=True,
        capture_output=True,
    )
    uri = sshd.uri(podman.socket_path)
    return locked, Connection("locked", uri, identity=str(locked), is_machine=True)


def _passphrase_dialog(qtbot, window) -> QInputDialog:
    """The next passphrase question, marked so the one after it is told apart."""
    qtbot.waitUntil(
        lambda: window.findChild(QInputDialog, "passphraseDialog") is not None,
        timeout=15_000,
    )
    dialog = window.findChild(QInputDialog, "passphraseDialog")
    dialog.setObjectName("answered")
    return dialog


def test_encrypted_key_asks_for_its_passphrase(qtbot, podman, sshd, app_parts, tmp_path):
    """The passphrase dialog: a wrong answer is asked again, the right one connects."""
    manager, window = app_parts
    locked, machine = _locked_machine(sshd, podman, tmp_path, "s3cret-phrase")
    session = _open(qtbot, manager, machine)

    def answer(text: str) -> str:
        dialog = _passphrase_dialog(qtbot, window)
        label = dialog.labelText()
        dialog.setTextValue(text)
        dialog.accept()
        return label

    first = answer("wrong-guess")
    assert str(locked) in first and "wrong" not in first.lower()
    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.CONNECTED)
    ):
        second = answer("s3cret-phrase")
    assert "wrong" in second.lower()
    log_text = (Path(os.environ["XDG_STATE_HOME"])).rglob("*.log")
    assert all("s3cret-phrase" not in p.read_text(errors="replace") for p in log_text)


def test_a_cancelled_passphrase_is_asked_again_on_retry(qtbot, podman, sshd, app_parts, tmp_path):
    manager, window = app_parts
    _locked, machine = _locked_machine(sshd, podman, tmp_path, "0ther-phrase")
    session = _open(qtbot, manager, machine)

    with qtbot.waitSignal(
        session.state_changed, timeout=20_000, check_params_cb=_state(ConnectionState.UNAVAILABLE)
    ):
        _passphrase_dialog(qtbot, window).reject()
    assert manager.upstream_needs_retry()
    _retry_from_the_switcher(qtbot, manager, session)
    dialog = _passphrase_dialog(qtbot, window)
    assert "wrong" not in dialog.labelText().lower()  # cancelled, not wrong
    with qtbot.waitSignal(
        session.state_changed, timeout=30_000, check_params_cb=_state(ConnectionState.CONNECTED)
    ):
        dialog.setTextValue("0ther-phrase")
        dialog.accept()
    assert not manager.upstream_needs_retry()
