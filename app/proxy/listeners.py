"""Where clients reach the proxy: a unix socket, a loopback TCP port or (Windows) a named pipe.

A unix socket is created 0600 in a directory only its owner can enter (one the proxy
creates is 0700). A socket file left by a crashed process is replaced; one that something
still answers on is never touched. TCP is refused on anything but loopback: the Podman API
has no authentication.
"""

from __future__ import annotations

import errno
import logging
import os
import selectors
import socket
import stat
import sys
from typing import Protocol

from app.engine.endpoint import Endpoint
from app.proxy.streams import ByteStream, SocketStream
from app.proxy.uris import is_loopback, loopback_only_message

log = logging.getLogger("pdc.proxy")


class ListenerError(OSError):
    """The listener cannot be opened; the message says why, in the user's terms."""


class Listener(Protocol):
    uri: str

    def accept(self) -> ByteStream | None:
        """Block until a client connects; None once close() was called."""

    def close(self) -> None:
        """Stop accepting and remove the socket file; wakes a blocked accept()."""

    def release(self) -> None:
        """Free what is left (call after the accepting thread has ended)."""


def open_listener(endpoint: Endpoint) -> Listener:
    """Open the listener for ``endpoint`` (raises ListenerError)."""
    if endpoint.scheme == "unix":
        return _open_unix(endpoint.path)
    if endpoint.scheme == "tcp":
        return _open_tcp(endpoint.host, endpoint.port)
    if endpoint.scheme == "npipe":
        if sys.platform != "win32":
            raise ListenerError(f"{endpoint.uri}: named pipes exist only on Windows")
        from app.proxy.npipe_listener import PipeListener

        return PipeListener(endpoint.path)
    raise ListenerError(f"{endpoint.uri}: cannot listen there")


class SocketListener:
    """A listening socket plus a wake-up pair, so close() ends accept() at once."""

    def __init__(self, sock: socket.socket, uri: str, path: str | None = None) -> None:
        self.sock = sock
        self.uri = uri
        self._path = path
        self._identity = _identity(path) if path else None
        self._wake_r, self._wake_w = socket.socketpair()
        self._selector = selectors.DefaultSelector()
        self._selector.register(sock, selectors.EVENT_READ)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._closed = False
        self._released = False

    def accept(self) -> ByteStream | None:
        while not self._closed:
            ready = self._selector.select()
            if self._closed:
                break
            if not any(key.fileobj is self.sock for key, _ in ready):
                continue
            try:
                client, _ = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    # Out of descriptors: say so, and let the caller carry on (no busy loop
                    # would help; the next close frees one).
                    raise ListenerError(f"Cannot accept a client on {self.uri}: {exc}") from exc
                continue  # the client went away between connect and accept
            if client.family != socket.AF_UNIX:
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return SocketStream(client)
        return None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        if self._path and _identity(self._path) == self._identity:
            # Only our own file: another process may have replaced it since.
            try:
                os.unlink(self._path)
            except FileNotFoundError:
                pass

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        self.close()
        self._selector.close()
        for sock in (self.sock, self._wake_r, self._wake_w):
            sock.close()


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _open_unix(path: str) -> SocketListener:
    _prepare_directory(os.path.dirname(os.path.abspath(path)))
    _remove_if_stale(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
        # Between bind and listen nobody can connect, so the mode is set before anyone can.
        os.chmod(path, 0o600)
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ListenerError(f"{path}: another process took this path just now") from exc
        raise ListenerError(f"Cannot listen on {path}: {exc.strerror or exc}") from exc
    return SocketListener(sock, f"unix://{path}", path)


def _prepare_directory(directory: str) -> None:
    if not os.path.isdir(directory):
        try:
            os.makedirs(directory, mode=0o700)
            os.chmod(directory, 0o700)  # makedirs' mode is filtered by the umask
        except OSError as exc:
            raise ListenerError(f"Cannot create {directory}: {exc.strerror or exc}") from exc
        return
    mode = os.stat(directory).st_mode
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and not mode & stat.S_ISVTX:
        # Others could swap our socket for theirs and see the clients' requests.
        log.warning("%s is writable by others: a private directory is safer", directory)


def _remove_if_stale(path: str) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(st.st_mode):
        raise ListenerError(f"{path} exists and is not a socket: not replacing it")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except (ConnectionRefusedError, FileNotFoundError):
        log.info("Replacing the stale socket %s (nothing answers on it)", path)
        os.unlink(path)
        return
    except OSError as exc:
        # Permission denied, or a backlog so full it does not answer: someone owns it.
        raise ListenerError(
            f"{path} exists and cannot be checked ({exc}): not replacing it"
        ) from exc
    finally:
        probe.close()
    raise ListenerError(
        f"Something is already listening on {path}: not replacing it. "
        "Stop that process or choose another path."
    )


def _open_tcp(host: str, port: int) -> SocketListener:
    if not is_loopback(host):
        raise ListenerError(loopback_only_message(host))
    bind_host = "127.0.0.1" if host.lower() == "localhost" else host
    family = socket.AF_INET6 if ":" in bind_host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if sys.platform == "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((bind_host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ListenerError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if family == socket.AF_INET6 else bound_host
    return SocketListener(sock, f"tcp://{shown}:{bound_port}")
