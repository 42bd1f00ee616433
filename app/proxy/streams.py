"""One small interface over the byte streams the pump moves data between.

A client is a socket (or, on Windows, a named pipe); an upstream is a socket or a paramiko
channel. They differ in how they half-close and in how another thread unblocks them.
"""

from __future__ import annotations

import select
import socket
import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # paramiko is loaded by the SSH upstream, not by a unix-only proxy
    from paramiko import Channel

    from app.proxy.channel_delivery import DirectPipe


class ByteStream(Protocol):
    def read(self, buf: memoryview) -> memoryview | bytes:
        """Block for data; an empty result means the peer finished sending (EOF)."""

    def write(self, data: memoryview | bytes) -> None:
        """Send everything, blocking while the peer is slow (that is the backpressure)."""

    def shutdown_write(self) -> None:
        """Tell the peer no more data comes, and keep reading."""

    def peer_gone(self) -> bool:
        """After EOF: whether the peer is entirely gone (not merely half-closed)."""

    def wait_gone(self) -> None:
        """After EOF: block until the peer is gone or abort() is called (see SocketStream)."""

    def abort(self) -> None:
        """Unblock every read and write at once, from any thread."""

    def close(self) -> None: ...


class SocketStream:
    """A connected stream socket (unix or TCP)."""

    def __init__(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        self.sock = sock
        self._aborted = threading.Event()

    def read(self, buf: memoryview) -> memoryview:
        return buf[: self.sock.recv_into(buf)]

    def write(self, data: memoryview | bytes) -> None:
        self.sock.sendall(data)

    def shutdown_write(self) -> None:
        self.sock.shutdown(socket.SHUT_WR)

    def peer_gone(self) -> bool:
        # After EOF on a unix socket, POLLHUP means the peer closed entirely (a mere
        # shutdown(SHUT_WR) shows only POLLRDHUP): Podman closes an attach that way after
        # the detach keys, and a client must see that end, not a half-close. TCP cannot
        # tell the two apart without writing.
        if self.sock.family != socket.AF_UNIX or not hasattr(select, "poll"):
            return False
        poller = select.poll()
        poller.register(self.sock.fileno(), 0)
        try:
            return any(event & (select.POLLHUP | select.POLLERR) for _, event in poller.poll(0))
        except OSError:
            return True

    def wait_gone(self) -> None:
        # A client killed while its upstream is silent (an idle events stream) would hold
        # the connection forever. On a unix socket the kernel reports POLLHUP once the peer
        # has closed entirely, but not after a mere shutdown(SHUT_WR), so wait for that.
        # TCP cannot tell the two apart: wait for abort(); the connection then ends when
        # the upstream finishes or next writes to the gone client.
        if self.sock.family != socket.AF_UNIX or not hasattr(select, "poll"):
            self._aborted.wait()
            return
        poller = select.poll()
        poller.register(self.sock.fileno(), 0)  # POLLHUP and POLLERR are always reported
        # The timeout only guards kernels that report no POLLHUP after our own shutdown.
        while not self._aborted.is_set():
            try:
                if poller.poll(500):
                    return
            except OSError:
                return

    def abort(self) -> None:
        self._aborted.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already disconnected

    def close(self) -> None:
        self.sock.close()


class ChannelStream:
    """A paramiko channel (one direct-streamlocal forward over the shared SSH session)."""

    def __init__(self, channel: Channel) -> None:
        from app.proxy.channel_delivery import DirectPipe

        self.channel = channel
        buffer = channel.in_buffer
        # Set when the channel was made by channel_delivery.direct_channel.
        self.pipe: DirectPipe | None = buffer if isinstance(buffer, DirectPipe) else None

    def read(self, buf: memoryview) -> bytes:
        return self.channel.recv(len(buf))

    def write(self, data: memoryview | bytes) -> None:
        self.channel.sendall(data)

    def shutdown_write(self) -> None:
        self.channel.shutdown_write()

    def peer_gone(self) -> bool:
        # Always, after the channel's EOF. An SSH channel carries a close and a half-close
        # alike as one EOF (sshd reads EOF from Podman's socket and cannot tell them apart;
        # docs/podman-notes.md), so the proxy takes the EOF as the end, as docker's own
        # ssh transport (dial-stdio) does. Podman never half-closes a connection it still
        # reads: it ends a response, an exec, a container's attach or a detach by closing
        # for good (Go's server, when it shuts writing down first, closes 0.5 s later).
        # Kept half-open instead, a detached attach would never end for the client.
        return True

    def wait_gone(self) -> None:
        """The pump notices a dead channel through the other direction's reads."""

    def abort(self) -> None:
        from paramiko import SSHException  # loaded already: there is a channel

        try:
            self.channel.close()
        except (EOFError, OSError, SSHException):
            pass  # the session died under the channel: it is closed either way

    def close(self) -> None:
        """Close for good; the client socket may be closed after this, not before."""
        if self.pipe is not None:
            self.pipe.detach()
        self.abort()
