"""Running the ``podman`` executable (blocking: callers keep it off the GUI thread)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from app.support import log

_log = log.get("engine")


class PodmanMissing(RuntimeError):
    """No podman executable was found."""


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def error_text(self) -> str:
        """Podman's own message, without the ``Error: `` prefix it adds."""
        text = self.stderr.strip().splitlines()
        last = next((line for line in reversed(text) if line.startswith("Error:")), "")
        line = last or (text[-1] if text else f"exit code {self.returncode}")
        return line.removeprefix("Error: ").strip()

    def json(self) -> Any:
        return json.loads(self.stdout or "null")


def json_rows(text: str, what: str) -> list[dict[str, Any]]:
    """The objects of a JSON list that ``podman ... --format json`` printed.

    Raises ValueError when the text is not a JSON list (truncated, garbled, nested
    beyond what the parser can follow); an entry that is not an object is skipped with a
    log line, so the good entries around it still arrive.
    """
    try:
        rows = json.loads(text or "[]")
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise ValueError(f"expected a JSON list, got {type(rows).__name__}")
    good = [row for row in rows if isinstance(row, dict)]
    if len(good) < len(rows):
        _log.warning("%s: skipped %d entries that are not objects", what, len(rows) - len(good))
    return good


def find_podman(configured: str = "") -> str | None:
    """The podman executable: the configured path if it is one, else the one on PATH."""
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        return shutil.which(configured)
    return shutil.which("podman")


class PodmanCli:
    """Runs podman subcommands and returns their output."""

    def __init__(self, executable: str | None = None, env: dict[str, str] | None = None) -> None:
        self.executable = executable or find_podman()
        self.env = env

    @classmethod
    def configured(cls, path: str = "", env: dict[str, str] | None = None) -> PodmanCli:
        """The CLI the user's settings name (or PATH's); ``available`` is False if none."""
        cli = cls(env=env)
        cli.executable = find_podman(path)
        return cli

    @property
    def available(self) -> bool:
        return self.executable is not None

    def run(self, *args: str, timeout: float = 60.0) -> CliResult:
        if not self.executable:
            raise PodmanMissing("podman is not installed (no podman executable on PATH)")
        _log.debug("podman %s", " ".join(args))
        try:
            proc = subprocess.run(
                [self.executable, *args],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=self.env,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError as exc:
            raise PodmanMissing(f"cannot run {self.executable}: {exc.strerror}") from exc
        except subprocess.TimeoutExpired:
            return CliResult(tuple(args), 124, "", f"Error: podman took over {timeout:.0f} s")
        return CliResult(tuple(args), proc.returncode, proc.stdout, proc.stderr)

    def version(self) -> str:
        """The client's version (``podman version --format {{.Client.Version}}``)."""
        result = self.run("version", "--format", "{{.Client.Version}}", timeout=15)
        if not result.ok:
            # `podman version` also asks the server; the client part is still printed.
            result = self.run("--version", timeout=15)
            return result.stdout.strip().rsplit(" ", 1)[-1] if result.ok else ""
        return result.stdout.strip()
