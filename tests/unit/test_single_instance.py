"""A later launch's side of the hand-over: it waits for the running instance's answer,
and never longer than its timeout. (The running instance's side, with the real app, is in
tests/ui/test_app_arguments.py.)"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.controllers.single_instance import Reply, ask_running, server_name


@pytest.fixture
def runtime_dir(monkeypatch):
    # Short: the instance socket's path must fit a unix socket address (107 bytes).
    path = Path(tempfile.mkdtemp(prefix="si-", dir=os.environ["XDG_CACHE_HOME"]))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


# A stand-in running instance, in a process of its own as the real one is (a thread here
# would wait for the GIL while the later launch blocks in Qt): it reads one request line,
# prints it, then answers, hangs up, or says nothing until its stdin closes.
_INSTANCE = """
import socket, sys
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])
server.listen(1)
print("listening", flush=True)
conn, _ = server.accept()
line = conn.makefile("rb").readline()
print(line.decode().strip(), flush=True)
if sys.argv[2] == "answer":
    conn.sendall(b'{"code": 2, "line": "no connection named \\'x\\'"}\\n')
elif sys.argv[2] == "silent":
    sys.stdin.read()
conn.close()
"""


@contextlib.contextmanager
def _instance(behaviour: str) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _INSTANCE, server_name(), behaviour],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "listening"
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_no_running_instance_is_none(runtime_dir):
    assert ask_running({"connection": ""}) is None


def test_the_answer_is_the_running_instances_code_and_line(runtime_dir):
    with _instance("answer") as instance:
        reply = ask_running({"connection": "x"}, reply_timeout_s=10)
        assert json.loads(instance.stdout.readline()) == {"connection": "x"}
    assert reply == Reply(2, "no connection named 'x'")


def test_an_instance_that_hangs_up_without_answering_is_exit_1(runtime_dir):
    with _instance("hangup"):
        reply = ask_running({"connection": ""}, reply_timeout_s=10)
    assert reply == Reply(1, "the running instance closed the connection without answering")


def test_an_instance_that_never_answers_is_given_up_on(runtime_dir):
    with _instance("silent"):
        reply = ask_running({"connection": ""}, reply_timeout_s=0.5)
    assert reply.code == 1 and "did not answer within" in reply.line
