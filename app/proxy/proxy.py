"""The proxy: a listener, an upstream, and a pump per accepted client.

``Proxy`` has no thread of its own: ``serve()`` is the accept loop and runs on whichever
thread calls it (ProxyThread's). Each client goes to a pooled worker that opens the
upstream (waiting a bounded time for it, else answering 502) and then runs the pump.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.engine.endpoint import Endpoint
from app.proxy.listeners import Listener, ListenerError, open_listener
from app.proxy.pump import Pump
from app.proxy.status import ProxyState, ProxyStatus, UpstreamState
from app.proxy.streams import ByteStream, SocketStream
from app.proxy.unix_upstream import UnixUpstream
from app.proxy.upstream import Prepared, Upstream, UpstreamUnavailable
from app.proxy.uris import parse_listen, parse_upstream
from app.proxy.workers import Workers

if TYPE_CHECKING:  # the SSH side (paramiko) is loaded when an ssh:// upstream is made
    from app.proxy.host_keys import UnknownKeyCallback
    from app.proxy.ssh_auth import PassphraseCallback

log = logging.getLogger("pdc.proxy")

# Called on proxy threads (never the GUI thread) after every state change.
StatusCallback = Callable[[ProxyStatus], None]


@dataclass
class ProxyConfig:
    """What to forward where, and how to trust and log in to an SSH upstream."""

    listen: str  # unix:///path, npipe:////./pipe/name or tcp://127.0.0.1:PORT
    upstream: str  # unix:///path or ssh://user@host:port/remote/socket
    identity: str | None = None
    known_hosts: str | None = None  # default ~/.ssh/known_hosts
    accept_new_host_key: bool = False
    insecure_skip_host_key_check: bool = False  # trusts ANY server key: interceptable
    is_machine: bool = False  # a podman machine: its loopback host key is trusted as Podman does
    use_agent: bool = True
    wait_timeout: float = 10.0  # how long a client waits for a lost upstream before a 502
    connect_timeout: float = 10.0
    on_unknown_host_key: UnknownKeyCallback | None = None
    ask_passphrase: PassphraseCallback | None = None


def make_upstream(config: ProxyConfig) -> Upstream:
    """The upstream for ``config.upstream`` (raises ProxyUriError for a bad URI)."""
    target = parse_upstream(config.upstream)
    if isinstance(target, Endpoint):
        return UnixUpstream(target)
    from app.proxy.host_keys import HostKeyPolicy
    from app.proxy.ssh_auth import Credentials
    from app.proxy.ssh_upstream import SshUpstream

    policy = HostKeyPolicy(
        known_hosts=config.known_hosts,
        is_machine=config.is_machine,
        accept_new=config.accept_new_host_key,
        insecure_skip=config.insecure_skip_host_key_check,
        on_unknown=config.on_unknown_host_key,
    )
    credentials = Credentials(config.identity, config.ask_passphrase, config.use_agent)
    return SshUpstream(target, policy, credentials, config.connect_timeout)


class Proxy:
    """Forwards every client of ``config.listen`` to ``config.upstream``."""

    def __init__(self, config: ProxyConfig, on_change: StatusCallback | None = None) -> None:
        self.config = config
        self._on_change = on_change
        self._listen = parse_listen(config.listen)
        self.upstream = make_upstream(config)
        self._listener: Listener | None = None
        self._lock = threading.Lock()
        self._workers = Workers("proxy-conn")
        self._active = 0  # clients waiting for the upstream or being pumped
        self._pumps: set[Pump] = set()
        self._closing = threading.Event()
        self._serial = 0
        self._status = ProxyStatus(
            state=ProxyState.STARTING,
            listening="",
            upstream=self.upstream.uri,
            upstream_state=UpstreamState.CONNECTING,
        )
        self._done_up = 0  # bytes of finished connections
        self._done_down = 0
        self._total_clients = 0
        self._failed_clients = 0

    # -- lifecycle ---------------------------------------------------------------------

    def open(self) -> None:
        """Open the listener (raises ListenerError) and start reaching the upstream."""
        try:
            self._listener = open_listener(self._listen)
        except ListenerError as exc:
            self._update(state=ProxyState.FAILED, last_error=str(exc))
            raise
        self._update(state=ProxyState.LISTENING, listening=self._listener.uri)
        self.upstream.start(self._upstream_changed)

    def serve(self) -> None:
        """Accept clients until close(); call after open(), on a thread of your own."""
        assert self._listener is not None, "open() first"
        while not self._closing.is_set():
            try:
                client = self._listener.accept()
            except ListenerError as exc:
                self._update(last_error=str(exc))
                self._closing.wait(0.1)  # out of descriptors: give closing ones a moment
                continue
            if client is None:
                return
            self._start_handler(client)

    def close(self, timeout: float = 1.0) -> None:
        """Stop accepting, end every connection, remove the socket; returns within ~timeout."""
        deadline = time.monotonic() + timeout
        self._closing.set()
        if self._listener is not None:
            self._listener.close()
        self.upstream.close()
        with self._lock:
            pumps = list(self._pumps)
        for pump in pumps:
            pump.abort()
        self._workers.close(max(deadline - time.monotonic(), 0.05))

    def release(self) -> None:
        """Free the listener once the accepting thread has returned."""
        if self._listener is not None:
            self._listener.release()
        self._update(state=ProxyState.STOPPED, upstream_state=UpstreamState.STOPPED)

    def status(self) -> ProxyStatus:
        with self._lock:
            live_up = sum(p.to_upstream for p in self._pumps)
            live_down = sum(p.to_client for p in self._pumps)
            return replace(
                self._status,
                active_clients=self._active,
                total_clients=self._total_clients,
                failed_clients=self._failed_clients,
                bytes_to_upstream=self._done_up + live_up,
                bytes_to_clients=self._done_down + live_down,
                reconnects=self.upstream.reconnects,
            )

    # -- clients -----------------------------------------------------------------------

    def _start_handler(self, client: ByteStream) -> None:
        with self._lock:
            self._serial += 1
            name = f"proxy-client-{self._serial}"
            self._active += 1
            self._total_clients += 1
        self._update()
        try:
            # Begun here, finished by the worker: the worker's wake-up overlaps the open.
            prepared = self.upstream.prepare()
        except Exception:  # noqa: BLE001 - the worker's open() then reports the problem
            log.exception("%s: preparing the upstream failed", name)
            prepared = None
        try:
            self._workers.submit(lambda: self._handle(client, name, prepared))
        except RuntimeError:  # stopping
            if prepared is not None:
                prepared.close()
            client.abort()
            client.close()
            self._client_done(None)

    def _handle(self, client: ByteStream, name: str, prepared: Prepared | None) -> None:
        pump: Pump | None = None
        try:
            try:
                upstream = self.upstream.open(self.config.wait_timeout, prepared)
            except UpstreamUnavailable as exc:
                self._reject(client, str(exc))
                return
            pump = Pump(client, upstream, name, self._workers.submit)
            with self._lock:
                self._pumps.add(pump)
                closing = self._closing.is_set()
            if closing:
                pump.abort()
            pump.run()
        except Exception:  # noqa: BLE001 - a bug here must not kill the proxy
            log.exception("%s: unexpected failure", name)
            client.abort()
            client.close()
        finally:
            self._client_done(pump)

    def _client_done(self, pump: Pump | None) -> None:
        with self._lock:
            self._active -= 1
            if pump is not None:
                self._pumps.discard(pump)
                self._done_up += pump.to_upstream
                self._done_down += pump.to_client
        self._update()

    def _reject(self, client: ByteStream, reason: str) -> None:
        """Answer 502 with the reason, then let the client read it before closing."""
        with self._lock:
            self._failed_clients += 1
        self._update(last_error=reason)
        try:
            client.write(bad_gateway(reason))
            client.shutdown_write()
            if isinstance(client, SocketStream) and not self._closing.is_set():
                # Closing with the request unread would reset the connection (the client
                # would see ECONNRESET, not the 502), so read it first, briefly.
                deadline = time.monotonic() + 1.0
                buf = memoryview(bytearray(65536))
                while (left := deadline - time.monotonic()) > 0:
                    client.sock.settimeout(left)
                    if not client.read(buf):
                        break
        except OSError:
            pass  # the client left already
        finally:
            client.abort()
            client.close()

    # -- status ------------------------------------------------------------------------

    def _upstream_changed(self, state: UpstreamState, error: str) -> None:
        if state is UpstreamState.STOPPED and not self._closing.is_set():
            return
        self._update(upstream_state=state, last_error=error or self._status.last_error)

    def _update(self, **changes) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)
        if self._on_change is not None:
            try:
                self._on_change(self.status())
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the proxy
                log.exception("The proxy's status callback failed")


def bad_gateway(reason: str) -> bytes:
    """An HTTP 502 whose JSON body is shaped like Podman's errors, so clients print it."""
    body = json.dumps(
        {"cause": "upstream unavailable", "message": f"Podman proxy: {reason}", "response": 502}
    ).encode()
    head = (
        "HTTP/1.1 502 Bad Gateway\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body
