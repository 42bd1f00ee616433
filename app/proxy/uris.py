"""The proxy's addresses: what an upstream URI names, and what counts as loopback."""

from __future__ import annotations

import getpass
import ipaddress
from dataclasses import replace
from urllib.parse import urlparse

from app.engine.connection import SshTarget, parse_ssh_uri
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
    """An ssh:// upstream, by the grammar the command line checks too; with no user in
    the address, the local user logs in (as OpenSSH does)."""
    try:
        target = parse_ssh_uri(uri)
    except EndpointError as exc:
        raise ProxyUriError(str(exc)) from None
    return target if target.user else replace(target, user=getpass.getuser())


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
    try:
        parsed = urlparse(uri)
    except ValueError as exc:  # "Invalid IPv6 URL"
        raise ProxyUriError(f"{uri}: {exc}") from None
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
