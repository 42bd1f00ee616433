"""Logging: one named logger per subsystem, a size-capped file, --debug for more.

Subsystem loggers are children of ``pdc`` (``pdc.engine``, ``pdc.proxy``,
``pdc.events``, ``pdc.ui``…), so one handler pair serves them all.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import IO, Any

from app.support import paths

ROOT = "pdc"
MAX_BYTES = 1_000_000
BACKUPS = 3

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def get(subsystem: str) -> logging.Logger:
    """The logger of one subsystem, e.g. ``log.get("engine")``."""
    return logging.getLogger(f"{ROOT}.{subsystem}")


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are 0600: the log names the user's hosts, users and
    connections. Each new file is opened private (a rotation renames the old one, mode
    and all), and files left by earlier versions are tightened."""

    def __init__(self, filename: Path, **kwargs: Any) -> None:
        for n in range(1, kwargs.get("backupCount", 0) + 1):
            rotated = Path(f"{filename}.{n}")
            if rotated.exists():
                paths.ensure_private_file(rotated)
        super().__init__(filename, **kwargs)

    def _open(self) -> IO[str]:
        paths.ensure_private_file(Path(self.baseFilename))
        return super()._open()


def setup(log_file: Path | None, debug: bool = False) -> Path | None:
    """Send app logs to a rotating file (INFO, or DEBUG with --debug) and warnings to stderr.

    Returns the log file actually in use (None when it cannot be written).
    """
    root = logging.getLogger(ROOT)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    root.propagate = False
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()

    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if debug else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)

    if log_file is None:
        return None
    try:
        paths.ensure_private_dir(log_file.parent)
        handler = _PrivateRotatingFileHandler(
            log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        root.warning("cannot write the log file %s: %s", log_file, exc)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    return log_file
