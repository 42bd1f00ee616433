"""Faults during proxied work (issue 17, item 6): sshd killed under a real ``docker logs
-f`` and under a real ``docker run``, and a client killed while an image save streams to
it. The client hears of it at once, the proxy says its upstream is down and comes back by
itself, and no client, worker thread, descriptor or SSH channel is left behind (counted
before and after).
"""

from __future__ import annotations

import io
import logging
import os
import socket
import struct
import subprocess
import tarfile
import threading
import time

import pytest

from app.engine import http_api
from app.proxy import UpstreamState
from tests.bed.podman import TEST_IMAGE
from tests.conftest import linux_only
from tests.integration.test_proxy_ssh import (
    endpoint,
    kill_sshd_and_sessions,
    ssh_proxy,  # noqa: F401 - the fixture
    wait_for_upstream,
    wait_until,
)

pytestmark = linux_only

TICKER = "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done"
BIG_IMAGE = "localhost/faults-big:test"
BIG_MB = 24  # well beyond the SSH window (4 MiB): the save cannot be buffered whole


def client_channels(upstream) -> int:
    """SSH channels open for clients: the transport's table less the spares held ahead."""
    transport = upstream._transport  # white-box: paramiko has no public channel count
    if transport is None:
        return 0
    return len(transport._channels) - len(upstream.spare_ids())


def settled(proxy) -> bool:
    workers = proxy._proxy._workers
    return proxy.status().active_clients == 0 and workers.idle == workers.size


def open_fds() -> int:
    """This process's open descriptors (the proxy runs in it, as a thread)."""
    return len(os.listdir("/proc/self/fd"))


def warm_up(proxy) -> int:
    """One request, so the worker pool and the session exist; returns the thread count."""
    assert http_api.request(endpoint(proxy), "GET", "/_ping") == "OK"
    wait_until(lambda: settled(proxy))
    return threading.active_count()


