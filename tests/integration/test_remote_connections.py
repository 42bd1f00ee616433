"""Remote connections through the real `podman system connection` commands (in a
temporary CONTAINERS_CONF) and the real sshd: add with the host key confirmed, read back,
test, set default, remove."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.remote_connection import (
    NotAdded,
    RemoteConnectionController,
    probe_connection,
)
from app.controllers.settings import Settings
from app.engine import discovery
from app.engine.cli.podman_cli import PodmanCli
from app.engine.cli.system_connection import add_connection
from app.engine.connection import Connection
from app.engine.errors import CommandFailed
from app.proxy.host_key_probe import check_host_key
from app.support.concurrency import Pool
from app.ui.remote_connection_dialog import RemoteConnectionDialog
from tests.conftest import linux_only
from tests.ui.conftest import spawn

pytestmark = linux_only


@pytest.fixture
def cli(tmp_path):
    conf = tmp_path / "containers.conf"
    conf.write_text(Path(os.environ["CONTAINERS_CONF"]).read_text())
    return PodmanCli(env={**os.environ, "CONTAINERS_CONF": str(conf)})


@pytest.fixture
def remotes(qloop, cli):
    pool = Pool("test-cli", 2)
    yield RemoteConnectionController(lambda: cli, pool)
    pool.shutdown()


def _known_hosts() -> Path:
    return Path(os.environ["HOME"]) / ".ssh" / "known_hosts"


def _names(cli):
    connections, problem = discovery.system_connections(cli)
    assert not problem
    return {c.name: c for c in connections}


def test_add_default_remove_through_the_podman_cli(qtbot, qloop, cli, tmp_path):
    controller = MachineController(lambda: cli)
    key = tmp_path / "id"
    key.write_text("podman stores the path only\n")
    uri = "ssh://core@127.0.0.1:40123/run/user/1000/podman/podman.sock"
    for name in ("devbox", "other"):
        with qtbot.waitSignal(controller.finished, timeout=20_000) as done:
            controller.add_connection(name, uri, str(key))
        assert done.args == ["add-connection", name, True, ""]
    listed = _names(cli)
    assert listed["devbox"].uri == uri and listed["devbox"].identity == str(key)
    with qtbot.waitSignal(controller.finished, timeout=20_000) as done:
        controller.set_default("other")
    assert done.args[2] and _names(cli)["other"].is_default
    with qtbot.waitSignal(controller.finished, timeout=20_000):
        controller.remove_connection("devbox")
    assert set(_names(cli)) == {"other"}


def test_readback_says_when_podman_stored_another_address(cli, tmp_path):
    typed = "ssh://root@127.0.0.1:2222/tmp/somewhere/podman.sock"
    warning = add_connection(cli, "odd", typed, "")
    stored = _names(cli)["odd"].uri
    # Podman 4.3 drops this path (it is outside /run); later versions may keep it.
    assert (warning != "") == (stored != typed)
    if warning:
        assert stored in warning and typed in warning
    # Podman's refusal comes back typed, in Podman's words: with no socket path it asks
    # the host for one, and nothing listens on port 1.
    with pytest.raises(CommandFailed) as refused:
        add_connection(cli, "bad", "ssh://u@127.0.0.1:1", "")
    assert "connection refused" in refused.value.message
    assert not refused.value.message.startswith("Error:")


def test_dialog_confirms_the_host_key_then_adds_and_reads_back(
    qtbot, qloop, cli, sshd, podman, tmp_path, remotes
):
    _known_hosts().unlink(missing_ok=True)
    uri = sshd.uri(podman.socket_path)
    assert not check_host_key(uri).trusted
    dialog = RemoteConnectionDialog(remotes, spawn)
    qtbot.addWidget(dialog)
    dialog.name.setText("devbox")
    dialog.uri.setText("ssh://nobody-at-all")
    dialog.buttons.accepted.emit()
    assert "user" in dialog.status.text().lower()  # checked before podman sees it

    dialog.uri.setText(uri)
    dialog.identity.setText(str(sshd.client_key))
    with qtbot.waitSignal(dialog.added, timeout=30_000) as added:
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(
            lambda: dialog.findChild(QMessageBox, "remoteHostKey") is not None, timeout=15_000
        )
        box = dialog.findChild(QMessageBox, "remoteHostKey")
        assert check_host_key(uri).info.fingerprint in box.informativeText()
        box.findChild(object, "trustRemoteHostKey").click()
    name, warning = added.args
    stored = _names(cli)["devbox"]
    assert name == "devbox" and stored.identity == str(sshd.client_key)
    assert (warning != "") == (stored.uri != uri)
    assert sshd.host_public_key.split()[1] in _known_hosts().read_text()
    assert check_host_key(uri).trusted


def test_a_declined_host_key_adds_nothing_and_says_why(qtbot, qloop, cli, sshd, podman, remotes):
    _known_hosts().unlink(missing_ok=True)
    uri = sshd.uri(podman.socket_path)
    asked = []

    async def decline(info):
        asked.append(info.fingerprint)
        return False

    steps = []
    remotes.progress.connect(steps.append)
    task = spawn(remotes.add("declined", uri, str(sshd.client_key), decline))
    qtbot.waitUntil(task.done, timeout=20_000)
    assert isinstance(task.exception(), NotAdded) and "not trusted" in str(task.exception())
    assert asked == [check_host_key(uri).info.fingerprint] and steps == ["Checking the host key…"]
    assert "declined" not in _names(cli)
    assert not _known_hosts().exists()


def test_test_reaches_podman_over_ssh_and_explains_a_failure(sshd, podman, tmp_path):
    good = Connection(
        "box", sshd.uri(podman.socket_path), identity=str(sshd.client_key), is_machine=True
    )
    version = podman.cli("version", "--format", "{{.Server.Version}}")
    assert probe_connection(good) == f"✓ box: Podman {version} answers"
    bad = Connection(
        "box", sshd.uri(tmp_path / "none.sock"), identity=str(sshd.client_key), is_machine=True
    )
    result = probe_connection(bad, timeout=3)
    assert result.startswith("✗ box: ") and "could not connect" in result, result


def test_manager_refreshes_its_list_after_an_add(qtbot, qloop, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CONTAINERS_CONF", cli.env["CONTAINERS_CONF"])
    manager = ConnectionManager(Settings(tmp_path / "s.ini"))
    assert add_connection(cli, "later", "ssh://u@127.0.0.1:2/run/podman/podman.sock", "") == ""
    with qtbot.waitSignal(manager.discovery_changed, timeout=20_000) as changed:
        spawn(manager.refresh_discovery())
    assert changed.args[0].by_name("later") is not None
    manager.shutdown()


def test_cancel_while_a_silent_host_is_checked_closes_and_adds_nothing(qtbot, qloop, cli, remotes):
    """A real listener that accepts and never speaks SSH: the host-key check waits on it,
    and Cancel must not."""
    silent = socket.create_server(("127.0.0.1", 0))
    try:
        port = silent.getsockname()[1]
        dialog = RemoteConnectionDialog(remotes, spawn)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.name.setText("silent")
        dialog.uri.setText(f"ssh://core@127.0.0.1:{port}/run/podman/podman.sock")
        dialog.buttons.accepted.emit()
        assert dialog.busy
        qtbot.waitUntil(lambda: dialog.status.text() == "Checking the host key…", timeout=2_000)
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.isEnabled()
        with qtbot.waitSignal(dialog.rejected, timeout=2_000):
            cancel.click()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=2_000)
        assert not dialog.isVisible() and "silent" not in _names(cli)
    finally:
        silent.close()  # the abandoned check ends on the closed connection
