"""Chooses, opens and replaces the active connection's session.

It decides; the window lays out. Discovery, the local-socket check and the app's own
Podman service all run on its subprocess pool, off the GUI thread; proxies stop on a
background pool, which a new proxy on the same address and the app's exit wait for.

Signals:
    discovery_changed(Discovery), session_changed(Session | None), notice_changed(Notice | None),
    docker_socket_changed(): the Docker-compatible socket's proxy started, stopped or failed,
    switch_failed(str name, str reason): a switch did not happen; the previous session stays
"""

from __future__ import annotations

import asyncio
import hashlib

from PySide6.QtCore import QObject, Signal

from app.controllers import docker_socket, notices
from app.controllers.not_connected import KIND as NOT_CONNECTED
from app.controllers.not_connected import not_connected
from app.controllers.proxy_runner import Prompts, ProxyRunner
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.engine import discovery as disco
from app.engine import http_api
from app.engine.cli.local_service import (
    OwnService,
    SocketUnit,
    enable_socket_unit,
    find_socket_unit,
    is_listening,
)
from app.engine.cli.podman_cli import PodmanCli
from app.engine.connection import Connection, connection_from_argument, looks_like_uri
from app.engine.endpoint import Endpoint
from app.engine.errors import PodmanError
from app.models.connection_state import ConnectionState
from app.proxy.listeners import ListenerError
from app.proxy.proxy import ProxyConfig
from app.proxy.status import UpstreamState
from app.support import log, paths
from app.support.concurrency import BACKGROUND_WORKERS, SUBPROCESS_WORKERS, Pool

_log = log.get("connections")

OWN_SERVICE_NAME = "local"
# A proxy stops within about a second (ProxyRunner.stop); a few may stop at once.
PROXY_STOP_WAIT_S = 3.0


