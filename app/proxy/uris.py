"""The proxy's addresses: what an upstream URI names, and what counts as loopback."""

from __future__ import annotations

import getpass
import ipaddress
from urllib.parse import unquote, urlparse

from app.engine.connection import SshTarget
from app.engine.endpoint import Endpoint, EndpointError

__all__ = ["ProxyUriError", "SshTarget", "is_loopback", "parse_upstream"]


class ProxyUriError(ValueError):
    """An address the proxy cannot use; the message names it and says why."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine's loopback (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_ssh(uri: str) -> SshTarget:
    parsed = urlparse(uri)
    if parsed.scheme != "ssh":
        raise ProxyUriError(f"{uri}: not an ssh:// address")
    try:
        port = parsed.port or 22
    except ValueError as exc:
        raise ProxyUriError(f"{uri}: {exc}") from None
    if not parsed.hostname:
        raise ProxyUriError(f"{uri}: an ssh:// address needs a host")
    path = unquote(parsed.path)
    if not path.startswith("/") or path == "/":
        raise ProxyUriError(
            f"{uri}: an ssh:// address needs the remote socket path, "
            "e.g. ssh://core@127.0.0.1:2222/run/user/1000/podman/podman.sock"
        )
    if parsed.password:
        raise ProxyUriError(f"ssh://…@{parsed.hostname}: passwords in the address are not used")
    user = unquote(parsed.username) if parsed.username else getpass.getuser()
    return SshTarget(user, parsed.hostname, port, path)


def parse_upstream(uri: str) -> Endpoint | SshTarget:
    """An upstream is a local unix socket (``unix://``) or ``ssh://``."""
    if uri.startswith("ssh://"):
        return parse_ssh(uri)
    try:
        endpoint = Endpoint.parse(uri)
    except EndpointError as exc:
        raise ProxyUriError(str(exc)) from None
    if endpoint.scheme != "unix":
        raise ProxyUriError(f"{uri}: the upstream must be unix:// or ssh://")
    return endpoint


def parse_listen(uri: str) -> Endpoint:
    """A listener is ``unix://``, ``npipe://`` or loopback ``tcp://`` (port 0: any free one)."""
    parsed = urlparse(uri)
    if parsed.scheme == "tcp" and parsed.hostname and parsed.netloc.endswith(":0"):
        endpoint = Endpoint("tcp", host=parsed.hostname, port=0)
        if not is_loopback(endpoint.host):
            raise ProxyUriError(loopback_only_message(endpoint.host))
        return endpoint
    try:
        endpoint = Endpoint.parse(uri)
    except EndpointError as exc:
        raise ProxyUriError(str(exc)) from None
    if endpoint.scheme == "tcp" and not is_loopback(endpoint.host):
        raise ProxyUriError(loopback_only_message(endpoint.host))
    return endpoint


def loopback_only_message(host: str) -> str:
    return (
        f"Refusing to listen on {host}: TCP listeners are loopback only (127.0.0.1, ::1 or "
        "localhost). The Podman API has no authentication, and anyone who can reach it "
        "controls Podman (root-equivalent on a rootful machine)."
    )
