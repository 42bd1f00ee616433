"""Reading a close-delimited stream in gathered pieces, against a unix-socket server that
writes the way Podman writes a log flood: one short line per write.

Podman's own behaviour is covered by the inspector's flood test; this pins down what the
gathering promises on its own: a lone line is not held back for the piece to fill, a
flood arrives in few pieces, nothing is lost or reordered, and the end is the end.
"""

from __future__ import annotations

import socket
import sys
import threading
import time

import pytest

from app.engine.endpoint import Endpoint
from app.engine.http_api import open_stream

HEADERS = b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
FLOOD_LINES = 5000


class LineServer:
    """Answers one request: headers and a first line, then (when told) a flood of short
    writes, then closes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._listener = socket.socket(socket.AF_UNIX)
        self._listener.bind(path)
        self._listener.listen(1)
        self.go = threading.Event()
        self.first_sent = 0.0
        self.closing = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self._listener.accept()
        with conn:
            conn.recv(65536)  # the request
            self.first_sent = time.perf_counter()
            conn.sendall(HEADERS + b"first\n")
            if not self.go.wait(10) or self.closing:
                return
            for i in range(FLOOD_LINES):
                conn.sendall(b"line %06d\n" % i)

    def close(self) -> None:
        self.closing = True
        self.go.set()
        self._listener.close()
        self._thread.join(5)


@pytest.fixture
def server(tmp_path):
    srv = LineServer(str(tmp_path / "s.sock"))
    yield srv
    srv.close()


def test_gathered_reads_keep_lone_lines_prompt_and_floods_few(server):
    stream = open_stream(Endpoint.parse(f"unix://{server.path}"), "/logs", http10=True)
    pieces = stream.chunks(16 * 1024, gather_s=0.005)
    assert next(pieces) == b"first\n"
    # Not held back waiting for 16 KB: it came within the gathering time, give or take
    # the scheduler.
    assert time.perf_counter() - server.first_sent < 0.5
    server.go.set()
    rest = list(pieces)  # ends when the server closes
    stream.close()
    body = b"".join(rest)
    assert body == b"".join(b"line %06d\n" % i for i in range(FLOOD_LINES))
    if sys.platform.startswith("linux"):
        # 5,000 writes of 12 bytes; a plain read would return after a handful of them.
        assert len(rest) < FLOOD_LINES / 20, len(rest)


def test_close_from_another_thread_ends_a_quiet_gathered_stream(server):
    stream = open_stream(Endpoint.parse(f"unix://{server.path}"), "/logs", http10=True)
    pieces = stream.chunks(16 * 1024, gather_s=0.005)
    assert next(pieces) == b"first\n"
    threading.Timer(0.2, stream.close).start()
    started = time.perf_counter()
    assert list(pieces) == []  # waited quietly, then ended without an error
    assert time.perf_counter() - started < 5
