"""Hand channel data to the client straight from paramiko's transport thread.

Normally paramiko queues incoming data in the channel's buffer and a reader thread takes it
out: one more thread wake-up per reply, and on a 2-CPU machine that hop measured about as
costly as the rest of the path. ``DirectPipe`` replaces the channel's buffer: when nothing is
queued and no pump thread is writing, it sends the data to the client socket without
blocking (MSG_DONTWAIT); whatever the socket does not take at once is queued as usual, so a
slow client still gets backpressure through the SSH window. Order is kept by one rule:
bytes go to the client only while holding ``write_lock``, and never around queued bytes.

This leans on paramiko internals (Channel.in_buffer, _check_add_window, clear_to_send),
which is why pyproject.toml pins paramiko's major version.
"""

from __future__ import annotations

import socket
import threading

from paramiko import Channel, Message
from paramiko.buffered_pipe import BufferedPipe
from paramiko.common import cMSG_CHANNEL_WINDOW_ADJUST


class DirectPipe(BufferedPipe):
    """A channel input buffer that can deliver to ``sink`` on the feeding thread."""

    def __init__(self) -> None:
        super().__init__()
        self.channel: Channel | None = None
        self.sink: socket.socket | None = None
        self.write_lock = threading.Lock()
        self.delivered = 0  # bytes sent on paramiko's thread

    def feed(self, data: bytes) -> None:
        sink = self.sink
        if sink is not None and self.channel is not None and self.write_lock.acquire(False):
            try:
                if not self._buffer and not self._closed and self.sink is sink:
                    data = self._deliver(sink, data)
            finally:
                self.write_lock.release()
        if data:
            super().feed(data)

    def _deliver(self, sink: socket.socket, data: bytes) -> bytes:
        transport = self.channel.get_transport()
        # During a key exchange only the exchange may be sent, and the window update below
        # would have to wait for it, on the very thread that carries it out: queue instead.
        if not transport.clear_to_send.is_set():
            return data
        try:
            sent = sink.send(data, socket.MSG_DONTWAIT)
        except OSError:
            return data  # full, or the client is gone: the pump thread finds out
        self.delivered += sent
        ack = self.channel._check_add_window(sent)
        if ack > 0:
            m = Message()
            m.add_byte(cMSG_CHANNEL_WINDOW_ADJUST)
            m.add_int(self.channel.remote_chanid)
            m.add_int(ack)
            transport._send_user_message(m)
        return data[sent:]

    def wait_readable(self) -> None:
        """Block until data is queued or the channel has closed (EOF)."""
        with self._cv:
            while not self._buffer and not self._closed:
                self._cv.wait()

    def detach(self) -> None:
        """Stop delivering (before the client socket is closed)."""
        with self.write_lock:
            self.sink = None


def direct_channel(chanid: int) -> Channel:
    """A paramiko Channel whose input buffer is a DirectPipe."""
    channel = Channel(chanid)
    pipe = DirectPipe()
    pipe.channel = channel
    channel.in_buffer = pipe
    return channel
