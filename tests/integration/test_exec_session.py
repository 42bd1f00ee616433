"""Interactive exec on a hijacked connection, against the real service."""

from __future__ import annotations

import threading

import pytest

from app.engine import exec_session
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError
from app.engine.exec_session import ExecEnd, ExecSession
from tests.bed.podman import TEST_IMAGE


class Sink:
    """Collects a session's output and end, with waits on them."""

    def __init__(self) -> None:
        self.data = b""
        self.ends: list[ExecEnd] = []
        self.changed = threading.Condition()

    def output(self, data: bytes) -> None:
        with self.changed:
            self.data += data
            self.changed.notify_all()

    def end(self, end: ExecEnd) -> None:
        with self.changed:
            self.ends.append(end)
            self.changed.notify_all()

    def wait(self, predicate, timeout: float = 10) -> None:
        with self.changed:
            assert self.changed.wait_for(predicate, timeout), self.data[-400:]


@pytest.fixture
def box(podman):
    podman.cli("run", "-d", "--name", "box", TEST_IMAGE, "sleep", "1000")
    return Endpoint.parse(podman.uri)


def session(endpoint, cmd, sink, **kw) -> ExecSession:
    s = ExecSession(endpoint, "box", cmd, on_output=sink.output, on_end=sink.end, **kw)
    s.open()
    return s


def test_shell_runs_a_command_and_has_the_size_asked(box):
    assert exec_session.default_shell(box, "box") == "sh"  # busybox: no bash
    sink = Sink()
    s = session(box, ["sh"], sink, rows=31, cols=97)
    s.write(b"stty size; echo hello-$((6*7))\r")
    sink.wait(lambda: b"hello-42" in sink.data)
    assert b"31 97" in sink.data
    s.resize(40, 120)
    s.write(b"stty size\r")
    sink.wait(lambda: b"40 120" in sink.data)
    s.write(b"exit 3\r")
    sink.wait(lambda: sink.ends)
    assert sink.ends[0].exit_code == 3


def test_a_missing_command_says_so(box):
    sink = Sink()
    session(box, ["no-such-tool"], sink)
    sink.wait(lambda: sink.ends)
    assert sink.ends[0].exit_code == 127
    assert "cannot be run in this container: no such command" in sink.ends[0].message
    assert b"executable file not found" in sink.data  # Podman's own words, shown as well


def test_an_unknown_user_is_refused_with_podmans_words(box):
    with pytest.raises(ApiError, match="unable to find user nobody-here"):
        session(box, ["sh"], Sink(), user="nobody-here")


def test_closing_ends_the_process_and_what_runs_in_it(box, podman):
    sink = Sink()
    s = session(box, ["sh"], sink)
    s.write(b"vi /tmp/x\r")
    sink.wait(lambda: b"~" in sink.data)
    assert "vi /tmp/x" in podman.cli("top", "box")
    s.close()
    sink.wait(lambda: sink.ends)
    assert not exec_session.inspect_exec(box, s.exec_id)["Running"]
    processes = podman.cli("top", "box")
    assert "vi /tmp/x" not in processes and "pts/" not in processes


def test_a_container_that_stops_ends_the_session_with_a_message(box, podman):
    sink = Sink()
    session(box, ["sh"], sink)
    sink.wait(lambda: b"# " in sink.data)
    podman.cli("stop", "-t", "0", "box")
    sink.wait(lambda: sink.ends)
    assert sink.ends[0].message == "The container stopped, so this session ended."


def test_closing_sessions_can_be_awaited_at_exit(box, podman):
    sinks = [Sink(), Sink()]
    sessions = [session(box, ["sh"], sink) for sink in sinks]
    for sink in sinks:
        sink.wait(lambda s=sink: b"# " in s.data)
    for s in sessions:
        s.close()
    assert exec_session.wait_for_hang_ups(10)
    assert all(not exec_session.inspect_exec(box, s.exec_id)["Running"] for s in sessions)
    assert "pts/" not in podman.cli("top", "box")
