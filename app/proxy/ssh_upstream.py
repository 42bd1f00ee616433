"""Podman behind an SSH server: one shared session, one channel per client connection.

A supervisor thread keeps the session up: it connects at start, notices when the session
dies (its transport thread ends), and reconnects with backoff (100 ms doubling to 10 s;
at most 1 s while a client is waiting). Channels of a dead session close, so their clients
read EOF. A host key or login refusal is not retried until retry() (the user must act).
"""

from __future__ import annotations

import logging
import threading
import time

import paramiko
from paramiko import ChannelException, SSHException

from app.proxy.channel_delivery import direct_channel
from app.proxy.host_keys import HostKeyError, HostKeyPolicy
from app.proxy.ssh_auth import AuthError, Credentials
from app.proxy.ssh_session import Cancelled, open_session
from app.proxy.status import UpstreamState
from app.proxy.streamlocal import PendingChannel, request_streamlocal
from app.proxy.streams import ByteStream, ChannelStream
from app.proxy.upstream import StateCallback, UpstreamUnavailable
from app.proxy.uris import SshTarget

log = logging.getLogger("pdc.proxy")

FIRST_DELAY_S = 0.1
MAX_DELAY_S = 10.0
WAITING_DELAY_S = 1.0  # the backoff cap while a client waits for the upstream
# paramiko spends its time per packet, not per byte: letting sshd send packets up to
# 128 KiB (OpenSSH's default is 32 KiB) measured ~20-30% more throughput here. The window
# is also the most one channel buffers for a slow reader.
WINDOW_SIZE = 4 * 1024 * 1024
MAX_PACKET_SIZE = 128 * 1024


