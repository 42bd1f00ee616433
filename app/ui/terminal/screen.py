"""The terminal's screen: pyte's VT emulation plus what a shell's programs expect of xterm.

pyte (0.8) keeps the grid, the cursor and the attributes. What it lacks is added here:

- Scrollback kept line by line (a deque of the lines that scroll off the top), so the
  view can scroll by one line; pyte's HistoryScreen pages by half screens, rewrites the
  grid to do so and wraps every event in two more calls.
- The alternate screen (private modes 47, 1047, 1049): pyte ignores them, so a full-screen
  program would leave its drawing behind. Setting one keeps the primary grid aside and
  clears; resetting puts it back.
- Bracketed paste (mode 2004) and application cursor keys (DECCKM) are remembered for the
  widget's paste and key mapping.
- Answers to queries (cursor position, device attributes) go to ``reply``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import Any

import pyte

SCROLLBACK_LINES = 2000
_PLAIN_ASCII = re.compile(r"[\x20-\x7e]*").fullmatch
ALT_SCREEN_MODES = {47 << 5, 1047 << 5, 1049 << 5}  # pyte shifts private modes by 5 bits
SAVES_CURSOR = 1049 << 5
BRACKETED_PASTE = 2004 << 5
APP_CURSOR_KEYS = 1 << 5  # DECCKM


class TerminalScreen(pyte.Screen):
    """A pyte screen with scrollback, an alternate screen and a reply channel."""

    def __init__(self, columns: int, lines: int, reply: Callable[[str], None]) -> None:
        self.history: deque = deque(maxlen=SCROLLBACK_LINES)
        self.scrolled_off = 0  # lines ever pushed into the history (absolute line numbers)
        self._primary: dict | None = None  # the primary grid while the alternate one shows
        self._reply = reply
        super().__init__(columns, lines)

    # -- modes ---------------------------------------------------------------------------

    @property
    def alternate(self) -> bool:
        return self._primary is not None

    @property
    def bracketed_paste(self) -> bool:
        return BRACKETED_PASTE in self.mode

    @property
    def app_cursor_keys(self) -> bool:
        return APP_CURSOR_KEYS in self.mode

    def set_mode(self, *args: int, **kwargs: Any) -> None:
        shifted = {m << 5 for m in args} if kwargs.get("private") else set(args)
        if shifted & ALT_SCREEN_MODES and self._primary is None:
            if SAVES_CURSOR in shifted:
                self.save_cursor()
            self._primary = self.buffer.copy()
            self.buffer.clear()
            self.dirty.update(range(self.lines))
        super().set_mode(*args, **kwargs)

    def reset_mode(self, *args: int, **kwargs: Any) -> None:
        shifted = {m << 5 for m in args} if kwargs.get("private") else set(args)
        if shifted & ALT_SCREEN_MODES and self._primary is not None:
            self.buffer.clear()
            self.buffer.update(self._primary)
            self._primary = None
            self.dirty.update(range(self.lines))
            if SAVES_CURSOR in shifted:
                self.restore_cursor()
        super().reset_mode(*args, **kwargs)

    # -- text -----------------------------------------------------------------------------

    def draw(self, data: str) -> None:
        """pyte's draw, for the common case of printable ASCII without insert mode,
        a row at a time: pyte's own measures each character's width and builds a new
        Char for each (measured ~8 µs a character, 0.12 MB/s; this is several times that)."""
        if pyte.modes.IRM in self.mode or not _PLAIN_ASCII(data):
            super().draw(data)
            return
        data = data.translate(self.g1_charset if self.charset else self.g0_charset)
        if not data.isascii():  # the VT100 line-drawing set maps letters to box parts
            super().draw(data)
            return
        cursor = self.cursor
        columns = self.columns
        autowrap = pyte.modes.DECAWM in self.mode
        chars = self._chars_of(cursor.attrs)
        pos, end = 0, len(data)
        while pos < end:
            if cursor.x >= columns:
                if autowrap:
                    self.dirty.add(cursor.y)
                    self.carriage_return()
                    self.linefeed()
                else:
                    cursor.x = columns - 1
            x = cursor.x
            take = min(columns - x, end - pos)
            chunk = data[pos : pos + take]
            line = self.buffer[cursor.y]
            line.update(zip(range(x, x + take), [chars[c] for c in chunk], strict=True))
            cursor.x = x + take
            pos += take
        self.dirty.add(cursor.y)

    def _chars_of(self, attrs: pyte.screens.Char) -> dict:
        """The 95 printable ASCII Chars with ``attrs``, made once per attribute set."""
        if attrs is not self._chars_attrs:
            self._chars_attrs = attrs
            self._chars = {chr(c): attrs._replace(data=chr(c)) for c in range(0x20, 0x7F)}
        return self._chars

    _chars_attrs: pyte.screens.Char | None = None
    _chars: dict = {}

    # -- scrollback ----------------------------------------------------------------------

    def index(self) -> None:
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        # Only lines leaving the whole primary screen are history: not those of a
        # scrolling region (a pager's) nor of the alternate screen.
        if self.cursor.y == bottom and top == 0 and self._primary is None:
            self.history.append(self.buffer[top])
            self.scrolled_off += 1
        super().index()

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        super().erase_in_display(how, *args, **kwargs)
        if how == 3:  # "clear" asks to forget the scrollback as well
            self.history.clear()

    def line(self, virtual: int) -> dict:
        """Line ``virtual`` of history + screen (0 = the oldest line kept)."""
        kept = len(self.history)
        if virtual < kept:
            return self.history[virtual]
        return self.buffer[virtual - kept]

    def resize(self, lines: int | None = None, columns: int | None = None) -> None:
        lines = lines or self.lines
        if lines < self.lines and self._primary is None:
            # Lines that no longer fit go to the history, as in xterm, rather than away;
            # only those below the cursor are simply dropped.
            surplus = max(0, self.cursor.y - lines + 1)
            for y in range(surplus):
                self.history.append(self.buffer[y])
                self.scrolled_off += 1
            if surplus:
                for y in range(self.lines):
                    self.buffer[y] = self.buffer[y + surplus]
                for y in range(self.lines - surplus, self.lines):
                    self.buffer.pop(y, None)
                self.cursor.y -= surplus
            for y in range(lines, self.lines):
                self.buffer.pop(y, None)
            self.lines = lines  # pyte would delete from the top: already done here
            self.cursor.y = min(self.cursor.y, lines - 1)
            self.set_margins()
        super().resize(lines, columns)
        self.cursor.y = min(self.cursor.y, self.lines - 1)
        self.cursor.x = min(self.cursor.x, self.columns - 1)
        self.dirty.update(range(self.lines))

    # -- answers -------------------------------------------------------------------------

    def write_process_input(self, data: str) -> None:
        self._reply(data)

    def report_device_attributes(self, mode: int = 0, **kwargs: bool) -> None:
        if mode == 0 and not kwargs.get("private"):
            self._reply("\x1b[?62;22c")  # a VT220 with ANSI colour, as xterm says
