"""A Podman connection: a name and where its API lives (local socket, pipe, ssh://)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from app.engine.endpoint import Endpoint, EndpointError

# A machine's rootful connection is named after the machine with this suffix: NAME is
# rootless, NAME-root rootful (docs/podman-notes.md).
ROOT_SUFFIX = "-root"


@dataclass(frozen=True)
class SshTarget:
    """The parts of an ``ssh://user@host:port/path/to/podman.sock`` URI."""

    user: str
    host: str
    port: int
    socket_path: str

    @property
    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ssh://{self.user}@{host}:{self.port}{self.socket_path}"


def parse_ssh_uri(uri: str) -> SshTarget:
    """The strict grammar of an ``ssh://[user@]host[:port]/remote/socket`` address, shared
    by the command line and the proxy; ``user`` is "" when the address names none.

    Raises EndpointError saying what is wrong.
    """
    try:
        parsed = urlparse(uri)
    except ValueError as exc:  # "Invalid IPv6 URL"
        raise EndpointError(f"{uri}: {exc}") from None
    if parsed.scheme != "ssh":
        raise EndpointError(f"{uri}: not an ssh:// address")
    try:
        port = parsed.port or 22
    except ValueError as exc:
        raise EndpointError(f"{uri}: {exc}") from None
    if not parsed.hostname:
        raise EndpointError(f"{uri}: an ssh:// address needs a host")
    path = unquote(parsed.path)
    if not path.startswith("/") or path == "/":
        raise EndpointError(
            f"{uri}: an ssh:// address needs the remote socket path, "
            "e.g. ssh://core@127.0.0.1:2222/run/user/1000/podman/podman.sock"
        )
    if parsed.password:
        raise EndpointError(f"ssh://…@{parsed.hostname}: passwords in the address are not used")
    return SshTarget(unquote(parsed.username or ""), parsed.hostname, port, path)


@dataclass(frozen=True)
class Connection:
    """One place a Podman API can be reached, as Podman's own connection list names it.

    ``source`` says where the app learnt of it: ``podman`` (``system connection list``),
    ``local`` (a socket found on this computer) or ``argument`` (given on the command line).
    """

    name: str
    uri: str
    identity: str = ""
    is_machine: bool = False
    is_default: bool = False
    source: str = "podman"

    @property
    def scheme(self) -> str:
        if self.uri.startswith("/"):
            return "unix"
        # Not urlparse: it raises on a malformed host ("ssh://[::1"), and a scheme is all
        # this needs.
        scheme, sep, _rest = self.uri.partition("://")
        return scheme.lower() if sep else ""

    @property
    def is_ssh(self) -> bool:
        """ssh:// connections are reached through the app's own proxy, never podman-py's."""
        return self.scheme == "ssh"

    @property
    def is_local(self) -> bool:
        return self.scheme in ("unix", "npipe", "tcp")

    @property
    def rootful(self) -> bool:
        """A machine's ``-root`` twin, or a root login / root socket."""
        if self.is_ssh:
            target = self.ssh_target()
            return target.user == "root" or target.socket_path.startswith("/run/podman/")
        return self.uri.endswith("/run/podman/podman.sock")

    @property
    def port_host(self) -> str:
        """Where published ports are reached (docs/architecture.md, "Ports"): a remote host's name,
        else localhost (a machine forwards its ports to the host's loopback)."""
        if not self.is_ssh or self.is_machine:
            return "localhost"
        host = urlparse(self.uri).hostname or "localhost"
        return "localhost" if host in ("127.0.0.1", "::1") else host

    def endpoint(self) -> Endpoint:
        """The local endpoint of a non-ssh connection."""
        if self.is_ssh:
            raise EndpointError(f"{self.name}: an ssh:// connection is reached through a proxy")
        return Endpoint.parse(self.uri)

    def ssh_target(self) -> SshTarget:
        parsed = urlparse(self.uri)
        if parsed.scheme != "ssh" or not parsed.hostname:
            raise EndpointError(f"{self.uri}: not an ssh://user@host[:port]/socket address")
        try:
            port = parsed.port or 22
        except ValueError as exc:
            raise EndpointError(f"{self.uri}: {exc}") from None
        return SshTarget(
            user=unquote(parsed.username or ""),
            host=parsed.hostname,
            port=port,
            socket_path=unquote(parsed.path),
        )

    def describe(self) -> str:
        """A short line for menus and the status bar."""
        if self.is_ssh:
            target = self.ssh_target()
            return f"{target.user}@{target.host}:{target.port}"
        return self.uri


def machine_name_of(connection: Connection) -> str:
    """The machine a machine connection belongs to (``NAME`` and ``NAME-root`` alike)."""
    return connection.name.removesuffix(ROOT_SUFFIX)


def machine_connection_name(machine: str, rootful: bool) -> str:
    """The connection Podman makes a machine's default: ``NAME-root`` when it runs rootful."""
    return f"{machine}{ROOT_SUFFIX}" if rootful else machine


def connection_from_argument(value: str) -> Connection:
    """A Connection for a ``--connection`` value that is a URI rather than a name.

    Raises EndpointError for an address that does not parse, or names a kind of socket
    this computer does not have (a named pipe off Windows).
    """
    if value.startswith("/"):
        value = f"unix://{value}"
    scheme, _sep, rest = value.partition("://")
    value = f"{scheme.lower()}://{rest}"  # SSH://… is ssh://… to every parser after this
    conn = Connection(name=value, uri=value, source="argument")
    if conn.is_ssh:
        parse_ssh_uri(value)
    elif conn.endpoint().scheme == "npipe" and sys.platform != "win32":
        raise EndpointError(f"{value}: named pipes (npipe://) exist only on Windows")
    return conn


def looks_like_uri(value: str) -> bool:
    return value.startswith("/") or "://" in value
