"""The SSH session's socket asks Linux to acknowledge every segment it reads at once.

sshd keeps Nagle's algorithm on for connections without a terminal, so its small replies
wait for our ACK, which Linux otherwise delays up to 40 ms (the measurement, and what it
cost docker-py's exec tests, are in bench/README.md, "Small replies over SSH").
"""

from __future__ import annotations

import socket
import sys

import pytest

from app.proxy.ssh_session import QUICKACK, QuickAckSocket

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="TCP_QUICKACK is Linux's; waits for a Linux runner only"
)


@pytest.fixture
def pair():
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname())
        peer, _ = server.accept()
    yield client, peer
    client.close()
    peer.close()


def test_every_read_turns_quick_acks_on_again(pair):
    client, peer = pair
    wrapped = QuickAckSocket(client)
    for n in range(3):
        # The kernel leaves quick-ACK mode by itself after a few segments; stand in for that.
        client.setsockopt(socket.IPPROTO_TCP, QUICKACK, 0)
        peer.sendall(b"reply %d" % n)
        assert wrapped.recv(100) == b"reply %d" % n
        assert client.getsockopt(socket.IPPROTO_TCP, QUICKACK) == 1


def test_the_rest_is_the_socket_itself(pair):
    client, peer = pair
    wrapped = QuickAckSocket(client)
    wrapped.settimeout(0.5)  # paramiko's transport sets this, and sends and closes through it
    assert client.gettimeout() == 0.5
    wrapped.send(b"hello")
    assert peer.recv(10) == b"hello"
    assert wrapped.getpeername() == peer.getsockname()
    wrapped.close()
    assert client._closed  # what paramiko's transport looks at to know the socket is gone
