"""The stream reader base against a real unix-socket HTTP server: start, states,
stop-and-join, reconnect with backoff, ENDED waiting for resume()."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from app.engine.endpoint import Endpoint
from app.engine.http_api import Stream, open_stream
from app.engine.streams.reader import StreamReader, StreamState

TIMEOUT = 10.0
S = StreamState


class LineServer:
    """Answers every request on a unix socket as ``mode`` says:

    ``stream``  200, then each line given to ``send()``, until ``hang_up()``;
    ``refuse``  404 with a libpod-style JSON message;
    ``silent``  reads the request and never answers (headers that never come).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mode = "stream"
        self.accepted = 0
        self.paths: list[str] = []  # of the requests, in order
        self._conns: list[socket.socket] = []
        self._changed = threading.Condition()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(str(path))
        self._sock.listen(16)
        threading.Thread(target=self._accept, name="line-server", daemon=True).start()

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint.parse(f"unix://{self.path}")

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    break
                request += data
            if self.mode == "refuse":
                body = b'{"cause": "no such thing", "message": "no such thing", "response": 404}'
                conn.sendall(
                    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )
                conn.close()
            elif self.mode == "stream":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
            with self._changed:
                self.accepted += 1
                self.paths.append(request.split(b" ")[1].decode() if request else "")
                if self.mode != "refuse":
                    self._conns.append(conn)
                self._changed.notify_all()

    def wait_accepted(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.accepted >= count, TIMEOUT), self.accepted

    def wait_path(self, path: str) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: path in self.paths, TIMEOUT), self.paths

    def send(self, line: bytes) -> None:
        with self._changed:
            self._conns[-1].sendall(line + b"\n")

    def hang_up(self) -> None:
        with self._changed:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()

    def close(self) -> None:
        self._sock.close()
        self.hang_up()


class LineReader(StreamReader):
    what = "the test stream"

    def __init__(self, endpoint, recorder, backoff=(0.05,), end_as=S.LOST) -> None:
        super().__init__(endpoint, "pdc-test-lines", recorder.on_state, backoff)
        self.recorder = recorder
        self.end_as = end_as

    def _open(self) -> Stream:
        return open_stream(self.endpoint, "/lines", on_socket=self._hold_socket)

    def _read(self, stream: Stream) -> tuple[StreamState, str]:
        for line in stream.lines():
            self._call(self.recorder.on_line, line)
        return self.end_as, "the server hung up"


class Recorder:
    """What a reader reported, with when; waits without sleeping."""

    def __init__(self) -> None:
        self.states: list[tuple[StreamState, str, float]] = []
        self.lines: list[bytes] = []
        self.threads: set[str] = set()
        self._changed = threading.Condition()

    def on_state(self, state: StreamState, reason: str) -> None:
        with self._changed:
            self.threads.add(threading.current_thread().name)
            self.states.append((state, reason, time.monotonic()))
            self._changed.notify_all()

    def on_line(self, line: bytes) -> None:
        with self._changed:
            self.lines.append(line)
            self._changed.notify_all()

    def names(self) -> list[StreamState]:
        return [state for state, _reason, _at in self.states]

    def wait(self, predicate) -> None:
        with self._changed:
            assert self._changed.wait_for(predicate, TIMEOUT), (self.names(), self.lines)

    def wait_states(self, *expected: StreamState) -> None:
        """Until the states seen so far end with ``expected``."""
        self.wait(lambda: self.names()[-len(expected) :] == list(expected))


@pytest.fixture
def server(tmp_path):
    srv = LineServer(tmp_path / "lines.sock")
    yield srv
    srv.close()


@pytest.fixture
def recorder():
    return Recorder()


def test_start_delivers_on_its_own_named_thread_and_stop_joins_promptly(server, recorder):
    reader = LineReader(server.endpoint, recorder)
    assert reader.state is S.STOPPED and not reader.running
    reader.start()
    recorder.wait_states(S.CONNECTING, S.CONNECTED)
    assert reader.state is S.CONNECTED
    server.wait_accepted(1)
    server.send(b'{"n": 1}')
    server.send(b'{"n": 2}')
    recorder.wait(lambda: len(recorder.lines) == 2)
    assert recorder.lines == [b'{"n": 1}', b'{"n": 2}']
    assert recorder.threads == {"pdc-test-lines"}

    started = time.monotonic()  # blocked in a read the server never ends
    assert reader.stop(timeout=5.0)
    assert time.monotonic() - started < 1.0
    assert reader.state is S.STOPPED and not reader.running
    with pytest.raises(RuntimeError):
        reader.start()


