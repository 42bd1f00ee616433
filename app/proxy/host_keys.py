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
from typing import TYPE_CHECKING

from app.proxy.uris import is_loopback

if TYPE_CHECKING:  # paramiko loads with the SSH upstream; the records here need none of it
    from paramiko import HostKeys, PKey

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

    @property
    def entry_name(self) -> str:
        """The host as known_hosts names it: ``host``, or ``[host]:port`` off port 22."""
        return host_entry_name(self.host, self.port)


class UnknownHostKey(HostKeyError):
    """No known_hosts file has a key for the host, and the new one was not accepted."""

    def __init__(self, message: str, info: HostKeyInfo) -> None:
        super().__init__(message)
        self.info = info


class ChangedHostKey(HostKeyError):
    """known_hosts has another key for the host: refused, whatever the user says."""


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
    """Return if the key is trusted (recording it when newly accepted), else raise
    UnknownHostKey or ChangedHostKey."""
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
        raise ChangedHostKey(_changed_message(policy, name, known[key.get_name()], key))
    if known:
        # The server no longer offers the type we recorded: OpenSSH would not trust it.
        old = next(iter(known.values()))
        raise ChangedHostKey(_changed_message(policy, name, old, key))
    info = HostKeyInfo(host, port, key.get_name(), offered, str(policy.known_hosts_path))
    if policy.accept_new or (policy.on_unknown is not None and policy.on_unknown(info)):
        record_host_key(policy.known_hosts_path, name, key)
        log.info("Recorded new host key for %s (%s) in %s", name, offered, info.known_hosts)
        return
    unknown = f"The host key of {name} is not known ({key.get_name()} {offered})"
    if policy.on_unknown is None:
        raise UnknownHostKey(
            f"{unknown}. Check the fingerprint with the server's owner, then rerun with "
            "--accept-new-host-key to trust it.",
            info,
        )
    raise UnknownHostKey(
        f"{unknown} and it was not accepted. Check the fingerprint with the server's owner first.",
        info,
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
        try:
            keys = _load_known_hosts(path)
        except OSError as exc:
            log.warning("Cannot read %s: %s", path, exc)
            continue
        entry = keys.lookup(name)
        if entry:
            found.update({kind: entry[kind] for kind in entry})
    return found


def _load_known_hosts(path: Path) -> HostKeys:
    """A known_hosts file's keys; a line that cannot be read (not UTF-8, bad base64, a
    truncated key) is skipped with a log line, as OpenSSH skips it, and the lines around
    it still count. (paramiko's own HostKeys.load raises on the first two.)"""
    from paramiko import HostKeys, SSHException
    from paramiko.hostkeys import HostKeyEntry, InvalidHostKey

    keys = HostKeys()
    seen: set[tuple[str, str]] = set()
    skipped = 0
    with open(path, "rb") as f:
        data = f.read()
    for lineno, raw in enumerate(data.splitlines(), 1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            skipped += 1
            continue
        if not line or line.startswith("#"):
            continue
        try:
            entry = HostKeyEntry.from_line(line, lineno)
        except (SSHException, InvalidHostKey, ValueError):
            entry = None
        if entry is None or entry.key is None:
            skipped += 1
            continue
        kind = entry.key.get_name()
        for host in entry.hostnames:
            if (host, kind) not in seen:  # the first line for a host and type counts
                seen.add((host, kind))
                keys.add(host, kind, entry.key)
    if skipped:
        log.warning("%s: skipped %d unreadable line(s)", path, skipped)
    return keys


def _changed_message(policy: HostKeyPolicy, name: str, old: PKey, new: PKey) -> str:
    path = policy.known_hosts_path
    return (
        f"The host key of {name} has CHANGED: known_hosts has {old.get_name()} "
        f"{fingerprint(old)}, the server offered {new.get_name()} {fingerprint(new)}. "
        f"Someone may be intercepting the connection. If the server was re-installed, "
        f"remove the old key with: ssh-keygen -R '{name}' -f {path}"
    )
