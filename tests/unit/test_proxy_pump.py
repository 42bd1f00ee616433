"""The pump and the proxy's lifecycle, against a raw byte-streaming unix upstream."""

from __future__ import annotations

import json
import os
import queue
import socket
import threading
import time

import pytest

from app.proxy import ProxyConfig, ProxyState, ProxyThread, UpstreamState
from app.proxy.listeners import ListenerError
from tests.bed.byte_server import PATTERN, ByteServer


@pytest.fixture
def server(tmp_path):
    srv = ByteServer(tmp_path / "up.sock")
    yield srv
    srv.close()


@pytest.fixture
def start(tmp_path):
    started: list[ProxyThread] = []

    def run(upstream: str, **options) -> ProxyThread:
        proxy = ProxyThread(
            ProxyConfig(
                listen=f"unix://{tmp_path}/p{len(started)}.sock", upstream=upstream, **options
            )
        )
        proxy.start()
        started.append(proxy)
        return proxy

    yield run
    for proxy in started:
        proxy.stop()


def connect(proxy: ProxyThread, command: bytes) -> socket.socket:
    client = socket.socket(socket.AF_UNIX)
    client.settimeout(10)
    client.connect(proxy.endpoint.removeprefix("unix://"))
    client.sendall(command)
    return client


def read_all(client: socket.socket) -> bytes:
    data = bytearray()
    while chunk := client.recv(1 << 20):
        data += chunk
    return bytes(data)


def wait_until(predicate, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        tick.wait(0.02)


def test_a_large_stream_arrives_intact_and_is_counted(server, start):
    proxy = start(server.uri)
    size = 32 * 1024 * 1024 + 123
    with connect(proxy, f"send {size}\n".encode()) as client:
        data = read_all(client)
    assert len(data) == size
    assert data[: len(PATTERN)] == PATTERN and data[-123:] == PATTERN[:123]
    wait_until(lambda: proxy.status().active_clients == 0)
    assert proxy.status().bytes_to_clients == size


def test_half_close_client_still_receives_the_rest(server, start):
    proxy = start(server.uri)
    with connect(proxy, b"echo\nhello") as client:
        client.shutdown(socket.SHUT_WR)
        assert read_all(client) == b"helloEND 5\n"


def test_upload_then_half_close(server, start):
    proxy = start(server.uri)
    with connect(proxy, b"sink\n") as client:
        client.sendall(PATTERN * 32)
        client.shutdown(socket.SHUT_WR)
        assert read_all(client) == f"GOT {len(PATTERN) * 32}\n".encode()


def test_a_slow_reader_gets_backpressure_not_buffering(server, start):
    proxy = start(server.uri)
    with connect(proxy, b"send 268435456\n") as client:
        # The client reads nothing: the forwarded count must stall at what the kernel
        # buffers plus one chunk, far below the 256 MiB on offer.
        last = -1
        stable = 0
        tick = threading.Event()
        while stable < 10:
            now = proxy.status().bytes_to_clients
            stable = stable + 1 if now == last else 0
            last = now
            tick.wait(0.02)
        assert last < 16 * 1024 * 1024
        client.recv(1 << 20)  # reading again lets it flow
        wait_until(lambda: proxy.status().bytes_to_clients > last)


def proxy_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if not t.name.startswith("byte-server")}


def pool_settled(proxy: ProxyThread) -> bool:
    workers = proxy._proxy._workers  # white-box: the pool's threads must all be idle again
    return proxy.status().active_clients == 0 and workers.idle == workers.size


def test_client_killed_mid_stream_releases_thread_and_upstream(server, start):
    proxy = start(server.uri)
    with connect(proxy, b"echo\n") as warm:  # fills the worker pool
        warm.shutdown(socket.SHUT_WR)
        read_all(warm)
    wait_until(lambda: pool_settled(proxy))
    before = proxy_threads()
    client = connect(proxy, b"hold\n")
    assert client.recv(6) == b"READY\n"
    assert server.open_connections == 1
    client.close()  # the upstream is silent: only the close can end this connection
    wait_until(lambda: server.open_connections == 0 and pool_settled(proxy))
    assert proxy_threads() == before  # the same workers, back to idle; nothing left behind


