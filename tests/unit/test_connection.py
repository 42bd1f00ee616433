"""Connection and endpoint parsing."""

from __future__ import annotations

import pytest

from app.engine.connection import Connection, connection_from_argument, looks_like_uri
from app.engine.endpoint import Endpoint, EndpointError


def test_ssh_uri_parts():
    conn = Connection("m", "ssh://core@127.0.0.1:40123/run/user/501/podman/podman.sock")
    target = conn.ssh_target()
    assert (target.user, target.host, target.port) == ("core", "127.0.0.1", 40123)
    assert target.socket_path == "/run/user/501/podman/podman.sock"
    assert conn.is_ssh and not conn.is_local and not conn.rootful
    assert Connection("m-root", "ssh://root@127.0.0.1:40123/run/podman/podman.sock").rootful


def test_ssh_connection_has_no_local_endpoint():
    with pytest.raises(EndpointError, match="through a proxy"):
        Connection("m", "ssh://core@host/run/podman.sock").endpoint()


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("unix:///run/podman/podman.sock", Endpoint("unix", path="/run/podman/podman.sock")),
        ("/tmp/x.sock", Endpoint("unix", path="/tmp/x.sock")),
        ("tcp://127.0.0.1:8080", Endpoint("tcp", host="127.0.0.1", port=8080)),
        (
            "npipe:////./pipe/podman-machine-default",
            Endpoint("npipe", path="\\\\.\\pipe\\podman-machine-default"),
        ),
    ],
)
def test_endpoint_parse(uri, expected):
    assert Endpoint.parse(uri) == expected


def test_endpoint_uri_round_trips():
    for uri in ("unix:///a/b.sock", "tcp://127.0.0.1:9", "npipe:////./pipe/docker_engine"):
        assert Endpoint.parse(uri).uri == uri


@pytest.mark.parametrize("bad", ["http://x", "tcp://nohost", "unix://", "ftp://a/b"])
def test_bad_endpoints_are_refused_clearly(bad):
    with pytest.raises(EndpointError):
        Endpoint.parse(bad)


def test_argument_connections():
    assert looks_like_uri("/run/x.sock") and looks_like_uri("ssh://a@b/c")
    assert not looks_like_uri("podman-machine-default")
    conn = connection_from_argument("/run/x.sock")
    assert conn.uri == "unix:///run/x.sock" and conn.source == "argument"
    with pytest.raises(EndpointError):
        connection_from_argument("gopher://x")


def test_published_ports_open_on_the_right_host():
    assert Connection("l", "unix:///run/podman/podman.sock").port_host == "localhost"
    machine = Connection("m", "ssh://core@127.0.0.1:4022/run/p.sock", is_machine=True)
    assert machine.port_host == "localhost"  # machines forward ports to the loopback
    remote = Connection("r", "ssh://me@build.example.org:22/run/p.sock")
    assert remote.port_host == "build.example.org"
