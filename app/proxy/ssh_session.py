"""One SSH session to the server: TCP, key exchange, host key check, login.

The transport is tuned for throughput (GCM ciphers first, TCP_NODELAY), for latency (every
segment acknowledged at once on Linux: QuickAckSocket) and for noticing a dead server (SSH
keepalives, TCP keepalive and a TCP user timeout where the OS has them).
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import threading
import time

import paramiko

from app.proxy.host_keys import HostKeyPolicy, check_host_key, known_key_types
from app.proxy.ssh_auth import Credentials
from app.proxy.uris import SshTarget

PREFERRED_CIPHERS = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")
KEEPALIVE_S = 15
_IN_PROGRESS = {0, errno.EINPROGRESS, errno.EWOULDBLOCK, getattr(errno, "WSAEWOULDBLOCK", -1)}


class Cancelled(Exception):
    """The proxy stopped while the session was being set up."""


def open_session(
    target: SshTarget,
    policy: HostKeyPolicy,
    credentials: Credentials,
    *,
    timeout: float,
    cancel: threading.Event,
    track: list,
) -> paramiko.Transport:
    """A logged-in transport to ``target``. ``track`` receives the socket and transport as
    they are made, so another thread can close them to abort a slow attempt."""
    sock = _connect(target.host, target.port, timeout, cancel, track)
    transport = paramiko.Transport(QuickAckSocket(sock) if QUICKACK else sock)
    track.append(transport)
    try:
        _tune(transport, policy, target)
        transport.start_client(timeout=timeout)
        check_host_key(policy, target.host, target.port, transport.get_remote_server_key())
        credentials.login(transport, target.user)
        transport.set_keepalive(KEEPALIVE_S)
    except BaseException:
        transport.close()
        raise
    if cancel.is_set():
        transport.close()
        raise Cancelled
    return transport


def server_host_key(target: SshTarget, policy: HostKeyPolicy, *, timeout: float) -> paramiko.PKey:
    """The server's host key, asked for as ``open_session`` asks (the recorded key types
    first), with no login and nothing checked or recorded (blocking)."""
    sock = _connect(target.host, target.port, timeout, threading.Event(), [])
    transport = paramiko.Transport(sock)
    try:
        _tune(transport, policy, target)
        transport.start_client(timeout=timeout)
        return transport.get_remote_server_key()
    finally:
        transport.close()


def _connect(
    host: str, port: int, timeout: float, cancel: threading.Event, track: list
) -> socket.socket:
    """A non-blocking connect watched in short slices, so stop() need not wait it out."""
    last: OSError | None = None
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        track.append(sock)
        try:
            _connect_one(sock, address, timeout, cancel)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        except BaseException:
            sock.close()
            raise
        _socket_options(sock)
        return sock
    raise last or OSError(f"cannot resolve {host}")


def _connect_one(sock: socket.socket, address: tuple, timeout: float, cancel: threading.Event):
    sock.setblocking(False)
    err = sock.connect_ex(address)
    if err not in _IN_PROGRESS:
        raise OSError(err, os.strerror(err))
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(sock, selectors.EVENT_WRITE)
        while not sel.select(0.2):
            if cancel.is_set():
                raise Cancelled
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer in {timeout:g} s")
    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        raise OSError(err, os.strerror(err))
    sock.setblocking(True)


def _socket_options(sock: socket.socket) -> None:
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in (("TCP_KEEPIDLE", 15), ("TCP_KEEPINTVL", 5), ("TCP_KEEPCNT", 3)):
        if hasattr(socket, name):
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)
    if hasattr(socket, "TCP_USER_TIMEOUT"):
        # Unacknowledged data for 30 s means the server is gone, not slow.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 30_000)


QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class QuickAckSocket:
    """The session's socket, acknowledging what it reads at once (Linux's TCP_QUICKACK).

    sshd leaves Nagle's algorithm on for connections without a terminal, so a small reply
    (an HTTP header, a short JSON answer) that follows another unacknowledged segment waits
    for our ACK, which Linux delays up to 40 ms. Measured on an exec through the proxy: its
    101 header reached the client 41 ms after the request at the median instead of 11 ms,
    and often together with the command's output, which docker-py then loses (it reads
    the output from the raw socket, past the buffered reader that took the header). The
    option lasts only a few segments, so it is set again before every read (~1 µs).
    """

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def recv(self, size: int) -> bytes:
        try:
            self._sock.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
        except OSError:
            pass  # closed under us: recv() says so
        return self._sock.recv(size)

    def __getattr__(self, name: str) -> object:
        return getattr(self._sock, name)


def _tune(transport: paramiko.Transport, policy: HostKeyPolicy, target: SshTarget) -> None:
    options = transport.get_security_options()
    ciphers = list(options.ciphers)
    options.ciphers = [c for c in PREFERRED_CIPHERS if c in ciphers] + [
        c for c in ciphers if c not in PREFERRED_CIPHERS
    ]
    known = known_key_types(policy, target.host, target.port)
    if "ssh-rsa" in known:
        known += ["rsa-sha2-512", "rsa-sha2-256"]  # the same RSA key, newer signatures
    if known:
        # Ask for the key type we already trust, as OpenSSH does, so a server with several
        # host keys is not mistaken for a changed one.
        types = list(options.key_types)
        options.key_types = [t for t in types if t in known] + [t for t in types if t not in known]