def test_upstream_down_gives_502_with_the_reason_after_the_wait(start, tmp_path):
    proxy = start(f"unix://{tmp_path}/absent.sock", wait_timeout=0.5)
    assert proxy.status().upstream_state is UpstreamState.DOWN
    started = time.monotonic()
    with connect(proxy, b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n") as client:
        answer = read_all(client)
    assert time.monotonic() - started >= 0.5
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 502 Bad Gateway")
    assert "absent.sock" in json.loads(body)["message"]
    assert proxy.status().failed_clients == 1


def test_a_client_waiting_for_the_upstream_gets_it_when_it_comes_back(start, tmp_path):
    proxy = start(f"unix://{tmp_path}/late.sock", wait_timeout=10)
    answers: queue.Queue = queue.Queue()

    def client() -> None:
        with connect(proxy, b"echo\nlate") as sock:
            sock.shutdown(socket.SHUT_WR)
            answers.put(read_all(sock))

    thread = threading.Thread(target=client)
    thread.start()
    wait_until(lambda: proxy.status().active_clients == 1)
    late = ByteServer(tmp_path / "late.sock")
    try:
        assert answers.get(timeout=10) == b"lateEND 4\n"
        thread.join(5)
        assert proxy.status().upstream_state is UpstreamState.UP
    finally:
        late.close()


def test_stop_ends_clients_and_removes_the_socket_quickly(server, start, tmp_path):
    before = set(threading.enumerate())
    changes: queue.Queue = queue.Queue()
    proxy = ProxyThread(
        ProxyConfig(listen=f"unix://{tmp_path}/s.sock", upstream=server.uri), changes.put
    )
    proxy.start()
    clients = [connect(proxy, b"hold\n") for _ in range(4)]
    for client in clients:
        assert client.recv(6) == b"READY\n"
    started = time.monotonic()
    proxy.stop()
    assert time.monotonic() - started < 1.0
    assert not os.path.exists(tmp_path / "s.sock")
    for client in clients:
        assert client.recv(100) == b""  # EOF, not a hang
        client.close()
    for thread in set(threading.enumerate()) - before:
        if thread.name.startswith("byte-server"):
            continue
        thread.join(1)
        assert not thread.is_alive(), thread.name
    states = []
    while not changes.empty():
        states.append(changes.get_nowait().state)
    assert states[0] is ProxyState.LISTENING and states[-1] is ProxyState.STOPPED


def test_a_second_proxy_on_the_same_socket_is_refused(server, start, tmp_path):
    first = start(server.uri)
    second = ProxyThread(ProxyConfig(listen=first.endpoint, upstream=server.uri))
    with pytest.raises(ListenerError, match="already listening"):
        second.start()
    assert second.status().state is ProxyState.FAILED
    with connect(first, b"echo\n") as client:  # the first one still serves
        client.shutdown(socket.SHUT_WR)
        assert read_all(client) == b"END 0\n"


def test_tcp_loopback_listener_forwards(server, start):
    proxy = ProxyThread(ProxyConfig(listen="tcp://127.0.0.1:0", upstream=server.uri))
    proxy.start()
    try:
        host, port = proxy.endpoint.removeprefix("tcp://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as client:
            client.sendall(b"echo\nvia-tcp")
            client.shutdown(socket.SHUT_WR)
            assert read_all(client) == b"via-tcpEND 7\n"
    finally:
        proxy.stop()


def test_an_upstream_that_closes_entirely_closes_the_client(server, start):
    """Podman ends an attach after the detach keys by closing the connection entirely
    while the client still has its side open; over a unix upstream the client then sees
    the end (POLLHUP), as it would talking to Podman directly (issue: docker-py's
    AttachContainerTest::test_detach_*)."""
    import select

    proxy = start(server.uri)
    with connect(proxy, b"send 1000\n") as client:  # the server sends, then closes
        received = bytearray()
        while len(received) < 1000:
            received += client.recv(4096)
        poller = select.poll()
        poller.register(client.fileno(), 0)
        # The client never half-closed, yet its connection ends: POLLHUP within seconds.
        events = poller.poll(5000)
        assert events and events[0][1] & select.POLLHUP, events
        wait_until(lambda: proxy.status().active_clients == 0)


def test_a_half_closing_upstream_keeps_the_client_sending(server, start):
    """The contrary: an upstream that only half-closes still takes the client's bytes."""
    proxy = start(server.uri)
    with connect(proxy, b"sink\n") as client:
        client.sendall(b"x" * 1000)
        client.shutdown(socket.SHUT_WR)
        assert read_all(client) == b"GOT 1000\n"
