"""Add a remote connection: name, ssh:// address and identity file, checked before
``podman system connection add`` runs; the host key is shown for confirmation the
first time; what Podman stored is read back and compared with what was typed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine import discovery, http_api
from app.engine.cli import machine_cli
from app.engine.cli.podman_cli import PodmanCli
from app.engine.connection import Connection
from app.engine.endpoint import Endpoint
from app.engine.errors import PodmanError
from app.proxy import host_keys
from app.proxy.host_keys import HostKeyError, HostKeyPolicy
from app.proxy.proxy import ProxyConfig
from app.proxy.proxy_thread import ProxyThread
from app.support import paths


@dataclass(frozen=True)
class HostKeyCheck:
    """The server's key and what known_hosts says of it: ``known``, ``unknown``, or an
    ``error`` with the reason (unreachable, or a changed key)."""

    status: str
    host: str = ""
    port: int = 22
    key: Any = None
    message: str = ""

    @property
    def fingerprint(self) -> str:
        return host_keys.fingerprint(self.key) if self.key is not None else ""


def check_host_key(uri: str, known_hosts: str | None = None, timeout: float = 10.0) -> HostKeyCheck:
    """Fetch the server's host key and look it up (blocking: run off the GUI thread)."""
    target = Connection("check", uri).ssh_target()
    try:
        sock = socket.create_connection((target.host, target.port), timeout=timeout)
    except OSError as exc:
        return HostKeyCheck(
            "error",
            target.host,
            target.port,
            message=f"cannot reach {target.host}:{target.port}: {exc.strerror or exc}",
        )
    policy = HostKeyPolicy(known_hosts=known_hosts, on_unknown=lambda _info: False)
    transport = paramiko.Transport(sock)
    # Ask for a key type already recorded first, as the proxy does, or a host with two
    # keys would look changed.
    known = host_keys.known_key_types(policy, target.host, target.port)
    if known:
        options = transport.get_security_options()
        types = list(options.key_types)
        options.key_types = [t for t in types if t in known] + [t for t in types if t not in known]
    try:
        transport.start_client(timeout=timeout)
        key = transport.get_remote_server_key()
    except (paramiko.SSHException, OSError, EOFError) as exc:
        return HostKeyCheck("error", target.host, target.port, message=f"SSH failed: {exc}")
    finally:
        transport.close()
    try:
        host_keys.check_host_key(policy, target.host, target.port, key)
    except HostKeyError as exc:
        status = "unknown" if "is not known" in str(exc) else "error"
        return HostKeyCheck(status, target.host, target.port, key, str(exc))
    return HostKeyCheck("known", target.host, target.port, key)


def trust_host_key(check: HostKeyCheck, known_hosts: str | None = None) -> None:
    path = HostKeyPolicy(known_hosts=known_hosts).known_hosts_path
    host_keys.record_host_key(path, host_keys.host_entry_name(check.host, check.port), check.key)


def add_connection(cli: PodmanCli, name: str, uri: str, identity: str) -> tuple[bool, str]:
    """``podman system connection add``, then read back what Podman stored.

    Returns (added, message): the error, or a warning when Podman changed the address.
    """
    result = cli.run(*machine_cli.add_connection_args(name, uri, identity), timeout=60)
    if not result.ok:
        return False, result.error_text
    connections, problem = discovery.system_connections(cli)
    if problem:
        return True, problem
    stored = next((c for c in connections if c.name == name), None)
    return True, machine_cli.readback_warning(name, uri, stored)


def test_connection(connection: Connection, timeout: float = 20.0) -> str:
    """Ask the connection's Podman for its version, through a throwaway proxy for ssh://
    (blocking). Returns one line for the user: the version, or why it failed."""
    proxy = None
    uri = connection.uri
    try:
        if connection.is_ssh:
            sock_dir = tempfile.mkdtemp(prefix="test-", dir=paths.runtime_dir())
            proxy = ProxyThread(
                ProxyConfig(
                    listen=f"unix://{sock_dir}/p.sock",
                    upstream=connection.uri,
                    identity=connection.identity or None,
                    is_machine=connection.is_machine,
                    # Shorter than the request's timeout: the proxy's 502 says why.
                    connect_timeout=timeout / 2,
                    wait_timeout=timeout / 2,
                )
            )
            proxy.start()
            uri = proxy.endpoint
        version = http_api.request(Endpoint.parse(uri), "GET", "/version", timeout=timeout)
    except (PodmanError, OSError, ValueError) as exc:
        error = proxy.status().last_error if proxy is not None else ""
        return f"✗ {connection.name}: {error or exc}"
    finally:
        if proxy is not None:
            proxy.stop()
            shutil.rmtree(
                os.path.dirname(proxy.config.listen.removeprefix("unix://")), ignore_errors=True
            )
    return f"✓ {connection.name}: Podman {version.get('Version', '?')} answers"


