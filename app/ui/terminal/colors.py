"""The terminal's colours: pyte's colour names and hex codes to QColors, per theme.

pyte names the 16 ANSI colours ("red", "brightblue"; "brown" is yellow, and one
background is spelled "bfightmagenta") and gives 256-colour and true colours as six hex
digits. The default colours and the 16 named ones follow the app's light or dark theme;
the others are absolute, as in every terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from PySide6.QtGui import QColor
from pyte.graphics import FG_BG_256

# pyte turns 256-colour codes 0-15 into fixed hex values: they are the 16 ANSI colours,
# so they follow the theme like the named ones (a true colour of the same value does too).
_FIRST_16 = {code: index for index, code in enumerate(FG_BG_256[:16])}
_NAMES = ("black", "red", "green", "brown", "blue", "magenta", "cyan", "white")

# Tango-like on dark, deeper tones on light so yellow and cyan stay readable on white.
_DARK = [
    "#2e3436",
    "#cc0000",
    "#4e9a06",
    "#c4a000",
    "#3465a4",
    "#75507b",
    "#06989a",
    "#d3d7cf",
    "#555753",
    "#ef2929",
    "#8ae234",
    "#fce94f",
    "#729fcf",
    "#ad7fa8",
    "#34e2e2",
    "#eeeeec",
]
_LIGHT = [
    "#000000",
    "#c01c28",
    "#26a269",
    "#a2734c",
    "#12488b",
    "#a347ba",
    "#2a7b8a",
    "#b0b0b0",
    "#5e5c64",
    "#f66151",
    "#2ec27e",
    "#b58900",
    "#2a7bde",
    "#c061cb",
    "#1b8b9a",
    "#8a8a8a",
]


@dataclass
class Palette:
    foreground: QColor
    background: QColor
    cursor: QColor
    selection: QColor
    ansi: list[QColor] = field(default_factory=list)

    def color(self, name: str, is_foreground: bool, bold: bool = False) -> QColor:
        """The QColor of a pyte colour (``"default"``, a name, or six hex digits)."""
        if name == "default":
            return self.foreground if is_foreground else self.background
        index = _ansi_index(name)
        if index is None:
            index = _FIRST_16.get(name)
        if index is not None:
            if bold and index < 8 and is_foreground and name in _NAMES:
                index += 8  # bold brightens the eight basic colours, as xterm does
            return self.ansi[index]
        return _hex(name) or (self.foreground if is_foreground else self.background)


def palette(dark: bool) -> Palette:
    if dark:
        return Palette(
            QColor("#d0d0d0"),
            QColor("#1e1f22"),
            QColor("#e0e0e0"),
            QColor(70, 110, 170, 160),
            [QColor(c) for c in _DARK],
        )
    return Palette(
        QColor("#1e1e1e"),
        QColor("#fbfbfb"),
        QColor("#303030"),
        QColor(120, 160, 230, 120),
        [QColor(c) for c in _LIGHT],
    )


@lru_cache(maxsize=64)
def _ansi_index(name: str) -> int | None:
    bright = name.startswith(("bright", "bfight"))
    base = name[6:] if bright else name
    if base in _NAMES:
        return _NAMES.index(base) + (8 if bright else 0)
    return None


@lru_cache(maxsize=4096)
def _hex(code: str) -> QColor | None:
    if len(code) != 6:
        return None
    try:
        return QColor(int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16))
    except ValueError:
        return None
