"""Start at login, minimized to the tray: an XDG autostart entry on Linux and the BSDs
(``$XDG_CONFIG_HOME/autostart/<app id>.desktop``, the freedesktop "Desktop Application
Autostart" specification).

On Windows and macOS the installer does it instead (a Run registry value written by the
Inno Setup script; a LaunchAgent the user adds under Login Items), so ``supported`` is
False there and the Settings checkbox says where to look.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from app import APP_ID
from app.support import log, paths, resources

_log = log.get("autostart")

# Characters that make a desktop-entry Exec argument need quoting, and those that must be
# backslash-escaped inside the quotes (Desktop Entry Specification, "The Exec key").
_NEEDS_QUOTES = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = '"`$\\'


def launch_command() -> list[str]:
    """How this installation is started again: the bundle's executable, else the
    installed console script, else this interpreter running the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = shutil.which(APP_ID)
    if script:
        return [script]
    return [sys.executable, "-m", "app"]


def exec_line(args: list[str]) -> str:
    """``args`` as a desktop entry's Exec value, quoted as the specification asks."""
    return " ".join(_exec_argument(arg) for arg in args)


def _exec_argument(arg: str) -> str:
    arg = arg.replace("%", "%%")  # a lone % starts a field code
    if arg and not (_NEEDS_QUOTES & set(arg)):
        return arg
    escaped = "".join("\\" + ch if ch in _ESCAPED_IN_QUOTES else ch for ch in arg)
    return f'"{escaped}"'


def desktop_entry(exec_value: str, extra: dict[str, str] | None = None) -> str:
    """The app's own .desktop entry (app/resources) with ``Exec`` set to ``exec_value``
    and the keys in ``extra`` added or replaced, in its [Desktop Entry] group."""
    extra = dict(extra or {})
    extra["Exec"] = exec_value
    lines: list[str] = []
    in_main = False
    for line in resources.read_bytes(resources.DESKTOP_FILE).decode("utf-8").splitlines():
        if line.startswith("["):
            if in_main:
                lines.extend(f"{key}={value}" for key, value in extra.items())
                extra = {}
            in_main = line.strip() == "[Desktop Entry]"
        elif in_main and "=" in line and line.split("=", 1)[0].strip() in extra:
            key = line.split("=", 1)[0].strip()
            lines.append(f"{key}={extra.pop(key)}")
            continue
        lines.append(line)
    lines.extend(f"{key}={value}" for key, value in extra.items())
    return "\n".join(lines) + "\n"


class Autostart:
    """The autostart entry of this user: whether it exists, and writing or removing it."""

    def __init__(self, command: list[str] | None = None, config_home: Path | None = None) -> None:
        self.command = command or launch_command()
        # paths.config_dir() is $XDG_CONFIG_HOME/<app id> on Linux: its parent is the base.
        self.config_home = config_home or paths.config_dir().parent
        self.supported = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))

    @property
    def path(self) -> Path:
        return self.config_home / "autostart" / f"{APP_ID}.desktop"

    def enabled(self) -> bool:
        """Whether the app starts at login: the entry exists and is not hidden."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:
            return False
        return "Hidden=true" not in text.replace(" ", "")

    def set_enabled(self, enabled: bool) -> None:
        """Write or remove the entry; OSError when the autostart dir cannot be written."""
        if not self.supported:
            return
        if enabled:
            self._write()
        elif self.path.exists():
            self.path.unlink()
            _log.info("removed the autostart entry %s", self.path)

    def _write(self) -> None:
        entry = desktop_entry(
            exec_line([*self.command, "--minimized"]),
            {"X-GNOME-Autostart-enabled": "true", "Hidden": "false"},
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(entry, encoding="utf-8")
        os.replace(temporary, self.path)  # never a half-written entry at login
        _log.info("wrote the autostart entry %s", self.path)
