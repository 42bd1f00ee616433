"""Creating secrets and reading their metadata, for the Secrets page's dialogs.

A secret's value passes through here once, on its way to the engine call, and is not
kept: no attribute holds it, no log line names it, and the settings never see it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.controllers.session import Session
from app.engine.command_line import CommandLine
from app.engine.dto import SecretDetails
from app.engine.errors import Unreachable
from app.engine.secrets import (
    create_secret,
    create_secret_from_file,
    secret_name_problem,
    secret_value_problem,
)
from app.support import log

_log = log.get("secrets")
# Stands for a typed value in the command preview: the real value is never shown.
VALUE_PLACEHOLDER = '"$SECRET_VALUE"'


class SecretActions(QObject):
    """Creates secrets on the current session and describes them."""

    def __init__(
        self, session: Callable[[], Session | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session

    def names(self) -> set[str]:
        """The secret names Podman listed last (to refuse a taken name before asking)."""
        session = self._session()
        if session is None:
            return set()
        return {item.name for item in session.items("secrets").values()}

    def name_problem(self, name: str) -> str:
        """Why ``name`` cannot be a new secret's name ("" when it can)."""
        problem = secret_name_problem(name)
        if not problem and name in self.names():
            problem = f"A secret named “{name}” exists already."
        return problem

    @staticmethod
    def value_problem(size: int) -> str:
        """Why a value of ``size`` bytes cannot be kept ("" when it can)."""
        return secret_value_problem(size)

    @staticmethod
    def command(name: str, path: str | None = None) -> str:
        """The equivalent command: from a file, or from a typed value that stands there
        as a shell variable, so the line never holds the value (and copying it neither)."""
        name = name or "NAME"
        if path is not None:
            return str(CommandLine("secret", "create").arg(name, path or "FILE"))
        create = CommandLine("secret", "create").arg(name, "-")
        return f"printf '%s' {VALUE_PLACEHOLDER} | {create}"

    async def create(self, name: str, value: bytes) -> str:
        """Create secret ``name`` holding ``value`` (driver ``file``); returns its id."""
        session = self._connected()
        try:
            secret_id = await session.call(create_secret, session.client.endpoint, name, value)
        finally:
            del value
        _log.info("created secret %s", name)  # the name only, never the value
        await session.reconcile(("secrets",))
        return secret_id

    async def create_from_file(self, name: str, path: str) -> str:
        """Create secret ``name`` from the bytes of the file ``path`` (read off the GUI
        thread, by the engine, and sent straight on)."""
        session = self._connected()
        secret_id = await session.call(create_secret_from_file, session.client.endpoint, name, path)
        _log.info("created secret %s from a file", name)
        await session.reconcile(("secrets",))
        return secret_id

    async def details(self, key: str) -> SecretDetails:
        """The secret's metadata and the names of the containers using it."""
        session = self._connected()
        attrs = await session.call(session.client.inspect_secret, key)
        users = await session.call(session.client.secret_users, key)
        return SecretDetails.from_api(attrs, users)

    def _connected(self) -> Session:
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        return session