@pytest.fixture
def big_image(podman, tmp_path):
    """An image whose save is 24 MB of incompressible bytes; removed afterwards (the
    session store's image list is shared with other tests)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = os.urandom(BIG_MB * 1024 * 1024)
        info = tarfile.TarInfo("big.bin")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "big.tar"
    archive.write_bytes(buf.getvalue())
    podman.cli("import", str(archive), BIG_IMAGE)
    yield BIG_IMAGE
    podman.cli("rmi", "-f", BIG_IMAGE, check=False)


def _start_save(proxy, image: str) -> socket.socket:
    client = socket.socket(socket.AF_UNIX)
    client.connect(endpoint(proxy).path)
    client.sendall(f"GET /v1.41/images/{image}/get HTTP/1.1\r\nHost: d\r\n\r\n".encode())
    client.settimeout(10)
    head = client.recv(65536)
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    return client


@pytest.mark.timeout(60)
def test_sshd_killed_under_docker_logs_follow_then_back(ssh_proxy, sshd, podman):  # noqa: F811
    """`docker logs -f` through the proxy exits within seconds of sshd dying (it does not
    hang on a dead channel); the proxy reports the upstream down, reconnects when sshd
    is back, and ends with the clients, threads and channels of before."""
    proxy = ssh_proxy(wait_timeout=2.0)
    upstream = proxy._proxy.upstream
    threads_before = warm_up(proxy)
    podman.cli("run", "-d", "--name", "ticker", TEST_IMAGE, "sh", "-c", TICKER)
    follow = subprocess.Popen(
        ["docker", "logs", "-f", "ticker"],
        env={**os.environ, "DOCKER_HOST": proxy.endpoint},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(3):
            assert follow.stdout.readline().startswith("tick")
        assert proxy.status().active_clients == 1 and client_channels(upstream) == 1
        first = upstream._transport

        kill_sshd_and_sessions(sshd)
        killed = time.monotonic()
        follow.stdout.read()  # the rest, up to the end the client was given
        follow.wait(10)
        assert time.monotonic() - killed < 5, "the client was not told promptly"
        wait_for_upstream(proxy, UpstreamState.DOWN)
        wait_until(lambda: proxy.status().active_clients == 0)
        assert len(first._channels) == 0  # the dead session's channels are all closed
    finally:
        follow.kill()
        follow.wait(10)
        follow.stdout.close()
        follow.stderr.close()

    sshd.start()
    wait_for_upstream(proxy, UpstreamState.UP, timeout=15)
    assert proxy.status().reconnects >= 1
    again = subprocess.run(
        ["docker", "logs", "--tail", "1", "ticker"],
        env={**os.environ, "DOCKER_HOST": proxy.endpoint},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("tick")
    wait_until(lambda: settled(proxy) and client_channels(upstream) == 0)
    assert upstream._transport is not first
    wait_until(lambda: threading.active_count() == threads_before)


@pytest.mark.timeout(60)
def test_sshd_killed_during_docker_run_then_back(ssh_proxy, sshd, podman, caplog):  # noqa: F811
    """A real `docker run` (attach, start and wait, each its own proxied connection) of a
    container that would run 5 s: with sshd killed after its first line the CLI ends
    within seconds, short of the rest; the proxy logs and reports the lost session; no
    client, thread, descriptor or SSH channel is left; after sshd is back it serves again."""
    proxy = ssh_proxy(wait_timeout=2.0)
    upstream = proxy._proxy.upstream
    workers = proxy._proxy._workers
    # docker run's connections each take a pool worker, which stays idle for 30 s: count
    # the threads beside the pool.
    others_before = warm_up(proxy) - workers.size
    fds_before = open_fds()
    env = {**os.environ, "DOCKER_HOST": proxy.endpoint}
    script = "echo started; sleep 5; echo finished"
    run = subprocess.Popen(
        ["docker", "run", "--name", "faults-run", TEST_IMAGE, "sh", "-c", script],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stdout.readline() == "started\n"
        assert client_channels(upstream) >= 2  # the attach and the wait, at least
        first = upstream._transport
        with caplog.at_level(logging.INFO, logger="pdc.proxy"):
            kill_sshd_and_sessions(sshd)
            killed = time.monotonic()
            rest = run.stdout.read()
            run.wait(10)
            assert time.monotonic() - killed < 5, "the client was not told promptly"
            wait_for_upstream(proxy, UpstreamState.DOWN)
        assert "finished" not in rest
        # The attach ends short; the wait's connection is cut: docker exits 125 with
        # "error waiting for container: unexpected EOF".
        assert run.returncode != 0 and run.stderr.read().strip()
        lost = [
            r.getMessage()
            for r in caplog.records
            if "SSH session to 127.0.0.1 lost" in r.getMessage()
        ]
        assert lost and not lost[0].startswith("SSH session to 127.0.0.1 lost: ;"), lost
        reported = []
        while not ssh_proxy.changes.empty():
            reported.append(ssh_proxy.changes.get())
        assert any(
            s.upstream_state is UpstreamState.DOWN
            and s.last_error.startswith("SSH connection lost")
            for s in reported
        ), [s.last_error for s in reported]
        wait_until(lambda: proxy.status().active_clients == 0)
        assert len(first._channels) == 0
    finally:
        run.kill()
        run.wait(10)
        run.stdout.close()
        run.stderr.close()

    sshd.start()
    wait_for_upstream(proxy, UpstreamState.UP, timeout=15)
    again = subprocess.run(
        ["docker", "logs", "faults-run"], env=env, capture_output=True, text=True, timeout=30
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("started")
    wait_until(lambda: settled(proxy) and client_channels(upstream) == 0)
    assert upstream._transport is not first and proxy.status().reconnects >= 1
    wait_until(lambda: threading.active_count() - workers.size == others_before)
    wait_until(lambda: open_fds() == fds_before)


@pytest.mark.timeout(60)
def test_sshd_killed_during_an_image_save(ssh_proxy, sshd, big_image):  # noqa: F811
    """The save ends (EOF) short of its length, at once, rather than hanging."""
    proxy = ssh_proxy(wait_timeout=2.0)
    warm_up(proxy)
    client = _start_save(proxy, big_image)
    try:
        kill_sshd_and_sessions(sshd)
        killed, received = time.monotonic(), 0
        try:
            while chunk := client.recv(1 << 20):
                received += len(chunk)
        except OSError:
            pass  # a reset is as good an answer as an EOF
        assert time.monotonic() - killed < 5
        assert received < BIG_MB * 1024 * 1024  # cut short: the client can tell
    finally:
        client.close()
    wait_for_upstream(proxy, UpstreamState.DOWN)
    wait_until(lambda: settled(proxy))
    sshd.start()
    wait_for_upstream(proxy, UpstreamState.UP, timeout=15)
    assert http_api.request(endpoint(proxy), "GET", "/_ping") == "OK"


@pytest.mark.timeout(60)
def test_client_killed_mid_image_save_closes_its_channel(ssh_proxy, big_image):  # noqa: F811
    """A client reset while 24 MB stream to it: the proxy's client count returns to 0,
    its SSH channel is closed (Podman's end too: the next save works), threads as before."""
    proxy = ssh_proxy()
    upstream = proxy._proxy.upstream
    threads_before = warm_up(proxy)
    client = _start_save(proxy, big_image)
    client.recv(65536)
    assert proxy.status().active_clients == 1 and client_channels(upstream) == 1
    # SO_LINGER 0: close() sends a reset, as a killed process's socket does with data unread.
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()
    wait_until(lambda: settled(proxy) and client_channels(upstream) == 0)
    assert proxy.status().bytes_to_clients < BIG_MB * 1024 * 1024
    wait_until(lambda: threading.active_count() == threads_before)
    assert upstream._transport.is_active() and proxy.status().reconnects == 0

    # The session is still good for the next client, and the whole save arrives.
    again = _start_save(proxy, big_image)
    try:
        total = 0
        while chunk := again.recv(1 << 20):
            total += len(chunk)
            if chunk.endswith(b"\r\n0\r\n\r\n"):  # the chunked body's last chunk
                break
        assert total > BIG_MB * 1000 * 1000
    finally:
        again.close()
