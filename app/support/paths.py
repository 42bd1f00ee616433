"""Where the app keeps its settings, logs and runtime sockets, per platform."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from app import APP_ID


def _home() -> Path:
    return Path(os.path.expanduser("~"))


def _xdg(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value and os.path.isabs(value) else default


def config_dir() -> Path:
    """Settings (settings.ini). Callers create it with ``ensure_private_dir``."""
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", _home())) / APP_ID
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support" / APP_ID
    return _xdg("XDG_CONFIG_HOME", _home() / ".config") / APP_ID


def state_dir() -> Path:
    """Logs and other state that is not configuration. Callers create it with
    ``ensure_private_dir``."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", _home())) / APP_ID
    if sys.platform == "darwin":
        return _home() / "Library" / "Logs" / APP_ID
    return _xdg("XDG_STATE_HOME", _home() / ".local" / "state") / APP_ID


def runtime_dir() -> Path:
    """Private sockets (the app's own Podman service, proxies): created 0700."""
    if sys.platform.startswith("linux") and os.environ.get("XDG_RUNTIME_DIR"):
        base = Path(os.environ["XDG_RUNTIME_DIR"])
    else:
        # macOS and runtime-dir-less Linux: a per-user dir under the temp dir.
        base = Path(tempfile.gettempdir()) / f"{APP_ID}-{_uid()}"
        base.mkdir(mode=0o700, exist_ok=True)
        return ensure_private_dir(base)
    return ensure_private_dir(base / APP_ID)


def log_file() -> Path:
    return state_dir() / "app.log"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` 0700 (or tighten it), refusing a directory owned by someone else."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if hasattr(os, "getuid"):
        st = path.stat()
        if st.st_uid != os.getuid():
            raise PermissionError(f"{path} belongs to another user; refusing to use it")
        if st.st_mode & 0o077:
            os.chmod(path, 0o700)
    return path


def ensure_private_file(path: Path) -> Path:
    """Create ``path`` empty and 0600 if it is missing, or tighten it to 0600: what the
    app writes (logs, settings) names the user's hosts and connections.

    Writers that keep an existing file's mode (QSettings, appending) then keep it private.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        if hasattr(os, "fchmod") and os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def _uid() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")


def resources_dir() -> Path:
    """app/resources as a directory on disk (a checkout, a wheel and the one-folder bundle
    all unpack it). Prefer app/support/resources.py, which reads through importlib."""
    from importlib.resources import files

    return Path(str(files("app").joinpath("resources")))
