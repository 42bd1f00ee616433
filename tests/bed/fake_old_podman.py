"""The foundation's one test double: a service that answers like Podman 3.4.

No Podman older than 4.0 can be installed beside the real one here, so the version
check's refusal is tested against this fixed ``/version`` answer (the issue allows it).
"""

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

VERSION_ANSWER = {
    "Version": "3.4.4",
    "ApiVersion": "1.40",
    "MinAPIVersion": "1.24",
    "Os": "linux",
    "Arch": "amd64",
    "GoVersion": "go1.17.3",
    "Components": [
        {"Name": "Podman Engine", "Version": "3.4.4", "Details": {"APIVersion": "3.4.4"}}
    ],
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        path = self.path.split("?")[0]
        if path.endswith("/events"):
            # An events stream that stays open and quiet until the server closes.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            self.server.closing.wait()
            return
        body = json.dumps(VERSION_ANSWER if path.endswith("/version") else "OK").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False


class FakeOldPodman:
    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self._server = _Server(str(socket_path), _Handler)
        self._server.closing = threading.Event()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def uri(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self) -> FakeOldPodman:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
