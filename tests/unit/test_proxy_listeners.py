"""Listeners: file modes, stale and live sockets, loopback-only TCP, named pipes."""

from __future__ import annotations

import os
import socket
import stat
import sys

import pytest

from app.engine.endpoint import Endpoint
from app.proxy.listeners import ListenerError, open_listener
from app.proxy.uris import ProxyUriError, parse_listen


def test_unix_socket_is_0600_in_a_new_0700_directory(tmp_path):
    path = tmp_path / "private" / "nested" / "proxy.sock"
    listener = open_listener(Endpoint("unix", path=str(path)))
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
        assert listener.uri == f"unix://{path}"
    finally:
        listener.close()
        listener.release()
    assert not path.exists()


def test_stale_socket_is_replaced(tmp_path):
    path = tmp_path / "stale.sock"
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(path))  # a socket file nobody listens on, as a crashed proxy leaves it
    dead.close()
    listener = open_listener(Endpoint("unix", path=str(path)))
    try:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(path))
    finally:
        listener.close()
        listener.release()


def test_live_socket_is_never_clobbered(tmp_path):
    path = tmp_path / "live.sock"
    live = socket.socket(socket.AF_UNIX)
    live.bind(str(path))
    live.listen(1)
    try:
        with pytest.raises(ListenerError, match="already listening"):
            open_listener(Endpoint("unix", path=str(path)))
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(path))  # still the original owner's socket
    finally:
        live.close()


def test_a_regular_file_is_not_replaced(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("keep me")
    with pytest.raises(ListenerError, match="not a socket"):
        open_listener(Endpoint("unix", path=str(path)))
    assert path.read_text() == "keep me"


def test_close_leaves_a_socket_someone_else_created_since(tmp_path):
    path = tmp_path / "p.sock"
    listener = open_listener(Endpoint("unix", path=str(path)))
    os.unlink(path)
    other = socket.socket(socket.AF_UNIX)
    other.bind(str(path))
    try:
        listener.close()
        listener.release()
        assert path.exists()
    finally:
        other.close()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com"])
def test_tcp_refuses_anything_but_loopback(host):
    with pytest.raises(ListenerError, match="loopback only"):
        open_listener(Endpoint("tcp", host=host, port=2375))
    with pytest.raises(ProxyUriError, match="loopback only"):
        parse_listen(f"tcp://{host if ':' not in host else f'[{host}]'}:2375")


def test_tcp_loopback_listens_and_reports_its_port():
    listener = open_listener(Endpoint("tcp", host="127.0.0.1", port=0))
    try:
        port = int(listener.uri.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        stream = listener.accept()
        assert stream is not None
        stream.close()
    finally:
        listener.close()
        listener.release()


def test_close_wakes_a_blocked_accept(tmp_path):
    import threading

    listener = open_listener(Endpoint("unix", path=str(tmp_path / "w.sock")))
    results = []
    thread = threading.Thread(target=lambda: results.append(listener.accept()))
    thread.start()
    listener.close()
    thread.join(2)
    listener.release()
    assert results == [None]


@pytest.mark.skipif(sys.platform != "win32", reason="Windows named pipes: runs on Windows only")
def test_named_pipe_listener_accepts_the_current_user():
    from app.engine.npipe import NpipeSocket

    listener = open_listener(Endpoint.parse("npipe:////./pipe/pdc-test-proxy"))
    try:
        client = NpipeSocket.open(r"\\.\pipe\pdc-test-proxy")
        stream = listener.accept()
        client.sendall(b"hi")
        assert bytes(stream.read(memoryview(bytearray(2)))) == b"hi"
        client.close()
        stream.close()
        with pytest.raises(ListenerError, match="already serves"):
            open_listener(Endpoint.parse("npipe:////./pipe/pdc-test-proxy"))
    finally:
        listener.close()
        listener.release()


@pytest.mark.skipif(sys.platform == "win32", reason="unix sockets: Linux and macOS only")
def test_named_pipe_is_refused_off_windows():
    with pytest.raises(ListenerError, match="only on Windows"):
        open_listener(Endpoint.parse("npipe:////./pipe/docker_engine"))