class SshUpstream:
    """The Podman socket at ``target.socket_path`` on the SSH server ``target``."""

    def __init__(
        self,
        target: SshTarget,
        policy: HostKeyPolicy,
        credentials: Credentials,
        connect_timeout: float = 10.0,
    ) -> None:
        self.target = target
        self.uri = target.uri
        self.policy = policy
        self.credentials = credentials
        self.connect_timeout = connect_timeout
        self.state = UpstreamState.CONNECTING
        self.last_error = ""
        self.reconnects = 0
        self._on_state: StateCallback | None = None
        self._cond = threading.Condition()
        self._transport: paramiko.Transport | None = None
        self._waiters = 0
        self._failed = False  # needs retry()
        self._held = False  # retry() is reporting "connecting": the supervisor waits
        self._ever_up = False
        self._stopping = threading.Event()
        self._attempt: list = []  # socket and transport of the attempt in progress
        self._thread: threading.Thread | None = None

    # -- the proxy's side ------------------------------------------------------------

    def start(self, on_state: StateCallback) -> None:
        self._on_state = on_state
        self._thread = threading.Thread(target=self._supervise, name="proxy-ssh", daemon=True)
        self._thread.start()

    def prepare(self) -> PendingChannel | None:
        """Send a channel open now, without waiting, if the session is up (else None).

        Called on the accepting thread: the server works on the open while a worker thread
        wakes up to take the client, instead of after.
        """
        transport = self._transport
        if transport is None or not transport.is_active() or not transport.clear_to_send.is_set():
            return None  # clear_to_send: during a key exchange the send would block
        try:
            return request_streamlocal(
                transport, self.target.socket_path, WINDOW_SIZE, MAX_PACKET_SIZE, direct_channel
            )
        except (SSHException, OSError, EOFError):
            return None

    def open(self, timeout: float, prepared: PendingChannel | None = None) -> ByteStream:
        deadline = time.monotonic() + timeout
        pause = 0.1
        while True:
            try:
                if prepared is not None:
                    pending, prepared = prepared, None
                    transport = pending.transport
                else:
                    transport = self._wait_for_session(deadline, timeout)
                    pending = request_streamlocal(
                        transport,
                        self.target.socket_path,
                        WINDOW_SIZE,
                        MAX_PACKET_SIZE,
                        direct_channel,
                    )
                channel = pending.wait(max(deadline - time.monotonic(), 1.0))
            except ChannelException as exc:
                # The server is up but cannot reach the socket: Podman may be (re)starting
                # behind it, as while a machine boots. Retry until the deadline.
                reason = (
                    f"The SSH server {self.target.host} could not connect to "
                    f"{self.target.socket_path}: {exc.text} (is Podman's service running "
                    "there, and is AllowStreamLocalForwarding on?)"
                )
                left = deadline - time.monotonic()
                if left <= 0 or self._stopping.wait(min(pause, left)):
                    raise UpstreamUnavailable(reason) from exc
                pause = min(pause * 2, 1.0)
                continue
            except (SSHException, OSError, EOFError) as exc:
                if transport.is_active():
                    raise UpstreamUnavailable(f"Cannot open an SSH channel: {exc}") from exc
                continue  # the session died under us: wait for the next one
            return ChannelStream(channel)

    def retry(self) -> None:
        with self._cond:
            if not self._failed:
                self._cond.notify_all()
                return
            # Not failed any more for clients (they wait for the session instead of being
            # refused with the old reason), but the supervisor is held until "connecting"
            # is reported, so that report cannot arrive after the news of the attempt it
            # starts (which may first wait for the user's answer).
            self._failed = False
            self._held = True
        self._set(UpstreamState.CONNECTING, "")
        with self._cond:
            self._held = False
            self._cond.notify_all()

    def close(self) -> None:
        self._stopping.set()
        with self._cond:
            transport, self._transport = self._transport, None
            self._cond.notify_all()
        for thing in list(self._attempt):
            thing.close()  # aborts a handshake in progress
        if transport is not None:
            transport.close()
        deadline = time.monotonic() + 1.0
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        for thing in [transport, *self._attempt]:
            # paramiko's close() does not always wait for its own thread to end.
            if isinstance(thing, threading.Thread) and thing.ident is not None:
                thing.join(max(deadline - time.monotonic(), 0.05))
        self._set(UpstreamState.STOPPED, self.last_error)

    # -- waiting for a session ---------------------------------------------------------

    def _wait_for_session(self, deadline: float, timeout: float) -> paramiko.Transport:
        with self._cond:
            self._waiters += 1
            self._cond.notify_all()  # shortens the supervisor's backoff
            try:
                while True:
                    if self._stopping.is_set():
                        raise UpstreamUnavailable("The proxy is stopping")
                    if self._transport is not None and self._transport.is_active():
                        return self._transport
                    if self._failed:
                        raise UpstreamUnavailable(self.last_error)
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise UpstreamUnavailable(
                            f"No SSH connection to {self.target.host}:{self.target.port} "
                            f"within {timeout:g} s: {self.last_error or 'still connecting'}"
                        )
                    self._cond.wait(remaining)
            finally:
                self._waiters -= 1

    # -- the supervisor thread ---------------------------------------------------------

    def _supervise(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            if not self._wait_until_allowed():
                return
            try:
                transport = self._connect_once()
            except Cancelled:
                return
            except (HostKeyError, AuthError) as exc:
                with self._cond:
                    self._failed = True
                    self._cond.notify_all()
                self._set(UpstreamState.FAILED, str(exc))
                continue
            except (OSError, SSHException, EOFError) as exc:
                failures += 1
                self._set(UpstreamState.DOWN, self._describe(exc))
                self._backoff(failures)
                continue
            failures = 0
            with self._cond:
                if self._stopping.is_set():
                    transport.close()
                    return
                self._transport = transport
                self._cond.notify_all()
            if self._ever_up:
                self.reconnects += 1
            self._ever_up = True
            self._set(UpstreamState.UP, "")
            self._watch(transport)

    def _wait_until_allowed(self) -> bool:
        with self._cond:
            while (self._failed or self._held) and not self._stopping.is_set():
                self._cond.wait()
        return not self._stopping.is_set()

    def _connect_once(self) -> paramiko.Transport:
        self._attempt = attempt = []
        transport = open_session(
            self.target,
            self.policy,
            self.credentials,
            timeout=self.connect_timeout,
            cancel=self._stopping,
            track=attempt,
        )
        return transport

    def _watch(self, transport: paramiko.Transport) -> None:
        # paramiko's transport thread ends when the session does (EOF, error or close()).
        while transport.is_alive() and not self._stopping.is_set():
            transport.join(1.0)
        if self._stopping.is_set():
            return
        error = transport.get_exception()
        with self._cond:
            if self._transport is transport:
                self._transport = None
        transport.close()
        reason = f"{error}" if error else "the server closed the connection"
        log.info("SSH session to %s lost: %s; reconnecting", self.target.host, reason)
        self._set(UpstreamState.DOWN, f"SSH connection lost ({reason}); reconnecting")

    def _backoff(self, failures: int) -> None:
        start = time.monotonic()
        with self._cond:
            while not self._stopping.is_set():
                cap = WAITING_DELAY_S if self._waiters else MAX_DELAY_S
                delay = min(FIRST_DELAY_S * 2 ** (failures - 1), cap)
                remaining = start + delay - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    def _describe(self, exc: BaseException) -> str:
        where = f"{self.target.host}:{self.target.port}"
        if isinstance(exc, ConnectionRefusedError):
            return f"Cannot reach the SSH server {where}: connection refused"
        if isinstance(exc, TimeoutError):
            return f"Cannot reach the SSH server {where}: no answer in time"
        if isinstance(exc, OSError):
            return f"Cannot reach the SSH server {where}: {exc.strerror or exc}"
        return f"SSH with {where} failed: {exc or type(exc).__name__}"

    def _set(self, state: UpstreamState, error: str) -> None:
        with self._cond:
            if self.state is UpstreamState.STOPPED:
                return
            changed = (state, error) != (self.state, self.last_error)
            self.state, self.last_error = state, error
        if changed and self._on_state is not None:
            self._on_state(state, error)
