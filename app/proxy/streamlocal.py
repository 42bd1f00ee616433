"""Open an SSH ``direct-streamlocal@openssh.com`` channel: a stream to a remote unix socket.

paramiko has no API for this channel type (paramiko issue #544), so this is a copy of
``Transport.open_channel`` that adds the payload from OpenSSH's PROTOCOL, section 2.4:
string socket path, string reserved "", uint32 reserved 0. It touches paramiko's private
channel table, which is why pyproject.toml pins paramiko's major version.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from paramiko import Channel, Message, SSHException, Transport
from paramiko.common import cMSG_CHANNEL_OPEN

KIND = "direct-streamlocal@openssh.com"


def open_streamlocal(
    transport: Transport,
    socket_path: str,
    timeout: float = 10.0,
    window_size: int | None = None,
    max_packet_size: int | None = None,
    make_channel: Callable[[int], Channel] = Channel,
) -> Channel:
    """Open a channel to ``socket_path`` on the server; raise SSHException if refused.

    A refusal from the server (no such socket, forwarding disabled) raises
    ``paramiko.ChannelException`` (an SSHException) carrying the server's reason code.
    """
    pending = request_streamlocal(
        transport, socket_path, window_size, max_packet_size, make_channel
    )
    return pending.wait(timeout)


class PendingChannel:
    """A channel open that was sent and whose answer is not in yet."""

    def __init__(self, transport: Transport, chanid: int, channel: Channel) -> None:
        self.transport = transport
        self.chanid = chanid
        self.channel = channel
        self._event = transport.channel_events[chanid]

    def answered(self) -> bool:
        """Whether the server has answered the open (accepted or refused)."""
        return self._event.is_set()

    def wait(self, timeout: float) -> Channel:
        """The open channel; raises SSHException (ChannelException if the server refused)."""
        transport = self.transport
        deadline = time.monotonic() + timeout
        # paramiko signals the answer through the event; the transport dying does not set
        # it, hence the short waits.
        while not self._event.wait(0.1):
            if not transport.active:
                raise transport.get_exception() or SSHException("SSH session ended")
            if time.monotonic() > deadline:
                self.close()
                raise SSHException(f"The server did not answer the channel open in {timeout:g}s")
        opened = transport._channels.get(self.chanid)
        if opened is not None:
            return opened
        raise transport.get_exception() or SSHException("The server refused the channel")

    def close(self) -> None:
        """Give up on the channel (closing it if it opened meanwhile)."""
        with self.transport.lock:
            self.transport._channels.delete(self.chanid)
            self.transport.channel_events.pop(self.chanid, None)
        try:
            self.channel.close()
        except (EOFError, OSError, SSHException):
            pass


def request_streamlocal(
    transport: Transport,
    socket_path: str,
    window_size: int | None = None,
    max_packet_size: int | None = None,
    make_channel: Callable[[int], Channel] = Channel,
) -> PendingChannel:
    """Send the channel open and return at once; ``wait()`` on the result for the answer."""
    if not transport.active:
        raise SSHException("SSH session not active")
    with transport.lock:
        window_size = transport._sanitize_window_size(window_size)
        max_packet_size = transport._sanitize_packet_size(max_packet_size)
        chanid = transport._next_channel()
        m = Message()
        m.add_byte(cMSG_CHANNEL_OPEN)
        m.add_string(KIND)
        m.add_int(chanid)
        m.add_int(window_size)
        m.add_int(max_packet_size)
        m.add_string(socket_path)
        m.add_string("")  # reserved
        m.add_int(0)  # reserved
        chan = make_channel(chanid)
        transport._channels.put(chanid, chan)
        transport.channel_events[chanid] = threading.Event()
        transport.channels_seen[chanid] = True
        chan._set_transport(transport)
        chan._set_window(window_size, max_packet_size)
        pending = PendingChannel(transport, chanid, chan)
    transport._send_user_message(m)
    return pending
