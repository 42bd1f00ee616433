"""Adding and testing remote (ssh://) connections, off the GUI thread.

Adding checks the server's host key first (an unknown one is shown to the user, through
the callback the dialog gives, before anything is recorded), then runs ``podman system
connection add`` and reads back what Podman stored. Testing asks the connection's Podman
for its version through a throwaway proxy, as the app itself would reach it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.engine import http_api
from app.engine.cli import machine_cli
from app.engine.cli.podman_cli import PodmanCli
from app.engine.cli.system_connection import add_connection
from app.engine.connection import Connection
from app.engine.endpoint import Endpoint
from app.engine.errors import CommandFailed, PodmanError
from app.proxy.host_keys import ChangedHostKey, HostKeyInfo
from app.proxy.proxy import ProxyConfig
from app.proxy.proxy_thread import ProxyThread
from app.support import log, paths
from app.support.concurrency import Pool

_log = log.get("connections")

# Asks the user whether to trust an unknown host key; True trusts it.
ConfirmHostKey = Callable[[HostKeyInfo], Awaitable[bool]]


class NotAdded(Exception):
    """Nothing was added; the message says why, in SSH's or Podman's words."""


class RemoteConnectionController(QObject):
    """Signals:
    progress(str): the step that runs now ("Checking the host key…").
    added(str name, str warning): the connection is in Podman's list; ``warning`` says
        when Podman stored another address than the one typed ("" when not).
    """

    progress = Signal(str)
    added = Signal(str, str)

    def __init__(
        self,
        cli_factory: Callable[[], PodmanCli],
        pool: Pool,
        known_hosts: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cli_factory = cli_factory
        self._pool = pool
        self._known_hosts = known_hosts  # None: ~/.ssh/known_hosts, as OpenSSH
        self.committing = False  # Podman's list is being written: an add ends soon

    @staticmethod
    def validate(name: str, uri: str, identity: str) -> str:
        """Why the connection cannot be added as typed ("" when it can)."""
        return machine_cli.validate_remote(name, uri, identity)

    async def add(self, name: str, uri: str, identity: str, confirm: ConfirmHostKey) -> str:
        """Check the host key (asking ``confirm`` about an unknown one), add the
        connection and read it back. Returns the read-back warning ("" when none);
        raises NotAdded with the reason."""
        # paramiko comes with the probe, when a remote connection is added (launch time).
        from app.proxy.host_key_probe import SshProbeFailed, check_host_key, trust_host_key

        self.progress.emit("Checking the host key…")
        try:
            check = await self._pool.run(check_host_key, uri, self._known_hosts)
        except (SshProbeFailed, ChangedHostKey) as exc:
            raise NotAdded(str(exc)) from None
        if not check.trusted:
            if not await confirm(check.info):
                raise NotAdded("The host key was not trusted; nothing was added.")
            await self._pool.run(trust_host_key, check, self._known_hosts)
        self.progress.emit("Adding the connection…")
        # From here on the add is not abandoned (it takes a moment): a cancelled wait
        # would leave a connection in Podman's list that the window says was not added.
        self.committing = True
        try:
            warning = await self._pool.run(add_connection, self._cli_factory(), name, uri, identity)
        except CommandFailed as exc:
            raise NotAdded(f"podman system connection add failed: {exc.message}") from None
        finally:
            self.committing = False
        _log.info("added connection %s (%s)", name, uri)
        self.added.emit(name, warning)
        return warning

    async def test(self, connection: Connection, timeout: float = 20.0) -> str:
        """One line for the user: the Podman version that answers, or why none does."""
        return await self._pool.run(probe_connection, connection, timeout)


def probe_connection(connection: Connection, timeout: float = 20.0) -> str:
    """Ask the connection's Podman for its version, through a throwaway proxy for ssh://
    (blocking). Returns one line for the user: the version, or why it failed."""
    proxy: ProxyThread | None = None
    sock_dir: Path | None = None
    uri = connection.uri
    try:
        if connection.is_ssh:
            sock_dir = Path(tempfile.mkdtemp(prefix="test-", dir=paths.runtime_dir()))
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
        if sock_dir is not None:
            shutil.rmtree(sock_dir, ignore_errors=True)
    return f"✓ {connection.name}: Podman {version.get('Version', '?')} answers"
