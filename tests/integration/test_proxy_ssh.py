"""The proxy with an ssh:// upstream: real OpenSSH server, real Podman service behind it."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import threading
import time

import pytest

from app.engine import http_api
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost
from app.proxy import ProxyConfig, ProxyThread, UpstreamState
from tests.bed.byte_server import ByteServer
from tests.bed.podman import TEST_IMAGE

LIBPOD = http_api.LIBPOD_PREFIX


@pytest.fixture
def ssh_proxy(podman, sshd, tmp_path):
    """Start proxies to the test Podman through the test sshd; all stopped afterwards."""
    started: list[ProxyThread] = []
    changes: queue.Queue = queue.Queue()

    def start(remote: str | None = None, **options) -> ProxyThread:
        config = ProxyConfig(
            listen=f"unix://{tmp_path}/run/proxy{len(started)}.sock",
            upstream=sshd.uri(remote or podman.socket_path),
            identity=str(sshd.client_key),
            known_hosts=str(tmp_path / "known_hosts"),
            **({"accept_new_host_key": True} | options),
        )
        proxy = ProxyThread(config, changes.put)
        proxy.start()
        started.append(proxy)
        return proxy

    start.changes = changes
    yield start
    for proxy in started:
        proxy.stop()


def wait_until(predicate, timeout: float = 10) -> None:
    """Poll for state that offers no event of its own (paramiko's channel table)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        tick.wait(0.02)


def wait_for_upstream(proxy: ProxyThread, state: UpstreamState, timeout: float = 10) -> None:
    wait_until(lambda: proxy.status().upstream_state is state, timeout)


def kill_sshd_and_sessions(sshd) -> None:
    """Stop sshd; SshServer.stop also kills its live sessions, as a machine going away does."""
    sshd.stop()


def endpoint(proxy: ProxyThread) -> Endpoint:
    return Endpoint.parse(proxy.endpoint)


def test_ping_info_and_docker_api_through_ssh(ssh_proxy, podman, tmp_path):
    proxy = ssh_proxy()
    assert http_api.request(endpoint(proxy), "GET", "/_ping") == "OK"
    info = http_api.request(endpoint(proxy), "GET", f"{LIBPOD}/info")
    assert info["store"]["graphRoot"].startswith(str(podman.base))
    version = http_api.request(endpoint(proxy), "GET", "/version")  # Docker-compatible
    assert version["ApiVersion"]
    recorded = (tmp_path / "known_hosts").read_text()
    assert recorded.startswith(f"[127.0.0.1]:{proxy.config.upstream.split(':')[2].split('/')[0]} ")
    status = proxy.status()
    assert status.upstream_state is UpstreamState.UP
    assert status.total_clients == 3 and status.bytes_to_clients > 0


def test_events_stream_carries_an_event_that_happens_while_streaming(ssh_proxy, podman):
    proxy = ssh_proxy()
    stream = http_api.open_stream(endpoint(proxy), f"{LIBPOD}/events", params={"stream": True})
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in stream.lines()])
    reader.start()
    try:
        podman.cli("create", "--name", "through-proxy", TEST_IMAGE)
        deadline = time.monotonic() + 20
        while True:
            event = json.loads(lines.get(timeout=max(deadline - time.monotonic(), 0.1)))
            if event.get("Actor", {}).get("Attributes", {}).get("name") == "through-proxy":
                break
    finally:
        stream.close()
        reader.join(5)


