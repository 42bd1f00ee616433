"""Logging in to the SSH server: an identity file, then the ssh-agent, then default keys.

An encrypted identity asks for its passphrase through a callback (the GUI's dialog, or
getpass on a terminal); the decrypted key is kept in memory so reconnects do not ask
again. Passphrases are never logged or kept.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import paramiko
from paramiko import AuthenticationException, PasswordRequiredException, PKey, SSHException

log = logging.getLogger("pdc.proxy")

DEFAULT_IDENTITIES = ("id_ed25519", "id_ecdsa", "id_rsa")
MAX_PASSPHRASE_TRIES = 3

# (identity file, the previous passphrase was wrong) -> passphrase, or None to give up.
# Called on a proxy thread; may block while the user types.
PassphraseCallback = Callable[[str, bool], "str | None"]


class AuthError(Exception):
    """Login refused or impossible; the message says which keys were tried."""


class Credentials:
    """The keys to offer, loaded once and reused on every reconnect."""

    def __init__(
        self,
        identity: str | None = None,
        ask_passphrase: PassphraseCallback | None = None,
        use_agent: bool = True,
    ) -> None:
        self.identity = os.path.expanduser(identity) if identity else None
        self.ask_passphrase = ask_passphrase
        self.use_agent = use_agent
        self._keys: dict[str, PKey] = {}

    def login(self, transport: paramiko.Transport, user: str) -> None:
        """Authenticate ``user`` on ``transport`` or raise AuthError."""
        tried: list[str] = []
        agent = paramiko.Agent() if self.use_agent and _agent_available() else None
        try:
            for label, key in self._candidates(agent):
                tried.append(label)
                try:
                    if not transport.auth_publickey(user, key):
                        return  # no further methods needed
                except AuthenticationException:
                    continue
            if transport.is_authenticated():
                return
        finally:
            if agent is not None:
                agent.close()
        offered = ", ".join(tried) or "no keys (no identity file, no ssh-agent keys)"
        raise AuthError(f"The SSH server refused the login of {user!r}; tried {offered}")

    def _candidates(self, agent: paramiko.Agent | None):
        if self.identity:
            yield self.identity, self._load(self.identity)
        if agent is not None:
            for key in agent.get_keys():
                yield f"ssh-agent key {key.get_name()}", key
        if not self.identity:
            for name in DEFAULT_IDENTITIES:
                path = Path.home() / ".ssh" / name
                if path.is_file():
                    try:
                        yield str(path), self._load(str(path))
                    except AuthError as exc:
                        log.info("Skipping %s: %s", path, exc)

    def _load(self, path: str) -> PKey:
        if path in self._keys:
            return self._keys[path]
        if not os.path.isfile(path):
            raise AuthError(f"The identity file {path} does not exist")
        passphrase: str | None = None
        asked = 0
        while True:
            try:
                key = _read_key(path, passphrase)
            except _NeedsPassphrase:
                pass
            else:
                self._keys[path] = key
                return key
            if asked == MAX_PASSPHRASE_TRIES:
                raise AuthError(f"Wrong passphrase for {path} ({asked} tries)")
            if self.ask_passphrase is None:
                raise AuthError(
                    f"The identity file {path} is encrypted and there is no way to ask for its "
                    "passphrase here; add the key to ssh-agent instead"
                )
            passphrase = self.ask_passphrase(path, asked > 0)
            asked += 1
            if passphrase is None:
                raise AuthError(f"No passphrase was given for {path}")


class _NeedsPassphrase(Exception):
    pass


def _read_key(path: str, passphrase: str | None) -> PKey:
    # PKey.from_path (cryptography underneath) wants the passphrase as bytes, says
    # TypeError when an encrypted key gets none and ValueError when it is wrong.
    try:
        return PKey.from_path(path, passphrase.encode() if passphrase is not None else None)
    except PasswordRequiredException as exc:
        raise _NeedsPassphrase from exc
    except TypeError as exc:
        if passphrase is None and "password" in str(exc).lower():
            raise _NeedsPassphrase from exc
        raise AuthError(f"Cannot read the identity file {path}: {exc}") from exc
    except ValueError as exc:
        if passphrase is not None:
            raise _NeedsPassphrase from exc  # wrong passphrase (or a damaged file)
        raise AuthError(f"Cannot read the identity file {path}: {exc}") from exc
    except (OSError, SSHException) as exc:
        raise AuthError(f"Cannot read the identity file {path}: {exc}") from exc


def _agent_available() -> bool:
    # paramiko also reaches Pageant and the OpenSSH agent pipe on Windows.
    return bool(os.environ.get("SSH_AUTH_SOCK")) or os.name == "nt"