class ConnectionManager(QObject):
    discovery_changed = Signal(object)
    session_changed = Signal(object)
    notice_changed = Signal(object)
    docker_socket_changed = Signal()
    switch_failed = Signal(str, str)

    def __init__(
        self, settings: Settings, prompts: Prompts | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.prompts = prompts
        # The proxy serving the Docker-compatible socket, when one does, and why not.
        self.docker_proxy: ProxyRunner | None = None
        self.docker_error = ""
        self._local_docker_proxy: ProxyRunner | None = None
        self.discovery = disco.Discovery()
        self.session: Session | None = None
        self.notice: notices.Notice | None = None
        self.requested = ""
        self._own_service: OwnService | None = None
        self._socket_unit: SocketUnit | None = None
        self._pool = Pool("connections", SUBPROCESS_WORKERS)
        # Stopping a proxy takes up to a second: never on the GUI thread.
        self._proxy_stops = Pool("proxy-stop", BACKGROUND_WORKERS)
        self._switching = False

    def cli(self) -> PodmanCli:
        return PodmanCli.configured(self.settings.podman_path)

    # -- opening ---------------------------------------------------------------------

    async def open_initial(self, requested: str = "") -> None:
        """Open ``requested`` (a name or URI), else the connection chosen as
        docs/architecture.md ("Which connection") describes."""
        self.requested = requested
        self._set_notice(None)
        cli = self.cli()
        if looks_like_uri(requested):
            # An address is opened without Podman's connection list, which is read
            # beside the connect (two podman commands) instead of before it (launch time).
            chosen = self._resolve(requested)
            discovering = asyncio.ensure_future(self._pool.run(disco.discover, cli))
            if chosen is not None:
                await self.open(chosen)
            self.discovery = await discovering
            self.discovery_changed.emit(self.discovery)
            return
        self.discovery = await self._pool.run(disco.discover, cli)
        self.discovery_changed.emit(self.discovery)
        chosen = self._resolve(requested)
        if chosen is None:
            return
        await self.open(chosen)

    async def refresh_discovery(self) -> None:
        """Re-read Podman's connection list (after adding, removing or a new default)."""
        self.discovery = await self._pool.run(disco.discover, self.cli())
        self.discovery_changed.emit(self.discovery)

    def _resolve(self, requested: str) -> Connection | None:
        if requested:
            if looks_like_uri(requested):
                return connection_from_argument(requested)
            found = self.discovery.by_name(requested)
            if found is None:
                names = [c.name for c in self.discovery.connections]
                self._set_notice(notices.unknown_connection(requested, names))
            return found
        chosen = disco.choose_connection(self.discovery, self.settings.last_connection)
        if chosen is None:
            self._set_notice(
                notices.podman_missing()
                if not self.discovery.podman_found
                else notices.no_connection()
            )
        return chosen

    async def open(self, connection: Connection) -> None:
        """Replace the session with one on ``connection``."""
        self._set_notice(None)
        if connection.source == "local":
            connection = await self._ensure_local_service(connection)
            if connection is None:
                return
        if connection.is_ssh:
            runner = await self._start_ssh_proxy(connection)
            if runner is None:
                return
            session = Session(connection, proxy=runner, parent=self)
            self._replace_session(session)
        else:
            session = Session(connection, parent=self)
            self._replace_session(session)
            await self._expose_local(connection)
        self.docker_socket_changed.emit()
        if connection.source in ("podman", "local"):
            self.settings.last_connection = connection.name
        session.start()

    async def switch_to(self, connection: Connection) -> bool:
        """Replace the session with one on ``connection`` only once it answers.

        The new connection is tried first (for ssh://, through its own proxy, which the
        new session then keeps); if it does not answer, the previous session stays
        active and ``switch_failed`` says why. Podman's default connection is untouched.
        """
        if self._switching:
            self.switch_failed.emit(connection.name, "another switch is still in progress")
            return False
        self._switching = True
        try:
            return await self._switch_to(connection)
        finally:
            self._switching = False

    async def _switch_to(self, connection: Connection) -> bool:
        if self.session is None:
            await self.open(connection)
            return self.session is not None and self.session.connection == connection
        if self.session.connection == connection:
            return True
        runner = None
        if connection.is_ssh:
            runner, reason = await self._try_ssh_proxy(connection)
        else:
            reason = await self._pool.run(_probe, connection.uri)
        if reason and connection.source == "local":
            # Nothing listens at the local socket: the usual path offers the app's own
            # service or the socket unit, as at startup.
            await self.open(connection)
            return self.session is not None and self.session.connection == connection
        if reason:
            _log.info("switch to %s failed: %s", connection.name, reason)
            self.switch_failed.emit(connection.name, reason)
            return False
        if self.docker_address():
            # The Docker-compatible socket moves to the new connection: the old session's
            # proxies let go of its address first, then the usual path binds it there.
            if runner is not None:
                await self._pool.run(runner.stop)
            await self._release_session()
            await self.open(connection)
            return self.session is not None and self.session.connection == connection
        self._set_notice(None)
        session = Session(connection, proxy=runner, parent=self)
        self._replace_session(session)
        if runner is None:
            await self._expose_local(connection)
        self.docker_socket_changed.emit()
        if connection.source in ("podman", "local"):
            self.settings.last_connection = connection.name
        session.start()
        return True

    async def _release_session(self) -> None:
        """Close the session and wait (off the GUI thread) until its proxies have stopped."""
        self._replace_session(None)
        await self._pool.run(self.wait_for_stopped_proxies, PROXY_STOP_WAIT_S)

    async def _try_ssh_proxy(self, connection: Connection) -> tuple[ProxyRunner | None, str]:
        """A private proxy to ``connection`` that answered a ping, or why there is none."""
        runner = self._ssh_runner(connection, self._private_address(connection))
        try:
            await self._pool.run(runner.start)
        except (ListenerError, OSError, ValueError) as exc:
            return None, f"the proxy could not start: {exc}"
        reason = await self._pool.run(_probe, runner.endpoint)
        if reason:
            status = runner.status()
            self._stop_later(runner)
            return None, (f"SSH: {status.last_error}" if status.last_error else reason)
        return runner, ""

    async def _ensure_local_service(self, connection: Connection) -> Connection | None:
        """The local socket, or the app's own service when nothing listens there."""
        path = connection.uri.removeprefix("unix://")
        if await self._pool.run(is_listening, path):
            return connection
        if not self.discovery.podman_found:
            self._replace_session(None)
            self._set_notice(notices.podman_missing())
            return None
        unit = await self._pool.run(find_socket_unit)
        if unit is not None:
            self._socket_unit = unit
            self._replace_session(None)
            self._set_notice(notices.socket_unit(unit.path, unit.user))
            return None
        return await self._start_own_service()

    async def _start_own_service(self) -> Connection | None:
        if self._own_service is None or not self._own_service.running:
            service = OwnService(
                self.cli(),
                paths.runtime_dir() / "podman.sock",
                paths.state_dir() / "podman-service.log",
            )
            try:
                await self._pool.run(service.start)
            except (RuntimeError, OSError) as exc:
                self._replace_session(None)
                self._set_notice(notices.service_failed(str(exc)))
                return None
            self._own_service = service
        return Connection(OWN_SERVICE_NAME, self._own_service.uri, source="own-service")

    # -- proxies ---------------------------------------------------------------------

    def docker_address(self) -> str:
        """Where the Docker-compatible socket should listen ("" when it is turned off)."""
        if not self.settings.docker_socket_enabled:
            return ""
        return docker_socket.normalise(self.settings.docker_socket_address) or (
            docker_socket.default_address()
        )

    def _private_address(self, connection: Connection) -> str:
        # By name as well: two names for one address (a switch between them) each need
        # a listener of their own while the other's is still open.
        key = f"{connection.name}\0{connection.uri}"
        digest = hashlib.sha1(key.encode()).hexdigest()[:10]
        return f"unix://{paths.runtime_dir() / f'proxy-{digest}.sock'}"

    def _ssh_runner(self, connection: Connection, listen: str) -> ProxyRunner:
        """A proxy (not started) from ``listen`` to the connection's socket over SSH."""
        config = ProxyConfig(
            listen=listen,
            upstream=connection.uri,
            identity=connection.identity or None,
            is_machine=connection.is_machine,
        )
        return ProxyRunner(config, self.prompts, parent=self)

    async def _start_ssh_proxy(self, connection: Connection) -> ProxyRunner | None:
        """A proxy from a local socket to the connection's Podman socket over SSH.

        It listens at the Docker-compatible address when that is on (the app's client
        uses the same socket), else privately. Only the listener opens here; SSH is
        reached in the background and its state shows in the status bar.
        """
        self.docker_error = ""
        docker = self.docker_address()
        for listen in filter(None, (docker, self._private_address(connection))):
            runner = self._ssh_runner(connection, listen)
            try:
                await self._pool.run(runner.start)
            except (ListenerError, OSError, ValueError) as exc:
                if listen == docker:
                    self.docker_error = f"{listen}: {exc}"
                    _log.warning("Docker-compatible socket unavailable: %s", self.docker_error)
                    continue
                self._replace_session(None)
                self._set_notice(notices.proxy_failed(connection.name, str(exc)))
                return None
            self.docker_proxy = runner if listen == docker else None
            return runner
        return None

    async def _expose_local(self, connection: Connection) -> None:
        """For a native socket, a proxy with a unix upstream serves Docker clients."""
        self.docker_error = ""
        docker = self.docker_address()
        if not docker or connection.scheme != "unix":
            return
        runner = ProxyRunner(ProxyConfig(listen=docker, upstream=connection.uri), parent=self)
        try:
            await self._pool.run(runner.start)
        except (ListenerError, OSError, ValueError) as exc:
            self.docker_error = f"{docker}: {exc}"
            _log.warning("Docker-compatible socket unavailable: %s", self.docker_error)
            return
        self._local_docker_proxy = self.docker_proxy = runner

    def _stop_later(self, runner: ProxyRunner) -> None:
        self._proxy_stops.submit(runner.stop)

    def wait_for_stopped_proxies(self, timeout: float) -> bool:
        """Block until every proxy being stopped has let go of its address (True), or
        ``timeout`` seconds passed (False)."""
        return self._proxy_stops.drain(timeout)

    # -- notice actions --------------------------------------------------------------

    async def act(self, action: str) -> None:
        """Carry out a notice's button."""
        if action == "retry":
            await self.open_initial(self.requested)
        elif action == "retry-connection":
            self.retry_connection()
        elif action == "own-service":
            connection = await self._start_own_service()
            if connection is not None:
                await self.open(connection)
        elif action == "enable-socket" and self._socket_unit is not None:
            ok, message = await self._pool.run(enable_socket_unit, self._socket_unit)
            if not ok:
                self._set_notice(notices.service_failed(message))
                return
            await self.open_initial(self.requested)

    # -- the active connection ---------------------------------------------------------

    def retry_connection(self) -> bool:
        """Try the active connection now rather than at its next automatic attempt."""
        if self.session is None:
            return False
        self.session.retry()
        return True

    def _on_session_state(self, state: ConnectionState, reason: str) -> None:
        """A connection that never answered gets its own page (what was tried, why it
        failed, what fixes it); it goes once Podman answers or the state moves on."""
        session = self.session
        if session is None or (state, reason) != (session.state, session.reason):
            return  # a session already replaced, saying its last words
        never = not session.ever_connected
        if never and state in (ConnectionState.NOT_CONNECTED, ConnectionState.UNAVAILABLE):
            retrying = state is ConnectionState.NOT_CONNECTED
            notice = not_connected(session.connection, reason, retrying)
            if notice != self.notice:  # the same words again: leave the page (and its focus) be
                self._set_notice(notice)
        elif state is not ConnectionState.CONNECTING and self._showing_not_connected():
            self._set_notice(None)

    def _showing_not_connected(self) -> bool:
        return self.notice is not None and self.notice.kind == NOT_CONNECTED

    # -- the active connection's SSH --------------------------------------------------

    def upstream_needs_retry(self) -> bool:
        """Whether the active connection's SSH was refused for good (host key not
        trusted, passphrase cancelled, login refused) and waits for the user's Retry."""
        proxy = self.session.proxy if self.session is not None else None
        return proxy is not None and proxy.status().upstream_state is UpstreamState.FAILED

    def retry_upstream(self) -> bool:
        """Reach the active connection's SSH again; its host-key or passphrase question
        is asked again. The one Retry of the status bar and the machine switcher."""
        proxy = self.session.proxy if self.session is not None else None
        if proxy is None:
            return False
        _log.info("retrying SSH for %s", self.session.connection.name)
        proxy.retry()
        return True

    # -- state -----------------------------------------------------------------------

    def _replace_session(self, session: Session | None) -> None:
        old, self.session = self.session, session
        if old is not None:
            old.close()
            if old.proxy is not None:
                self._stop_later(old.proxy)
            old.deleteLater()
        if self._local_docker_proxy is not None:
            self._stop_later(self._local_docker_proxy)
            self._local_docker_proxy = None
        if session is None or session.proxy is not self.docker_proxy:
            self.docker_proxy = None
        if session is not None:
            session.state_changed.connect(self._on_session_state)
        self.session_changed.emit(session)

    def _set_notice(self, notice: notices.Notice | None) -> None:
        self.notice = notice
        self.notice_changed.emit(notice)

    def shutdown(self) -> None:
        """Close the session and stop the app's own service (on exit)."""
        self._replace_session(None)
        self.wait_for_stopped_proxies(PROXY_STOP_WAIT_S)
        if self._own_service is not None:
            self._own_service.stop()
            self._own_service = None
        self._pool.shutdown()
        self._proxy_stops.shutdown()


# A switch waits this long for the new connection's first answer. SSH itself gives up
# much sooner on an unreachable host; the margin is for a host-key or passphrase
# question the proxy asks meanwhile.
SWITCH_PROBE_TIMEOUT_S = 90.0


def _probe(uri: str) -> str:
    """Empty when a Podman API answers /_ping at ``uri``, else why not (blocking)."""
    try:
        http_api.request(Endpoint.parse(uri), "GET", "/_ping", timeout=SWITCH_PROBE_TIMEOUT_S)
    except PodmanError as exc:
        return str(exc)
    except (OSError, ValueError) as exc:
        return str(exc)
    return ""
