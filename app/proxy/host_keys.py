"""Deciding whether to trust an SSH server's host key, the way OpenSSH and Podman do.

A podman machine (``is_machine``, on loopback) is trusted as Podman trusts it: its key
changes whenever the VM is re-created. Every other host is checked against known_hosts
(``[host]:port`` for ports other than 22). An unknown key goes to a callback (the GUI shows
the fingerprint) or, headless, is refused unless ``accept_new``; a changed key is always
refused, with both fingerprints.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from paramiko import HostKeys, PKey

from app.proxy.uris import is_loopback

log = logging.getLogger("pdc.proxy")

SYSTEM_KNOWN_HOSTS = Path("/etc/ssh/ssh_known_hosts")


class HostKeyError(Exception):
    """The server's host key is not trusted; the message says why and what to do."""


@dataclass(frozen=True)
class HostKeyInfo:
    """What the user needs to decide about an unknown host key."""

    host: str
    port: int
    key_type: str  # e.g. "ssh-ed25519"
    fingerprint: str  # "SHA256:…", as ssh-keygen -l prints it
    known_hosts: str  # the file the key will be recorded in if accepted


# Called on a proxy thread; may block while the user decides. True trusts and records the key.
UnknownKeyCallback = Callable[[HostKeyInfo], bool]


@dataclass
class HostKeyPolicy:
    """How host keys are checked for one upstream."""

    known_hosts: str | None = None  # default ~/.ssh/known_hosts
    is_machine: bool = False
    accept_new: bool = False
    # Skips every check: anyone who can intercept the TCP connection can impersonate the
    # server and read or drive the Podman API. For throwaway scripts only.
    insecure_skip: bool = False
    on_unknown: UnknownKeyCallback | None = None

    @property
    def known_hosts_path(self) -> Path:
        return Path(self.known_hosts or Path.home() / ".ssh" / "known_hosts").expanduser()


def fingerprint(key: PKey) -> str:
    """The SHA256 fingerprint of a key, in OpenSSH's spelling."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def host_entry_name(host: str, port: int) -> str:
    """The name known_hosts files use: ``host`` on port 22, else ``[host]:port``."""
    return host if port == 22 else f"[{host}]:{port}"


def known_key_types(policy: HostKeyPolicy, host: str, port: int) -> list[str]:
    """Key types already recorded for the host: the client should ask for these first."""
    return list(_lookup(policy, host_entry_name(host, port)).keys())


def check_host_key(policy: HostKeyPolicy, host: str, port: int, key: PKey) -> None:
    """Return if the key is trusted (recording it when newly accepted), else raise."""
    if policy.insecure_skip:
        log.warning(
            "Host key of %s:%s NOT verified (insecure skip): the connection could be intercepted",
            host,
            port,
        )
        return
    if policy.is_machine and is_loopback(host):
        return  # Podman's own rule for machines: their keys change on every re-create
    name = host_entry_name(host, port)
    known = _lookup(policy, name)
    offered = fingerprint(key)
    if key.get_name() in known:
        if known[key.get_name()].asbytes() == key.asbytes():
            return
        raise HostKeyError(_changed_message(policy, name, known[key.get_name()], key))
    if known:
        # The server no longer offers the type we recorded: OpenSSH would not trust it.
        old = next(iter(known.values()))
        raise HostKeyError(_changed_message(policy, name, old, key))
    info = HostKeyInfo(host, port, key.get_name(), offered, str(policy.known_hosts_path))
    if policy.accept_new or (policy.on_unknown is not None and policy.on_unknown(info)):
        record_host_key(policy.known_hosts_path, name, key)
        log.info("Recorded new host key for %s (%s) in %s", name, offered, info.known_hosts)
        return
    hint = (
        "rerun with --accept-new-host-key to trust it"
        if policy.on_unknown is None
        else "it was not accepted"
    )
    raise HostKeyError(
        f"The host key of {name} is not known ({key.get_name()} {offered}) and {hint}. "
        f"Check the fingerprint with the server's owner first."
    )


def record_host_key(path: Path, name: str, key: PKey) -> None:
    """Append one known_hosts line; never rewrite the file (keeps comments, hashed lines)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as out:
        if out.tell() > 0 and not _ends_with_newline(path):
            out.write("\n")
        out.write(f"{name} {key.get_name()} {key.get_base64()}\n")


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def _lookup(policy: HostKeyPolicy, name: str) -> dict[str, PKey]:
    found: dict[str, PKey] = {}
    for path in (SYSTEM_KNOWN_HOSTS, policy.known_hosts_path):
        if not path.is_file():
            continue
        keys = HostKeys()
        try:
            keys.load(str(path))
        except OSError as exc:
            log.warning("Cannot read %s: %s", path, exc)
            continue
        entry = keys.lookup(name)
        if entry:
            found.update({kind: entry[kind] for kind in entry})
    return found


def _changed_message(policy: HostKeyPolicy, name: str, old: PKey, new: PKey) -> str:
    path = policy.known_hosts_path
    return (
        f"The host key of {name} has CHANGED: known_hosts has {old.get_name()} "
        f"{fingerprint(old)}, the server offered {new.get_name()} {fingerprint(new)}. "
        f"Someone may be intercepting the connection. If the server was re-installed, "
        f"remove the old key with: ssh-keygen -R '{name}' -f {path}"
    )
