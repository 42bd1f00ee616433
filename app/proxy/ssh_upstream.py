"""Podman behind an SSH server: one shared session, one channel per client connection.

A supervisor thread keeps the session up: it connects at start, notices when the session
dies (its transport thread ends), and reconnects with backoff (100 ms doubling to 10 s;
at most 1 s while a client is waiting). Channels of a dead session close, so their clients
read EOF. A host key or login refusal is not retried until retry() (the user must act).

Channels are opened ahead: the upstream keeps a spare ``direct-streamlocal`` channel (more,
up to MAX_SPARES, while clients arrive faster than spares open) so that a new client is
joined to a channel that is already open instead of waiting a round trip for one. A taken
spare is replaced by the proxy-spares thread as soon as no new client has come for
REFILL_QUIET_S (not while the client that took it is being served). Spares are closed when
the session drops, on close(), and when no client has come for ``spare_idle`` seconds (an
open spare holds a connection to Podman's socket, which Podman may close when idle: see
docs/podman-notes.md). A spare the server has closed meanwhile is dropped, never handed out.
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
SPARES = 1  # channels kept open ahead while clients come
MAX_SPARES = 4  # under load: one more each time a client finds no spare ready
REFILL_QUIET_S = 0.005  # a replacement spare waits for this long without a new client
BURST_S = 1.0  # a client this soon after another, finding no spare, asks for one more
SPARE_IDLE_S = 3.0  # spares are closed when no client came for this long (see podman-notes)


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
        # Spares: channel opens sent ahead on self._transport, oldest first (under _cond).
        self.spare_target = SPARES  # 0 turns spares off
        self.spare_idle = SPARE_IDLE_S
        self.spares_taken = 0  # clients joined to a spare
        self.spares_discarded = 0  # spares found closed by the server, never handed out
        self._spares: list[PendingChannel] = []
        self._want = SPARES
        self._last_take = time.monotonic()
        self._refiller: threading.Thread | None = None
        self._wake_refiller = threading.Event()
        self._last_client = float("-inf")  # when a client last asked for a channel

    # -- the proxy's side ------------------------------------------------------------

    def start(self, on_state: StateCallback) -> None:
        self._on_state = on_state
        self._thread = threading.Thread(target=self._supervise, name="proxy-ssh", daemon=True)
        self._thread.start()
        self._refiller = threading.Thread(
            target=self._refill_loop, name="proxy-spares", daemon=True
        )
        self._refiller.start()

    def prepare(self) -> PendingChannel | None:
        """A channel for the next client: a spare if one is ready, else an open sent now.

        Called on the accepting thread, without waiting: a spare is already open; a new open
        is worked on by the server while a worker thread wakes up to take the client. None if
        the session is down.
        """
        transport = self._transport
        if transport is None or not transport.is_active() or not transport.clear_to_send.is_set():
            return None  # clear_to_send: during a key exchange the send would block
        spare = self._take_spare(transport)
        if spare is None:
            try:
                spare = self._request(transport)
            except (SSHException, OSError, EOFError):
                pass
        # Replaced on a thread of its own, off this client's path.
        self._wake_refiller.set()
        return spare

    def spare_ids(self) -> list[int]:
        """The channel ids of the spares held now (for tests and diagnostics)."""
        with self._cond:
            return [pending.chanid for pending in self._spares]

    def _request(self, transport: paramiko.Transport) -> PendingChannel:
        return request_streamlocal(
            transport, self.target.socket_path, WINDOW_SIZE, MAX_PACKET_SIZE, direct_channel
        )

    def _take_spare(self, transport: paramiko.Transport) -> PendingChannel | None:
        """The oldest spare still usable (answered open, or not answered yet), else None."""
        dead: list[PendingChannel] = []
        taken = None
        with self._cond:
            now = time.monotonic()
            # Load: this client came soon after another, and found no spare to take.
            busy = now - self._last_client < BURST_S
            self._last_take = self._last_client = now
            while self._spares:
                pending = self._spares.pop(0)
                if pending.transport is transport and _usable(pending):
                    taken = pending
                    break
                dead.append(pending)
            if taken is None and not dead and self.spare_target and busy:
                # A client found no spare: clients come faster than one spare covers.
                self._want = min(self._want + 1, MAX_SPARES)
            if taken is not None:
                self.spares_taken += 1
            self.spares_discarded += len(dead)
        for pending in dead:
            _close_spare(pending)
        return taken

    def _refill(self, transport: paramiko.Transport) -> None:
        """Send channel opens until ``_want`` spares are held (on a live session)."""
        while True:
            with self._cond:
                want = min(self._want, MAX_SPARES) if self.spare_target else 0
                if (
                    len(self._spares) >= want
                    or self._transport is not transport
                    or self._stopping.is_set()
                    or not transport.clear_to_send.is_set()  # key exchange: the next client
                ):  # wakes us again; sending now would block with the lock held
                    return
                # Sent under the lock so that close() and a session loss, which clear the
                # spares under it too, cannot miss one.
                self._spares.append(self._request(transport))

    def _refill_loop(self) -> None:
        """The proxy-spares thread: opens replacements once the proxy is quiet for a moment.

        Opening the replacement while the client that took the spare is being served puts
        the open's work (here, sshd's, Podman's) beside that client's request on the same
        CPUs, and measured slower than no spare at all on 2 vCPUs. So the replacement waits
        until no client has come for REFILL_QUIET_S; under back-to-back clients each opens
        its own channel, as without spares.
        """
        while True:
            self._wake_refiller.wait()
            self._wake_refiller.clear()
            # Sleep to the quiet moment (not woken by each client of a burst: a thread
            # wake-up per client would cost them all).
            while not self._stopping.is_set():
                with self._cond:
                    left = self._last_client + REFILL_QUIET_S - time.monotonic()
                if left <= 0:
                    break
                self._stopping.wait(left)
            if self._stopping.is_set():
                return
            transport = self._transport
            if transport is None or not transport.is_active():
                continue
            try:
                self._refill(transport)
            except (SSHException, OSError, EOFError):
                pass  # the session is dying: the supervisor notices

    def _drop_spares(self, gracefully: bool) -> None:
        with self._cond:
            spares, self._spares = self._spares, []
            self._want = self.spare_target
        for pending in spares:
            _close_spare(pending, gracefully)

    def _expire_spares(self) -> None:
        """On the supervisor's tick: close dead spares, and all of them when idle."""
        with self._cond:
            idle = time.monotonic() - self._last_take >= self.spare_idle
            if idle:
                expired, self._spares = self._spares, []
                self._want = self.spare_target
            else:
                expired = [p for p in self._spares if not _usable(p)]
                self._spares = [p for p in self._spares if p not in expired]
                self.spares_discarded += len(expired)
        for pending in expired:
            _close_spare(pending, gracefully=True)

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
                    pending = self._take_spare(transport) or self._request(transport)
                    self._wake_refiller.set()
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
        self._drop_spares(gracefully=False)  # the session's end closes them on the server
        if transport is not None:
            transport.close()
        deadline = time.monotonic() + 1.0
        self._wake_refiller.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        if self._refiller is not None:
            self._refiller.join(max(deadline - time.monotonic(), 0.05))
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
            with self._cond:
                self._last_take = time.monotonic()  # a new session counts as activity
            self._wake_refiller.set()
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
            transport.join(min(1.0, max(self.spare_idle / 4, 0.05)))
            self._expire_spares()
        if self._stopping.is_set():
            return
        error = transport.get_exception()
        with self._cond:
            if self._transport is transport:
                self._transport = None
        self._drop_spares(gracefully=False)
        transport.close()
        # paramiko ends a session the server dropped with a bare EOFError (no text).
        reason = str(error or "") or "the server closed the connection"
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


def _usable(pending: PendingChannel) -> bool:
    """Not refused, and not closed (nor half-closed) by the server since it opened."""
    if not pending.transport.is_active():
        return False
    if not pending.answered():
        return True  # still opening: open() waits for the answer
    channel = pending.transport._channels.get(pending.chanid)
    return (
        channel is not None
        and channel.active
        and not channel.closed
        and not channel.eof_received
        and not channel.recv_ready()  # Podman never speaks first: bytes here mean trouble
    )


def _close_spare(pending: PendingChannel, gracefully: bool = True) -> None:
    """Close a spare; on a live session an open one is closed through the SSH close
    exchange (so it leaves the transport's table when the server confirms)."""
    if gracefully and pending.transport.is_active():
        if not pending.answered():
            try:
                pending.wait(5.0)  # closing an open still in flight would leak it server-side
            except (SSHException, OSError, EOFError):
                return  # refused, or the session ended: nothing is left open
        channel = pending.transport._channels.get(pending.chanid)
        if channel is not None:
            try:
                channel.close()
            except (SSHException, OSError, EOFError):
                pass
        return
    pending.close()
