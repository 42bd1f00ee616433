"""The proxy with a unix:// upstream (the Docker-compatible socket for a native Podman),
and the headless ``proxy`` command."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys

import pytest

from app.engine import http_api
from app.engine.endpoint import Endpoint
from app.proxy import ProxyConfig, ProxyThread
from tests.bed.podman import TEST_IMAGE


@pytest.fixture
def unix_proxy(podman, tmp_path):
    proxy = ProxyThread(ProxyConfig(listen=f"unix://{tmp_path}/d/docker.sock", upstream=podman.uri))
    proxy.start()
    yield proxy
    proxy.stop()


def remote(proxy: ProxyThread, podman, *args: str, timeout: float = 60) -> str:
    proc = subprocess.run(
        ["podman", "--remote", "--url", proxy.endpoint, *args],
        env=podman.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_libpod_and_docker_calls(unix_proxy):
    endpoint = Endpoint.parse(unix_proxy.endpoint)
    assert http_api.request(endpoint, "GET", "/_ping") == "OK"
    assert http_api.request(endpoint, "GET", f"{http_api.LIBPOD_PREFIX}/info")["host"]
    assert http_api.request(endpoint, "GET", "/containers/json") == []


def test_podman_remote_exec_and_logs_follow(unix_proxy, podman):
    remote(unix_proxy, podman, "run", "-d", "--name", "svc", TEST_IMAGE, "sleep", "60")
    assert remote(unix_proxy, podman, "exec", "svc", "echo", "from-exec").strip() == "from-exec"
    remote(
        unix_proxy,
        podman,
        "run",
        "-d",
        "--name",
        "talker",
        TEST_IMAGE,
        "sh",
        "-c",
        "echo a; echo b",
    )
    # logs -f streams until the container exits, then the stream ends.
    assert remote(unix_proxy, podman, "logs", "-f", "talker").split() == ["a", "b"]


def test_image_save_through_the_proxy_is_byte_identical(unix_proxy, podman):
    def save(uri: str) -> str:
        endpoint = Endpoint.parse(uri)
        conn = http_api.EndpointConnection(endpoint, timeout=60)
        conn.request("GET", f"/images/{TEST_IMAGE}/get")  # Docker-compatible: deterministic
        response = conn.getresponse()
        assert response.status == 200
        digest = hashlib.sha256(response.read()).hexdigest()
        conn.close()
        return digest

    assert save(unix_proxy.endpoint) == save(podman.uri)


def test_headless_proxy_command_serves_until_sigterm(podman, tmp_path):
    sock = tmp_path / "cli" / "podman.sock"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "proxy", "--listen", f"unix://{sock}", "--to", podman.uri],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == f"API forwarding listening on: unix://{sock}", proc.stderr
        assert http_api.request(Endpoint.parse(f"unix://{sock}"), "GET", "/_ping") == "OK"
        assert os.stat(sock).st_mode & 0o777 == 0o600
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert not sock.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--listen", "tcp://0.0.0.0:2375", "--to", "unix:///run/podman/podman.sock"], "loopback"),
        (["--listen", "unix:///tmp/x.sock", "--to", "ssh://core@127.0.0.1:22"], "socket path"),
        (["--listen", "http://x", "--to", "unix:///run/podman/podman.sock"], "unsupported"),
    ],
)
def test_headless_proxy_command_rejects_bad_addresses_in_one_line(args, message):
    proc = subprocess.run(
        [sys.executable, "-m", "app", "proxy", *args], capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
