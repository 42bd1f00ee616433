"""Checking an SSH server's host key before anything is added for it: the first step of
adding a remote connection, so the user confirms an unknown key once, up front, rather
than when the proxy first connects.

Blocking: callers keep it off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import paramiko

from app.proxy import host_keys
from app.proxy.host_keys import HostKeyInfo, HostKeyPolicy, UnknownHostKey
from app.proxy.ssh_session import server_host_key
from app.proxy.uris import ProxyUriError, parse_ssh


class SshProbeFailed(Exception):
    """The SSH server could not be reached, or SSH failed before its key was read."""


@dataclass(frozen=True)
class HostKeyCheck:
    """The server's key, and whether known_hosts already trusts it."""

    info: HostKeyInfo
    key: paramiko.PKey
    trusted: bool


def check_host_key(uri: str, known_hosts: str | None = None, timeout: float = 10.0) -> HostKeyCheck:
    """Fetch the host key of the server in ``uri`` (``ssh://…``) and look it up.

    Raises SshProbeFailed (a bad address, unreachable, SSH failed) or ChangedHostKey
    (known_hosts has another key for that host).
    """
    try:
        target = parse_ssh(uri)
    except ProxyUriError as exc:
        raise SshProbeFailed(str(exc)) from None
    where = f"{target.host}:{target.port}"
    policy = HostKeyPolicy(known_hosts=known_hosts, on_unknown=lambda _info: False)
    try:
        key = server_host_key(target, policy, timeout=timeout)
    except OSError as exc:
        raise SshProbeFailed(f"cannot reach {where}: {exc.strerror or exc}") from exc
    except (paramiko.SSHException, EOFError) as exc:
        raise SshProbeFailed(f"SSH with {where} failed: {exc}") from exc
    try:
        host_keys.check_host_key(policy, target.host, target.port, key)
    except UnknownHostKey as exc:
        return HostKeyCheck(exc.info, key, trusted=False)
    info = HostKeyInfo(
        target.host,
        target.port,
        key.get_name(),
        host_keys.fingerprint(key),
        str(policy.known_hosts_path),
    )
    return HostKeyCheck(info, key, trusted=True)


def trust_host_key(check: HostKeyCheck, known_hosts: str | None = None) -> None:
    """Record the checked key in known_hosts, as OpenSSH would after a "yes"."""
    path = HostKeyPolicy(known_hosts=known_hosts).known_hosts_path
    host_keys.record_host_key(path, check.info.entry_name, check.key)
