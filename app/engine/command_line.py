"""The ``podman …`` command a form is equivalent to, quoted for a POSIX shell.

Dialogs that create things show it live (DESIGN: "Creating things"), so a learner sees
the CLI they could have typed and can copy it into a terminal.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable


class CommandLine:
    """Builds ``podman SUB … [positional …]``; an option is added only when it was set."""

    def __init__(self, *subcommand: str) -> None:
        self._words: list[str] = ["podman", *subcommand]
        self._positional: list[str] = []

    def flag(self, name: str, on: bool = True) -> CommandLine:
        """``--name`` when ``on``."""
        if on:
            self._words.append(name)
        return self

    def option(self, name: str, value: str | int | None) -> CommandLine:
        """``--name=value``, unless value is None or empty."""
        if value is not None and value != "":
            self._words.append(f"{name}={value}")
        return self

    def options(self, name: str, values: Iterable[str | int]) -> CommandLine:
        """``--name=v`` once per value."""
        for value in values:
            self.option(name, value)
        return self

    def arg(self, *values: str) -> CommandLine:
        """Positional words, placed after every option."""
        self._positional.extend(v for v in values if v != "")
        return self

    def words(self) -> list[str]:
        return [*self._words, *self._positional]

    def __str__(self) -> str:
        return shlex.join(self.words())