def test_stop_is_prompt_while_waiting_for_headers(server, recorder):
    server.mode = "silent"
    reader = LineReader(server.endpoint, recorder)
    reader.start()
    server.wait_accepted(1)
    started = time.monotonic()
    assert reader.stop(timeout=5.0)
    assert time.monotonic() - started < 1.0
    assert S.CONNECTED not in recorder.names()


def test_reconnects_after_a_drop_after_the_first_backoff_step(server, recorder):
    reader = LineReader(server.endpoint, recorder, backoff=(0.3, 5.0))
    reader.start()
    try:
        recorder.wait_states(S.CONNECTING, S.CONNECTED)
        server.wait_accepted(1)
        server.hang_up()
        recorder.wait_states(S.LOST, S.CONNECTING, S.CONNECTED)
        server.wait_accepted(2)
        server.send(b"after")
        recorder.wait(lambda: recorder.lines == [b"after"])
    finally:
        assert reader.stop()
    (lost,) = [s for s in recorder.states if s[0] is S.LOST]
    again = recorder.states[-2]
    assert lost[1] == "the server hung up"
    # After a good connection the first step: a server that hangs up at once is no busy loop.
    assert again[0] is S.CONNECTING and again[1] == "the server hung up"
    assert again[2] - lost[2] >= 0.3


def test_failures_back_off_step_by_step_and_say_why(tmp_path, recorder):
    missing = Endpoint.parse(f"unix://{tmp_path / 'nobody.sock'}")
    reader = LineReader(missing, recorder, backoff=(0.05, 0.3))
    reader.start()
    try:
        recorder.wait(lambda: recorder.names().count(S.LOST) >= 3)
    finally:
        assert reader.stop()
    lost = [s for s in recorder.states if s[0] is S.LOST]
    tries = [s for s in recorder.states if s[0] is S.CONNECTING]
    assert "nobody.sock" in lost[0][1]
    assert tries[1][2] - lost[0][2] >= 0.05
    assert tries[2][2] - lost[1][2] >= 0.3  # the second step
    assert S.CONNECTED not in recorder.names()


def test_stop_is_prompt_during_a_long_backoff(tmp_path, recorder):
    missing = Endpoint.parse(f"unix://{tmp_path / 'nobody.sock'}")
    reader = LineReader(missing, recorder, backoff=(30,))
    reader.start()
    recorder.wait_states(S.CONNECTING, S.LOST)
    started = time.monotonic()
    assert reader.stop(timeout=5.0)
    assert time.monotonic() - started < 1.0


def test_a_refusal_is_lost_with_podmans_words(server, recorder):
    server.mode = "refuse"
    reader = LineReader(server.endpoint, recorder, backoff=(5,))
    reader.start()
    try:
        recorder.wait_states(S.CONNECTING, S.LOST)
    finally:
        assert reader.stop()
    assert recorder.states[-1][1] == "Podman refused the test stream: no such thing"


def test_ended_waits_for_resume_and_a_failing_callback_is_survived(server, recorder):
    record = recorder.on_line

    def on_line(line: bytes) -> None:
        record(line)
        raise RuntimeError("a broken consumer")

    recorder.on_line = on_line
    reader = LineReader(server.endpoint, recorder, backoff=(0,), end_as=S.ENDED)
    reader.start()
    try:
        recorder.wait_states(S.CONNECTING, S.CONNECTED)
        server.wait_accepted(1)
        server.send(b"one")
        server.send(b"two")
        recorder.wait(lambda: recorder.lines == [b"one", b"two"])
        server.hang_up()
        recorder.wait_states(S.ENDED)
        # With no backoff a LOST stream would be open again before this probe is served
        # (requests are served in order); an ENDED one waits.
        server.mode = "silent"
        probe = socket.socket(socket.AF_UNIX)
        probe.connect(str(server.path))
        probe.sendall(b"GET /probe HTTP/1.1\r\n\r\n")
        server.wait_path("/probe")
        probe.close()
        assert reader.state is S.ENDED and server.paths == ["/lines", "/probe"]
        server.mode = "stream"
        reader.resume()
        recorder.wait_states(S.ENDED, S.CONNECTING, S.CONNECTED)
        assert server.paths == ["/lines", "/probe", "/lines"]
    finally:
        assert reader.stop()
