"""The Docker-compatible socket: where it listens by default, and how clients find it.

Plain Python: the Settings section validates with it, the connection manager starts a
proxy on the chosen address, and the panel says why none serves the active connection.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse

from app.engine.connection import Connection
from app.proxy.uris import is_loopback
from app.support import paths

DOCKER_PIPE = "npipe:////./pipe/docker_engine"
OWN_PIPE = "npipe:////./pipe/podman-desktop-companion"
# The connections the app serves a Docker-compatible socket for: a unix socket (a proxy
# with a unix upstream) and ssh:// (the connection's own proxy listens there). A tcp://
# or npipe:// connection is itself a socket Docker clients can use, so none is added.
SERVED_SCHEMES = ("unix", "ssh")
_DIRECT_KINDS = {"tcp": "a TCP socket", "npipe": "a named pipe"}


def default_address() -> str:
    """Linux and macOS: a socket in the app's private runtime dir. Windows: Docker's own
    pipe when nothing holds it, else one of the app's."""
    if sys.platform == "win32":
        return OWN_PIPE if os.path.exists(r"\\.\pipe\docker_engine") else DOCKER_PIPE
    return f"unix://{paths.runtime_dir() / 'docker.sock'}"


def normalise(text: str) -> str:
    """A bare absolute path means a unix socket."""
    text = text.strip()
    return f"unix://{text}" if text.startswith("/") else text


def validate(text: str) -> str:
    """Why ``text`` cannot be a listening address ("" when it can)."""
    address = normalise(text)
    if not address:
        return ""
    parsed = urlparse(address)
    if parsed.scheme == "unix":
        path = parsed.path
        if not os.path.isabs(path):
            return f"“{text}”: a unix socket needs an absolute path."
        if len(path.encode()) > 100:
            return f"“{text}”: the path is too long for a unix socket (100 bytes at most)."
        return ""
    if parsed.scheme == "npipe":
        if sys.platform != "win32":
            return "Named pipes exist only on Windows; use a unix socket path here."
        return ""
    if parsed.scheme == "tcp":
        try:
            host, port = parsed.hostname or "", parsed.port
        except ValueError:
            return f"“{text}”: the port must be a number from 1 to 65535."
        if not port:
            return f"“{text}”: a TCP address needs a port, e.g. tcp://127.0.0.1:2375."
        if not is_loopback(host):
            return (
                f"“{host}” is not a loopback address. An unauthenticated Podman socket "
                "must only listen on 127.0.0.1 or ::1."
            )
        return ""
    return f"“{text}”: use a socket path, unix:///path, tcp://127.0.0.1:PORT or npipe://."


def served_for(connection: Connection) -> bool:
    """Whether the app serves a Docker-compatible socket while ``connection`` is active."""
    return connection.scheme in SERVED_SCHEMES


def not_served_reason(connection: Connection | None) -> str:
    """Why no Docker-compatible socket serves ``connection`` ("" when one should)."""
    if connection is None:
        return "No connection is active."
    if served_for(connection):
        return ""
    only = "The app offers its own socket for unix-socket and ssh:// connections only."
    kind = _DIRECT_KINDS.get(connection.scheme)
    if kind is None:
        return f"The active connection, {connection.name}, is a {connection.scheme}:// one. {only}"
    return (
        f"The active connection, {connection.name}, is {kind} that Docker clients can use "
        f"directly. {only}"
    )


def direct_address(connection: Connection | None) -> str:
    """The connection's own address when Docker clients can use it as it is, else ""."""
    if connection is None or connection.scheme not in _DIRECT_KINDS:
        return ""
    return connection.uri


def is_tcp(text: str) -> bool:
    return normalise(text).startswith("tcp://")


def docker_host_line(address: str) -> str:
    """The line a user pastes into a shell so docker and compose use this socket."""
    if sys.platform == "win32":
        return f'$env:DOCKER_HOST = "{address}"'
    return f"export DOCKER_HOST={address}"
