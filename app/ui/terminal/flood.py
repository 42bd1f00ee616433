"""Which part of a flood of output a terminal may skip without showing anything wrong.

pyte parses ~1.3 MB/s here (app/ui/terminal/screen.py), so ``cat`` of a 10 MB file would
keep the GUI thread busy for seconds. Of such a flood only the last lines can be seen:
the screen and its history hold ``keep`` lines, and every line before those scrolls out
of both. Those lines may be dropped unparsed when dropping them cannot change anything
else: they hold printable text and line ends only, no escape or control sequence that
would change attributes, modes, the cursor or the character set.
"""

from __future__ import annotations

import re

# C0 controls other than backspace, tab, LF and CR; ESC; DEL; C1 controls in UTF-8.
_UNSAFE = re.compile(rb"[\x00-\x07\x0b-\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]").search


def skippable(data: bytes, keep: int) -> tuple[int, int] | None:
    """The span [start, end) of ``data`` that may be dropped, or None.

    What follows the span holds ``keep`` CR LF line ends, enough to scroll every dropped
    line out of the screen and the history. The span starts after the first CR LF (the
    bytes before it may end a character begun in earlier output) and ends after one, so
    the cursor is at the start of a line either way.
    """
    end = len(data)
    for _ in range(keep):
        end = data.rfind(b"\r\n", 0, end)
        if end < 0:
            return None
    start = data.find(b"\r\n") + 2
    end += 2
    if end <= start or _UNSAFE(data, start, end):
        return None
    return start, end
