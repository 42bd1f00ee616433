"""A local Podman socket as upstream: each client gets its own connection to it."""

from __future__ import annotations

import socket
import threading

from app.engine.endpoint import Endpoint
from app.proxy.status import UpstreamState
from app.proxy.streams import ByteStream, SocketStream
from app.proxy.upstream import StateCallback, UpstreamUnavailable


class UnixUpstream:
    """Connects to ``endpoint`` per client; while it does not answer, retries until a deadline."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.uri = endpoint.uri
        self.state = UpstreamState.CONNECTING
        self.last_error = ""
        self.reconnects = 0
        self._on_state: StateCallback | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def start(self, on_state: StateCallback) -> None:
        self._on_state = on_state
        # One probe so the status shows at once whether Podman is there.
        try:
            self.endpoint.connect(timeout=1.0).close()
            self._set(UpstreamState.UP, "")
        except OSError as exc:
            self._set(UpstreamState.DOWN, _reason(self.endpoint, exc))

    def prepare(self) -> SocketStream | None:
        """Connect now if Podman takes it at once (called on the accepting thread)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.setblocking(False)  # a full backlog must not stall the accepting thread
        try:
            sock.connect(self.endpoint.path)
        except OSError:
            sock.close()
            return None
        return SocketStream(sock)

    def open(self, timeout: float, prepared: SocketStream | None = None) -> ByteStream:
        if prepared is not None:
            self._set(UpstreamState.UP, "")
            return prepared
        delay = 0.05
        waited = 0.0
        while True:
            try:
                sock = self.endpoint.connect(timeout=max(timeout, 1.0))
            except OSError as exc:
                self._set(UpstreamState.DOWN, _reason(self.endpoint, exc))
                if waited >= timeout or self._stopped.is_set():
                    raise UpstreamUnavailable(
                        f"Podman did not answer at {self.uri} within {timeout:g} s: "
                        f"{self.last_error}"
                    ) from exc
                # Waiting on the stop event keeps stop() prompt.
                pause = min(delay, timeout - waited)
                self._stopped.wait(pause)
                waited += pause
                delay = min(delay * 2, 1.0)
                continue
            self._set(UpstreamState.UP, "")
            return SocketStream(sock)

    def retry(self) -> None:
        """Nothing to retry: every client connects afresh."""

    def close(self) -> None:
        self._stopped.set()
        self._set(UpstreamState.STOPPED, self.last_error)

    def _set(self, state: UpstreamState, error: str) -> None:
        with self._lock:
            if self.state is UpstreamState.STOPPED:
                return
            changed = (state, error) != (self.state, self.last_error)
            if self.state is UpstreamState.DOWN and state is UpstreamState.UP:
                self.reconnects += 1
            self.state, self.last_error = state, error
        if changed and self._on_state is not None:
            self._on_state(state, error)


def _reason(endpoint: Endpoint, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"no socket at {endpoint.path} (is the Podman service running?)"
    if isinstance(exc, ConnectionRefusedError):
        return f"nothing listens on {endpoint.path} (is the Podman service running?)"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"{endpoint.path} did not answer in time"
    return f"{endpoint.path}: {exc.strerror or exc}"
