"""Parsing the proxy's listen and upstream addresses."""

from __future__ import annotations

import getpass

import pytest

from app.engine.endpoint import Endpoint
from app.proxy.uris import ProxyUriError, SshTarget, parse_listen, parse_upstream


def test_ssh_upstream_with_port_user_and_path():
    target = parse_upstream("ssh://core@127.0.0.1:50022/run/user/1000/podman/podman.sock")
    assert target == SshTarget("core", "127.0.0.1", 50022, "/run/user/1000/podman/podman.sock")
    assert target.uri == "ssh://core@127.0.0.1:50022/run/user/1000/podman/podman.sock"


def test_ssh_defaults_port_22_and_the_current_user():
    target = parse_upstream("ssh://host.example/run/podman/podman.sock")
    assert (target.user, target.port) == (getpass.getuser(), 22)


def test_ipv6_ssh_host():
    target = parse_upstream("ssh://root@[::1]:2222/run/podman/podman.sock")
    assert target.host == "::1" and target.uri.startswith("ssh://root@[::1]:2222/")


@pytest.mark.parametrize(
    "uri, message",
    [
        ("ssh://core@127.0.0.1:22", "socket path"),
        ("ssh://core@127.0.0.1:notaport/x.sock", "Port"),
        ("ssh://core:secret@host/x.sock", "passwords"),
        ("tcp://127.0.0.1:8080", "unix:// or ssh://"),
        ("http://example.com", "unsupported"),
    ],
)
def test_bad_upstreams_say_why(uri, message):
    with pytest.raises(ProxyUriError, match=message):
        parse_upstream(uri)


def test_unix_upstream():
    assert parse_upstream("unix:///run/podman/podman.sock") == Endpoint(
        "unix", path="/run/podman/podman.sock"
    )


def test_listen_addresses():
    assert parse_listen("unix:///tmp/d.sock").path == "/tmp/d.sock"
    assert parse_listen("tcp://localhost:2375").port == 2375
    assert parse_listen("tcp://127.0.0.1:0").port == 0
    assert parse_listen("npipe:////./pipe/docker_engine").path == r"\\.\pipe\docker_engine"
    with pytest.raises(ProxyUriError, match="loopback only"):
        parse_listen("tcp://0.0.0.0:0")
