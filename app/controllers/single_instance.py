"""One instance: a second launch hands its request to the running one and exits.

The running instance listens on a local socket in the app's private runtime dir
(a named pipe on Windows); the request is one JSON object.
"""

from __future__ import annotations

import hashlib
import json
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app import APP_ID
from app.support import log, paths

_log = log.get("ui")


def server_name() -> str:
    if sys.platform == "win32":
        # Pipes are machine-wide: key the name by the user's config dir.
        digest = hashlib.sha1(str(paths.config_dir()).encode()).hexdigest()[:10]
        return f"{APP_ID}-{digest}"
    return str(paths.runtime_dir() / "instance.sock")


def send_to_running(request: dict, timeout_ms: int = 1000) -> bool:
    """Hand ``request`` to a running instance; False when there is none.

    Runs at startup, before any window exists, so the short wait blocks nothing.
    """
    sock = QLocalSocket()
    sock.connectToServer(server_name())
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(json.dumps(request).encode() + b"\n")
    ok = sock.waitForBytesWritten(timeout_ms)
    sock.disconnectFromServer()
    return ok


class InstanceServer(QObject):
    """Listens for requests from later launches.

    Signals:
        request_received(dict): a later launch's request, e.g. {"argv": [...]}.
    """

    request_received = Signal(dict)

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
            request = json.loads(line)
        except ValueError:
            _log.warning("ignored an unreadable request from another instance")
            return
        if isinstance(request, dict):
            self.request_received.emit(request)
