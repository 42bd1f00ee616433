"""ANSI colours in log lines: SGR sequences become styled runs; other escapes are dropped.

``parse`` is plain Python (tested on its own); ``char_format`` turns a style into a
cached QTextCharFormat for the logs view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from PySide6.QtGui import QColor, QFont, QTextCharFormat

# CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), and two-byte escapes.
_ESCAPE = re.compile(r"\x1b(?:\[([0-?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")

# xterm's default 16 colours, tuned to read on light and dark backgrounds alike.
PALETTE = (
    "#000000", "#cd3131", "#0dbc79", "#b58900", "#2472c8", "#bc3fbc", "#11a8cd", "#a0a0a0",
    "#666666", "#f14c4c", "#23d18b", "#d7ba25", "#3b8eea", "#d670d6", "#29b8db", "#e5e5e5",
)  # fmt: skip


@dataclass(frozen=True)
class Style:
    fg: str | None = None  # "#rrggbb"
    bg: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    inverse: bool = False


PLAIN = Style()


def has_escape(text: str) -> bool:
    return "\x1b" in text


def without_escapes(text: str) -> str:
    """The text without any escape sequence."""
    return _ESCAPE.sub("", text) if "\x1b" in text else text


def parse(text: str, style: Style = PLAIN) -> tuple[list[tuple[str, Style]], Style]:
    """Styled runs of ``text`` and the style in force at its end (for the next line)."""
    runs: list[tuple[str, Style]] = []
    pos = 0
    for match in _ESCAPE.finditer(text):
        if match.start() > pos:
            runs.append((text[pos : match.start()], style))
        pos = match.end()
        if match.group(2) == "m":
            style = apply_sgr(style, match.group(1) or "")
    if pos < len(text):
        runs.append((text[pos:], style))
    return runs, style


def _color256(n: int) -> str:
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        levels = (0, 95, 135, 175, 215, 255)
        r, g, b = levels[n // 36], levels[(n // 6) % 6], levels[n % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    grey = 8 + 10 * (n - 232)
    return f"#{grey:02x}{grey:02x}{grey:02x}"


def apply_sgr(style: Style, params: str) -> Style:
    """The style after one ``ESC [ params m``."""
    codes = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")] or [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            style = PLAIN
        elif code == 1:
            style = replace(style, bold=True)
        elif code == 3:
            style = replace(style, italic=True)
        elif code == 4:
            style = replace(style, underline=True)
        elif code == 7:
            style = replace(style, inverse=True)
        elif code == 22:
            style = replace(style, bold=False)
        elif code == 23:
            style = replace(style, italic=False)
        elif code == 24:
            style = replace(style, underline=False)
        elif code == 27:
            style = replace(style, inverse=False)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            style = replace(style, fg=PALETTE[code - 30 if code < 90 else code - 82])
        elif 40 <= code <= 47 or 100 <= code <= 107:
            style = replace(style, bg=PALETTE[code - 40 if code < 100 else code - 92])
        elif code == 39:
            style = replace(style, fg=None)
        elif code == 49:
            style = replace(style, bg=None)
        elif code in (38, 48) and i + 1 < len(codes):
            color, used = _extended(codes[i + 1 :])
            i += used
            if color is not None:
                style = replace(style, **{"fg" if code == 38 else "bg": color})
        i += 1
    return style


def _extended(rest: list[int]) -> tuple[str | None, int]:
    if rest[0] == 5 and len(rest) >= 2:
        return _color256(max(0, min(255, rest[1]))), 2
    if rest[0] == 2 and len(rest) >= 4:
        r, g, b = (max(0, min(255, v)) for v in rest[1:4])
        return f"#{r:02x}{g:02x}{b:02x}", 4
    return None, 1


@lru_cache(maxsize=512)
def char_format(style: Style, base_fg: str | None = None) -> QTextCharFormat:
    """A QTextCharFormat for ``style``; ``base_fg`` colours text the style leaves plain."""
    fmt = QTextCharFormat()
    fg, bg = style.fg or base_fg, style.bg
    if style.inverse:
        fg, bg = bg or "#ffffff", fg or "#000000"
    if fg:
        fmt.setForeground(QColor(fg))
    if bg:
        fmt.setBackground(QColor(bg))
    if style.bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if style.italic:
        fmt.setFontItalic(True)
    if style.underline:
        fmt.setFontUnderline(True)
    return fmt