def test_podman_remote_and_docker_cli_work_through_the_proxy(ssh_proxy, podman):
    proxy = ssh_proxy()
    env = {**podman.env, "CONTAINER_HOST": proxy.endpoint}
    remote = ["podman", "--remote", "--url", proxy.endpoint]
    # `run` without -d attaches over a hijacked connection: the pump must pass it untouched.
    run = subprocess.run(
        [*remote, "run", "--rm", "--name", "echoer", TEST_IMAGE, "echo", "hello-proxy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "hello-proxy"
    podman.cli("run", "-d", "--name", "listed", TEST_IMAGE, "sleep", "60")
    ps = subprocess.run(
        [*remote, "ps", "--format", "{{.Names}}"], env=env, capture_output=True, text=True
    )
    assert ps.returncode == 0, ps.stderr
    assert ps.stdout.split() == ["listed"]
    docker = subprocess.run(
        ["docker", "version", "--format", "{{.Server.APIVersion}}"],
        env={**os.environ, "DOCKER_HOST": proxy.endpoint},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert docker.returncode == 0, docker.stderr
    assert docker.stdout.strip()


def test_half_close_passes_through_the_ssh_channel(ssh_proxy, tmp_path):
    server = ByteServer(tmp_path / "bytes.sock")
    try:
        proxy = ssh_proxy(remote=server.path)
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(endpoint(proxy).path)
            client.sendall(b"echo\n" + b"x" * 100_000)
            client.shutdown(socket.SHUT_WR)  # the server only answers the END line after EOF
            client.settimeout(10)
            received = bytearray()
            while chunk := client.recv(65536):
                received += chunk
        assert received == b"x" * 100_000 + b"END 100000\n"
    finally:
        server.close()


def test_a_detached_attach_ends_for_the_client_over_ssh(ssh_proxy, podman):
    """After the detach keys Podman closes an attach entirely, yet an SSH channel brings
    only an EOF: the proxy takes it as the end, so the client sees its connection close
    (POLLHUP, and a write fails) as it does talking to Podman directly, not a half-close
    that never ends (docker-py's AttachContainerTest::test_detach_*; through OpenSSH's
    ``ssh -L`` the client sees only the half-close)."""
    import select

    name = "detach-over-ssh"
    podman.cli("create", "-it", "--name", name, TEST_IMAGE, "sh")
    podman.cli("start", name)
    proxy = ssh_proxy()
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(endpoint(proxy).path)
        client.settimeout(10)
        client.sendall(
            f"POST /containers/{name}/attach?stream=1&stdin=1&stdout=1&stderr=1"
            "&detachKeys=ctrl-x HTTP/1.1\r\n"
            "Host: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            assert chunk, head
            head += chunk
        assert head.split(b" ", 2)[1] == b"101", head
        # One key: Podman 4.3 misses a two-key sequence (ctrl-p ctrl-q) in a single read.
        client.sendall(b"\x18")
        poller = select.poll()
        poller.register(client.fileno(), select.POLLRDHUP)
        deadline = time.monotonic() + 10
        while not (flags := dict(poller.poll(100)).get(client.fileno(), 0)) & select.POLLHUP:
            assert time.monotonic() < deadline, f"no full close after detaching: {flags:#x}"
            if flags & select.POLLIN:
                client.recv(4096)  # whatever the terminal echoed before the end
        with pytest.raises(OSError):  # the end is the whole connection's, not a half-close
            client.sendall(b"still there?\n")
    running = podman.cli("inspect", "--format", "{{.State.Running}}", name)
    assert running == "true"  # detached, not stopped
    wait_until(lambda: proxy.status().active_clients == 0)


def test_64_concurrent_clients_share_one_ssh_session(ssh_proxy):
    proxy = ssh_proxy()
    results: queue.Queue = queue.Queue()

    def ping() -> None:
        try:
            results.put(http_api.request(endpoint(proxy), "GET", "/_ping", timeout=30))
        except Exception as exc:  # noqa: BLE001 - reported below
            results.put(exc)

    threads = [threading.Thread(target=ping) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    answers = [results.get_nowait() for _ in range(64)]
    assert answers == ["OK"] * 64
    assert proxy.status().reconnects == 0


def test_sshd_restart_ends_streams_then_502_then_recovers(ssh_proxy, sshd, podman):
    proxy = ssh_proxy(wait_timeout=2.0)
    stream = http_api.open_stream(endpoint(proxy), f"{LIBPOD}/events", params={"stream": True})
    ended: queue.Queue = queue.Queue()

    def read() -> None:
        try:
            for _ in stream.lines():
                pass
            ended.put("eof")
        except ConnectionLost as exc:
            ended.put(f"lost: {exc}")

    reader = threading.Thread(target=read)
    reader.start()
    try:
        kill_sshd_and_sessions(sshd)
        assert ended.get(timeout=10) == "eof"  # the stream ended cleanly, it did not hang
        wait_for_upstream(proxy, UpstreamState.DOWN)
        started = time.monotonic()
        with pytest.raises(ApiError) as refused:
            http_api.request(endpoint(proxy), "GET", "/_ping")
        assert 1.5 < time.monotonic() - started < 8
        assert refused.value.status == 502
        assert "Cannot reach the SSH server" in refused.value.message
        sshd.start()
        assert http_api.request(endpoint(proxy), "GET", "/_ping") == "OK"
        assert proxy.status().reconnects >= 1
    finally:
        stream.close()
        reader.join(5)


def test_client_killed_mid_stream_leaves_no_thread_or_channel(ssh_proxy, tmp_path):
    server = ByteServer(tmp_path / "bytes.sock")
    try:
        proxy = ssh_proxy(remote=server.path)
        workers = proxy._proxy._workers  # white-box: every worker must be idle again

        def settled() -> bool:
            return proxy.status().active_clients == 0 and workers.idle == workers.size

        with socket.socket(socket.AF_UNIX) as warm:  # fills the worker pool
            warm.connect(endpoint(proxy).path)
            warm.sendall(b"send 10\n")
            warm.settimeout(10)
            while warm.recv(100):
                pass
        wait_until(settled)
        before = {t for t in threading.enumerate() if not t.name.startswith("byte-server")}
        client = socket.socket(socket.AF_UNIX)
        client.connect(endpoint(proxy).path)
        client.sendall(b"hold\n")
        client.settimeout(10)
        assert client.recv(6) == b"READY\n"
        upstream = proxy._proxy.upstream
        transport = upstream._transport
        wait_until(lambda: len(upstream.spare_ids()) == 1)  # the one spare, replaced
        assert len(transport._channels) == 2
        client.close()  # the upstream stays silent: only the close itself can end it
        wait_until(lambda: settled() and len(transport._channels) == 1)
        wait_until(lambda: server.open_connections == 1)  # the spare's
        after = {t for t in threading.enumerate() if not t.name.startswith("byte-server")}
        assert after == before
    finally:
        server.close()


def test_stop_removes_the_socket_within_a_second_and_leaves_no_threads(ssh_proxy, podman):
    before = set(threading.enumerate())
    proxy = ssh_proxy()
    held = socket.socket(socket.AF_UNIX)
    held.connect(endpoint(proxy).path)
    held.sendall(b"GET /v4.0.0/libpod/events HTTP/1.1\r\nHost: d\r\n\r\n")
    held.settimeout(10)
    assert held.recv(12).startswith(b"HTTP/1.1 200")
    path = endpoint(proxy).path
    started = time.monotonic()
    proxy.stop()
    assert time.monotonic() - started < 1.0
    assert not os.path.exists(path)
    while held.recv(65536):  # what was sent, then EOF; a hang would raise the timeout
        pass
    held.close()
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in leftover:
        thread.join(1.0)
    assert [t.name for t in leftover if t.is_alive()] == []


def test_a_slow_reader_is_held_back_by_the_ssh_window(ssh_proxy, tmp_path):
    server = ByteServer(tmp_path / "bytes.sock")
    try:
        proxy = ssh_proxy(remote=server.path)
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(endpoint(proxy).path)
            client.settimeout(10)
            client.sendall(b"send 268435456\n")
            # The client reads nothing: what crosses stalls at the socket buffers plus one
            # SSH window (4 MiB), far below the 256 MiB on offer.
            seen = []
            tick = threading.Event()
            while len(seen) < 10 or len(set(seen[-10:])) > 1:
                seen.append(proxy.status().bytes_to_clients)
                tick.wait(0.02)
            assert seen[-1] < 16 * 1024 * 1024
            # Reading again lets it flow (one recv may free less than a pump chunk).
            wait_until(lambda: client.recv(1 << 20) and proxy.status().bytes_to_clients > seen[-1])
    finally:
        server.close()


def test_missing_remote_socket_waits_then_502_with_the_servers_reason(ssh_proxy, tmp_path):
    proxy = ssh_proxy(remote=str(tmp_path / "not-yet.sock"), wait_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(ApiError) as refused:
        http_api.request(endpoint(proxy), "GET", "/_ping")
    assert time.monotonic() - started >= 1.0
    assert refused.value.status == 502
    assert "could not connect to" in refused.value.message
    # Podman appearing behind the SSH server while a client waits: the client gets it.
    answers: queue.Queue = queue.Queue()

    def ask() -> None:
        proxy.config.wait_timeout = 10.0
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(endpoint(proxy).path)
            client.sendall(b"echo\nlate")
            client.shutdown(socket.SHUT_WR)
            client.settimeout(15)
            data = b""
            while chunk := client.recv(100):
                data += chunk
            answers.put(data)

    thread = threading.Thread(target=ask)
    thread.start()
    wait_until(lambda: proxy.status().active_clients == 1)
    server = ByteServer(tmp_path / "not-yet.sock")
    try:
        assert answers.get(timeout=15) == b"lateEND 4\n"
        thread.join(5)
    finally:
        server.close()


def spare_ready(upstream) -> bool:
    """One spare, open on the server (its answer in)."""
    with upstream._cond:
        spares = list(upstream._spares)
    return len(spares) == 1 and spares[0].answered()


def channel_ids(transport) -> set[int]:
    return {channel.chanid for channel in transport._channels.values()}


@pytest.fixture
def spared(ssh_proxy, tmp_path):
    """A proxy over SSH to a byte server, its first spare channel open: (server, proxy,
    its SSH upstream)."""
    server = ByteServer(tmp_path / "bytes.sock")
    try:
        proxy = ssh_proxy(remote=server.path)
        upstream = proxy._proxy.upstream
        wait_until(lambda: upstream._transport is not None and spare_ready(upstream))
        yield server, proxy, upstream
    finally:
        server.close()


def test_a_spare_channel_serves_the_next_client_and_is_replaced(spared):
    server, proxy, upstream = spared
    transport = upstream._transport
    [spare] = upstream.spare_ids()
    wait_until(lambda: server.open_connections == 1)  # sshd connected the spare already
    assert channel_ids(transport) == {spare}
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(endpoint(proxy).path)
        client.sendall(b"hold\n")
        client.settimeout(10)
        assert client.recv(6) == b"READY\n"
        wait_until(lambda: spare_ready(upstream) and server.open_connections == 2)
        # The client is on the old spare; a new spare took its place, and nothing else
        # was opened (two connections to the server, not three).
        [replacement] = upstream.spare_ids()
        assert replacement != spare
        assert channel_ids(transport) == {spare, replacement}
        assert upstream.spares_taken == 1 and upstream.spares_discarded == 0
    wait_until(lambda: channel_ids(transport) == {replacement})
    assert server.open_connections == 1
    # Stopping the proxy closes the spare: the server's end goes away too.
    proxy.stop()
    wait_until(lambda: server.open_connections == 0)
    assert not transport.is_active() and upstream.spare_ids() == []


def test_spares_close_when_the_session_idles_and_open_again_for_a_client(spared):
    server, proxy, upstream = spared
    transport = upstream._transport
    upstream.spare_idle = 0.3
    # Closed through the SSH close exchange: gone from the transport's table and the
    # server's connection count, on a session that stays up.
    wait_until(lambda: len(transport._channels) == 0 and server.open_connections == 0)
    assert upstream.spare_ids() == [] and transport.is_active()
    upstream.spare_idle = 60.0
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(endpoint(proxy).path)
        client.sendall(b"send 5\n")
        client.settimeout(10)
        data = b""
        while chunk := client.recv(100):
            data += chunk
    assert len(data) == 5
    wait_until(lambda: spare_ready(upstream) and len(transport._channels) == 1)
    assert upstream.spares_taken == 0  # the spare had gone with the idle: its own open


def test_spares_close_when_the_session_drops_and_reopen_on_the_next(spared, sshd):
    server, proxy, upstream = spared
    first = upstream._transport
    wait_until(lambda: server.open_connections == 1)
    kill_sshd_and_sessions(sshd)
    wait_for_upstream(proxy, UpstreamState.DOWN)
    wait_until(lambda: upstream.spare_ids() == [] and server.open_connections == 0)
    assert len(first._channels) == 0
    sshd.start()
    wait_for_upstream(proxy, UpstreamState.UP)
    wait_until(lambda: spare_ready(upstream) and server.open_connections == 1)
    assert upstream._transport is not first
    assert len(upstream._transport._channels) == 1


def test_a_spare_the_server_closed_is_not_handed_out(spared):
    server, proxy, upstream = spared
    transport = upstream._transport
    [spare] = upstream.spare_ids()
    wait_until(lambda: server.open_connections == 1)
    server.drop_connections()  # as Podman closing an idle connection
    wait_until(
        lambda: (
            transport._channels.get(spare) is None or (transport._channels.get(spare).eof_received)
        )
    )
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(endpoint(proxy).path)
        client.sendall(b"echo\nxyz")
        client.shutdown(socket.SHUT_WR)
        client.settimeout(10)
        data = b""
        while chunk := client.recv(100):
            data += chunk
    assert data == b"xyzEND 3\n"
    assert upstream.spares_taken == 0 and upstream.spares_discarded == 1
    wait_until(lambda: spare_ready(upstream) and server.open_connections == 1)
    assert spare not in channel_ids(transport)
