"""Logging: one named logger per subsystem, a size-capped file, --debug for more.

Subsystem loggers are children of ``pdc`` (``pdc.engine``, ``pdc.proxy``,
``pdc.events``, ``pdc.ui``…), so one handler pair serves them all.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

ROOT = "pdc"
MAX_BYTES = 1_000_000
BACKUPS = 3

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def get(subsystem: str) -> logging.Logger:
    """The logger of one subsystem, e.g. ``log.get("engine")``."""
    return logging.getLogger(f"{ROOT}.{subsystem}")


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
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        root.warning("cannot write the log file %s: %s", log_file, exc)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    return log_file
