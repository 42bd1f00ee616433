"""Where a Podman API listens, and how to open a byte stream to it.

An endpoint is a local unix socket, a Windows named pipe or a loopback TCP port:
every ssh:// connection is first turned into one of these by the app's proxy.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

SCHEMES = ("unix", "npipe", "tcp")


class EndpointError(ValueError):
    """An address that is not a usable local endpoint."""


@dataclass(frozen=True)
class Endpoint:
    """A local address of a Podman API: ``unix``, ``npipe`` or ``tcp``."""

    scheme: str
    path: str = ""  # unix socket path, or pipe path like \\.\pipe\name
    host: str = ""
    port: int = 0

    @classmethod
    def parse(cls, uri: str) -> Endpoint:
        """Parse ``unix:///run/x.sock``, ``npipe:////./pipe/name`` or ``tcp://127.0.0.1:N``."""
        if uri.startswith("/"):
            return cls("unix", path=uri)
        try:
            parsed = urlparse(uri)
        except ValueError as exc:  # "Invalid IPv6 URL"
            raise EndpointError(f"{uri}: {exc}") from None
        if parsed.scheme == "unix":
            path = unquote(parsed.netloc + parsed.path) if parsed.netloc else unquote(parsed.path)
            if not path:
                raise EndpointError(f"{uri}: a unix:// address needs a socket path")
            return cls("unix", path=path)
        if parsed.scheme == "npipe":
            # npipe:////./pipe/name -> \\.\pipe\name (Podman's and Docker's spelling).
            raw = (parsed.netloc + parsed.path).lstrip("/")
            if not raw:
                raise EndpointError(f"{uri}: an npipe:// address needs a pipe name")
            return cls("npipe", path="\\\\" + raw.replace("/", "\\"))
        if parsed.scheme == "tcp":
            try:
                port = parsed.port
            except ValueError as exc:
                raise EndpointError(f"{uri}: {exc}") from None
            if not parsed.hostname or not port:
                raise EndpointError(f"{uri}: a tcp:// address needs a host and a port")
            return cls("tcp", host=parsed.hostname, port=port)
        raise EndpointError(f"{uri}: unsupported address (expected unix://, npipe:// or tcp://)")

    @property
    def uri(self) -> str:
        if self.scheme == "unix":
            return f"unix://{self.path}"
        if self.scheme == "npipe":
            return "npipe://" + self.path.replace("\\", "/")
        return f"tcp://{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.uri

    def connect(self, timeout: float | None = 10.0) -> socket.socket:
        """Open a connected stream to the endpoint (blocking; never on the GUI thread)."""
        if self.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(self.path)
            except BaseException:
                sock.close()
                raise
            return sock
        if self.scheme == "tcp":
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        if sys.platform != "win32":
            raise EndpointError(f"{self.uri}: named pipes exist only on Windows")
        from app.engine.npipe import NpipeSocket

        return NpipeSocket.open(self.path, timeout)

    def exists(self) -> bool:
        """Whether something could be listening (the socket file or pipe is there)."""
        if self.scheme == "unix":
            return os.path.exists(self.path)
        if self.scheme == "npipe":
            return sys.platform == "win32" and os.path.exists(self.path)
        return True
