"""The checks of what a user names on the command line, written once for every path that
takes it: the window, ``ping``, ``inspect``, and a later launch handing its request to
the running instance (which checks it again before acting on it).

A refused argument is an ``ArgumentError``: the one line to print and the exit code.
Code 2 (``EXIT_USAGE``) for an argument that is malformed or names nothing Podman knows
(a URI that does not parse, an empty value, an unknown connection name); code 1
(``EXIT_FAILED``) for a well-formed target that cannot be reached or found (no such
container, nothing answering). Only ``check_container`` and ``check_container_at`` do
I/O: they block, so callers keep them off the GUI thread.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from app.engine.connection import Connection, connection_from_argument, looks_like_uri
from app.engine.discovery import Discovery, choose_connection
from app.engine.endpoint import EndpointError
from app.engine.errors import ConnectionLost, NotFound, PodmanError

if TYPE_CHECKING:
    from app.engine.client import Client

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# Podman's own rule for a container name, [a-zA-Z0-9][a-zA-Z0-9_.-]*, which full and
# short hex ids also match (docs/podman-notes.md, "Container names").
_CONTAINER_REF = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*\Z")

# How long checking a container may wait for Podman: a tcp:// host that drops packets
# must not leave the command line hanging for the client's usual 30 s.
CHECK_TIMEOUT_S = 5.0


class ArgumentError(Exception):
    """An argument refused: ``line`` is what to print (one line), ``code`` the exit code."""

    def __init__(self, line: str, code: int = EXIT_USAGE) -> None:
        self.line = one_line(line)
        self.code = code
        super().__init__(self.line)


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so a value typed
    with a newline in it still gives one line on the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def check_value(option: str, value: str | None) -> str:
    """The value given to ``option``: "" when the option was not given; an empty or blank
    value is refused (it is a missing value, not a request for the default)."""
    if value is None:
        return ""
    if not value.strip():
        raise ArgumentError(f"{option} needs a value")
    return value


def check_connection(value: str) -> Connection | None:
    """The grammar of a ``--connection`` value: a URI gives its Connection; a name (or "")
    gives None, for ``resolve_connection`` to look up in Podman's list."""
    if not looks_like_uri(value):
        return None
    try:
        return connection_from_argument(value)
    except EndpointError as exc:
        raise ArgumentError(str(exc)) from None


def resolve_connection(
    value: str, discovery: Discovery, last_connection: str = ""
) -> Connection | None:
    """The connection ``value`` names: a URI, a name Podman knows, or with no value the one
    the app would open (None when there is none). An unknown name is refused with the
    names that exist."""
    connection = check_connection(value)
    if connection is not None:
        return connection
    if not value:
        return choose_connection(discovery, last_connection)
    found = discovery.by_name(value)
    if found is None:
        raise ArgumentError(unknown_connection(value, discovery))
    return found


def unknown_connection(name: str, discovery: Discovery) -> str:
    names = ", ".join(c.name for c in discovery.connections)
    if names:
        known = f"the connections are: {names}"
    elif discovery.podman_found:
        known = "there are no connections"
    else:
        known = "Podman is not installed"
    return f"no connection named {name!r} ({known})"


def check_container_ref(ref: str) -> str:
    """A container name or id as Podman allows them."""
    if not _CONTAINER_REF.match(ref):
        raise ArgumentError(f"{ref!r} is not a container name or id")
    return ref


def check_file(option: str, path: str) -> str:
    """A file the user names (an SSH key): it must exist ("" when not given)."""
    if path and not os.path.isfile(os.path.expanduser(path)):
        raise ArgumentError(f"{option} {path}: no such file")
    return path


def check_container(client: Client, ref: str, connection: Connection) -> None:
    """That ``ref`` names a container at ``client`` (blocking).

    Refused with exit code 1 when Podman has no such container or cannot be reached; the
    local socket is let through unreached, since the app can then run its own service.
    """
    where = connection.name or connection.uri
    try:
        client.inspect_container(ref)
    except NotFound:
        raise ArgumentError(f"no container {ref!r} on {where}", EXIT_FAILED) from None
    except ConnectionLost as exc:
        if connection.source != "local":
            raise ArgumentError(f"{where}: {exc}", EXIT_FAILED) from None
    except PodmanError as exc:
        raise ArgumentError(f"{where}: {exc}", EXIT_FAILED) from None


def check_container_at(connection: Connection, ref: str) -> None:
    """``check_container`` with a client of its own on a non-ssh ``connection``."""
    from app.engine.client import Client

    client = Client(connection.uri, timeout=CHECK_TIMEOUT_S)
    try:
        check_container(client, ref, connection)
    finally:
        client.close()