class RemoteConnectionDialog(QDialog):
    """Signals: added(str name, str warning): the connection is in Podman's list."""

    added = Signal(str, str)

    def __init__(
        self,
        cli_factory: Callable[[], PodmanCli],
        spawn: Callable[[Coroutine], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("remoteConnectionDialog")
        self.setWindowTitle("Add Remote Connection")
        self._cli_factory = cli_factory
        self._spawn = spawn
        self.name = QLineEdit(self)
        self.name.setObjectName("remoteName")
        self.uri = QLineEdit(self)
        self.uri.setObjectName("remoteUri")
        self.uri.setPlaceholderText("ssh://user@host[:port]/run/user/1000/podman/podman.sock")
        self.identity = QLineEdit(self)
        self.identity.setObjectName("remoteIdentity")
        self.identity.setPlaceholderText(str(Path.home() / ".ssh" / "id_ed25519"))
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity, 1)
        identity_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Address:", self.uri)
        form.addRow("Identity file:", identity_row)
        hint = QLabel(
            "The socket path is where Podman's API listens on that host: "
            "<code>/run/podman/podman.sock</code> for root, "
            "<code>/run/user/UID/podman/podman.sock</code> for a user "
            "(<code>systemctl --user enable --now podman.socket</code> there).",
            self,
        )
        hint.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("remoteStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        self.buttons.accepted.connect(self._on_add)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(560, 260)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the SSH identity file", str(Path.home() / ".ssh")
        )
        if path:
            self.identity.setText(path)

    def values(self) -> tuple[str, str, str]:
        identity = self.identity.text().strip()
        if identity:
            # Podman stores the path as given: a relative one breaks from another directory.
            identity = os.path.abspath(os.path.expanduser(identity))
        return self.name.text().strip(), self.uri.text().strip(), identity

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #d1453b" if error else "")
        self.status.setText(text)

    def _on_add(self) -> None:
        name, uri, identity = self.values()
        problem = machine_cli.validate_remote(name, uri, identity)
        if problem:
            self._say(problem, error=True)
            return
        self.buttons.setEnabled(False)
        self._spawn(self._add(name, uri, identity))

    async def _add(self, name: str, uri: str, identity: str) -> None:
        loop = asyncio.get_event_loop()
        try:
            self._say("Checking the host key…")
            check = await loop.run_in_executor(None, check_host_key, uri)
            if check.status == "error":
                self._say(check.message, error=True)
                return
            if check.status == "unknown":
                if not await self.confirm_host_key(check):
                    self._say("The host key was not trusted; nothing was added.", error=True)
                    return
                trust_host_key(check)
            self._say("Adding the connection…")
            cli = self._cli_factory()
            ok, message = await loop.run_in_executor(None, add_connection, cli, name, uri, identity)
        finally:
            self.buttons.setEnabled(True)
        if not ok:
            self._say(f"podman system connection add failed: {message}", error=True)
            return
        self.added.emit(name, message)
        if message:
            # Not QMessageBox.warning(): a nested event loop inside a task breaks qasync.
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Connection added with a different address",
                message,
                parent=self.parentWidget(),
            )
            box.setObjectName("remoteReadbackWarning")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        self.accept()

    async def confirm_host_key(self, check: HostKeyCheck) -> bool:
        """Ask whether to trust the key; a window-modal box, awaited (not a nested loop)."""
        box = QMessageBox(self)
        box.setObjectName("remoteHostKey")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unknown host key")
        box.setText(f"First connection to {host_keys.host_entry_name(check.host, check.port)}")
        box.setInformativeText(
            f"Its {check.key.get_name()} key has the fingerprint\n{check.fingerprint}\n\n"
            "Trust it only if it matches what the server's owner gives you."
        )
        trust = box.addButton("Trust and Add", QMessageBox.ButtonRole.AcceptRole)
        trust.setObjectName("trustRemoteHostKey")
        box.addButton(QMessageBox.StandardButton.Cancel)
        answered = asyncio.get_event_loop().create_future()
        box.finished.connect(lambda _r: answered.done() or answered.set_result(None))
        box.open()
        await answered
        trusted = box.clickedButton() is trust
        box.deleteLater()
        return trusted
