"""One instance: a later launch hands its request to the running one, waits for the
answer, and exits with it.

The running instance listens on a local socket in the app's private runtime dir (a
named pipe on Windows). The request is one JSON line; the answer is one JSON line,
{"code": EXIT_CODE, "line": TEXT}, after which the running instance closes the socket.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app import APP_ID
from app.engine.arguments import EXIT_FAILED, EXIT_USAGE
from app.support import log, paths

_log = log.get("ui")


def server_name() -> str:
    if sys.platform == "win32":
        # Pipes are machine-wide: key the name by the user's config dir.
        digest = hashlib.sha1(str(paths.config_dir()).encode()).hexdigest()[:10]
        return f"{APP_ID}-{digest}"
    return str(paths.runtime_dir() / "instance.sock")


# How long a later launch waits for the running instance's answer. Answering may run
# `podman system connection list` and inspect a container (each bounded in its own right);
# past this the later launch gives up with exit code 1 rather than hang.
REPLY_TIMEOUT_S = 20.0
CONNECT_TIMEOUT_MS = 1000


@dataclass(frozen=True)
class Reply:
    """The running instance's answer to a later launch: its exit code and one line."""

    code: int
    line: str


def ask_running(request: dict, reply_timeout_s: float = REPLY_TIMEOUT_S) -> Reply | None:
    """Hand ``request`` to a running instance and wait for its answer; None when no
    instance runs.

    Runs at startup, before any window or event loop exists, so the blocking waits
    block nothing.
    """
    sock = QLocalSocket()
    sock.connectToServer(server_name())
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return None
    try:
        sock.write(json.dumps(request).encode() + b"\n")
        sock.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        line = _read_line(sock, time.monotonic() + reply_timeout_s)
    finally:
        sock.abort()
    if line is None:
        return Reply(
            EXIT_FAILED, f"the running instance did not answer within {reply_timeout_s:.0f} s"
        )
    if not line:
        return Reply(EXIT_FAILED, "the running instance closed the connection without answering")
    try:
        answer = json.loads(line)
        return Reply(int(answer["code"]), str(answer["line"]))
    except (ValueError, TypeError, KeyError):
        return Reply(EXIT_FAILED, "the running instance gave an answer this launch cannot read")


def _read_line(sock: QLocalSocket, deadline: float) -> bytes | None:
    """One line from ``sock``: b"" when it closed first, None when ``deadline`` passed."""
    while not sock.canReadLine():
        if sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
            return b""
        left_ms = int((deadline - time.monotonic()) * 1000)
        if left_ms <= 0:
            return None
        sock.waitForReadyRead(left_ms)
    return bytes(sock.readLine().data())


class InstanceRequest:
    """One later launch's request (``data``, e.g. {"connection": NAME}) and its answer.

    ``reply`` sends the answer once; the later launch may have gone by then (killed, or
    tired of waiting), and then there is no one to tell.
    """

    def __init__(self, data: dict, sock: QLocalSocket) -> None:
        self.data = data
        self._sock = sock
        self.answered = False

    def reply(self, code: int, line: str) -> None:
        if self.answered:
            return
        self.answered = True
        sock = self._sock
        if not shiboken6.isValid(sock) or (
            sock.state() != QLocalSocket.LocalSocketState.ConnectedState
        ):
            _log.info("the launch that asked %s left before its answer", self.data)
            return
        sock.write(json.dumps({"code": code, "line": line}).encode() + b"\n")
        sock.disconnectFromServer()  # after the answer is written


class InstanceServer(QObject):
    """Listens for requests from later launches.

    Signals:
        request_received(InstanceRequest): a later launch's request, to be answered.
    """

    request_received = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        name = server_name()
        if not self._server.listen(name):
            # A socket file left by a crashed instance: nobody answered on it, so take it.
            QLocalServer.removeServer(name)
            if not self._server.listen(name):
                _log.warning("cannot listen for other instances: %s", self._server.errorString())
                return False
        return True

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)

    def _read(self, sock: QLocalSocket) -> None:
        if not sock.canReadLine():
            return
        line = bytes(sock.readLine().data())
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        request = InstanceRequest(data if isinstance(data, dict) else {}, sock)
        if not isinstance(data, dict):
            _log.warning("refused an unreadable request from another launch")
            request.reply(EXIT_USAGE, "the running instance could not read this launch's request")
            return
        self.request_received.emit(request)
