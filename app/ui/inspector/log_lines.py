"""The kept lines of a container's log, in columns rather than an object per line.

A line is a stream, a timestamp and a text (and, rarely, the ANSI style it starts in,
run on from the line before). Kept as a tuple each, 100,000 lines cost ~64 bytes of
tuple a line besides their text, and the Logs tab and its view each held a list of
them. Here one store serves both: one byte of stream a line, one pointer to a timestamp
string shared by the lines of its second, one to the text, and two bytes naming the
line's starting style in a small palette. Appending, trimming the oldest and prepending
earlier lines are slices of these columns.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

from app.ui.inspector import ansi

NOTICE = -1  # the stream of the view's own notes
NOTICE_BYTE = 255  # how a note's stream is kept in the one byte a line
# At most this many distinct starting styles are kept; a line that would start in yet
# another starts plain (its own escapes still colour it).
MAX_STYLES = 65_535

Row = tuple[int, str, str]  # (stream, timestamp, text) as the tab decodes them
# A line as painted: (stream, timestamp, text), or (stream, timestamp, text, style) when
# it starts in an ANSI style other than plain.
Line = tuple


class LineStore:
    """The lines, oldest first; see the module's docstring."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.streams = bytearray()
        self.stamps: list[str] = []
        self.texts: list[str] = []
        self.styles = array("H")  # an index into ``_palette`` a line
        self._palette: list[ansi.Style] = [ansi.PLAIN]
        self._style_ids: dict[ansi.Style, int] = {ansi.PLAIN: 0}
        self._carry: dict[int, ansi.Style] = {}  # the style at the end of each stream
        # The number of the first line kept, counted since the store began: trimming
        # adds to it, prepending takes from it, so a line keeps its number.
        self.base = 0

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> Line:
        stream = self.streams[i]
        row = (NOTICE if stream == NOTICE_BYTE else stream, self.stamps[i], self.texts[i])
        style = self.styles[i]
        return (*row, self._palette[style]) if style else row

    def __iter__(self) -> Iterator[Line]:
        return (self[i] for i in range(len(self.texts)))

    def stream(self, i: int) -> int:
        stream = self.streams[i]
        return NOTICE if stream == NOTICE_BYTE else stream

    def rows(self) -> Iterator[Row]:
        """Every line as (stream, timestamp, text)."""
        for stream, stamp, text in zip(self.streams, self.stamps, self.texts, strict=True):
            yield (NOTICE if stream == NOTICE_BYTE else stream, stamp, text)

    # -- changes -------------------------------------------------------------------------

    def extend(self, rows: Iterable[Row]) -> None:
        """Append ``rows``; a colour left open by a stream's last line carries on."""
        self._add(rows, self._carry, self)

    def prepend(self, rows: list[Row]) -> None:
        """Insert ``rows`` before the first line (their colours start plain)."""
        head = LineStore()
        head._palette, head._style_ids = self._palette, self._style_ids
        self._add(rows, {}, head)
        self.streams[:0] = head.streams
        self.stamps[:0] = head.stamps
        self.texts[:0] = head.texts
        self.styles[:0] = head.styles
        self.base -= len(rows)

    def drop_first(self, count: int) -> None:
        """Forget the ``count`` oldest lines."""
        del self.streams[:count]
        del self.stamps[:count]
        del self.texts[:count]
        del self.styles[:count]
        self.base += count

    def _add(self, rows: Iterable[Row], carry: dict[int, ansi.Style], into: LineStore) -> None:
        streams, stamps, texts, styles = into.streams, into.stamps, into.texts, into.styles
        plain = ansi.PLAIN
        for stream, stamp, text in rows:
            streams.append(NOTICE_BYTE if stream == NOTICE else stream)
            stamps.append(stamp)
            texts.append(text)
            style = carry.get(stream, plain)
            styles.append(0 if style is plain else self._style_id(style))
            if "\x1b" in text:
                carry[stream] = ansi.parse(text, style)[1]

    def _style_id(self, style: ansi.Style) -> int:
        found = self._style_ids.get(style)
        if found is None:
            if len(self._palette) > MAX_STYLES:
                return 0
            found = self._style_ids[style] = len(self._palette)
            self._palette.append(style)
        return found
