"""A Podman connection: a name and where its API lives (local socket, pipe, ssh://)."""

from __future__ import annotations

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
        return urlparse(self.uri).scheme

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
    """A Connection for a ``--connection`` value that is a URI rather than a name."""
    if value.startswith("/"):
        value = f"unix://{value}"
    conn = Connection(name=value, uri=value, source="argument")
    if conn.is_ssh:
        conn.ssh_target()
    else:
        conn.endpoint()  # validates the URI
    return conn


def looks_like_uri(value: str) -> bool:
    return value.startswith("/") or "://" in value
