"""The kept lines of a container's log, in columns rather than an object per line.

A line is a stream, a timestamp and a text (and, rarely, the ANSI style it starts in,
run on from the line before). Kept as a tuple and a string each, a 40-character line
cost ~176 bytes (64 of tuple, 96 of string, a pointer in each of two lists: the Logs
tab's and its view's). Here one store serves both, ~68 bytes for such a line: a byte of
stream, a pointer to a timestamp string shared by the lines of its second, two bytes
naming its starting style in a small palette, and its text as a slice of one string
holding the texts added together (a flood adds them ~100 at a time), taken when the
line is painted or searched. Appending, trimming the oldest and prepending earlier
lines are slices of these columns.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, islice, repeat
from operator import getitem, sub

from app.ui.inspector import ansi

NOTICE = -1  # the stream of the view's own notes
NOTICE_BYTE = 255  # how a note's stream is kept in the one byte a line
# At most this many distinct starting styles are kept (the palette is not trimmed with
# the lines: a few hundred bytes a style); a line that would start in yet another starts
# plain, its own escapes still colouring it. Only a log leaving thousands of different
# 24-bit colours open at its lines' ends would meet it.
MAX_STYLES = 4096
COMPACT_AT = 8192  # forgotten lines whose entries are cut from the columns at once

Row = tuple[int, str, str]  # (stream, timestamp, text) as the tab decodes them
# A line as painted: (stream, timestamp, text), or (stream, timestamp, text, style) when
# it starts in an ANSI style other than plain.
Line = tuple


class LineStore:
    """The lines, oldest first; see the module's docstring."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        # The columns, one entry a line. The oldest lines are forgotten by moving
        # ``_head`` on; the columns are cut only every COMPACT_AT lines, since cutting
        # moves every entry after (~0.3 ms at 100,000 lines, each flush of a flood).
        self._head = 0
        self._streams = bytearray()
        self._stamps: list[str] = []
        self._styles = array("H")  # an index into ``_palette`` a line
        # The texts: those added together are one string (a block), and a line is its
        # block's number and its characters' start and end in it. A block goes when its
        # last line does; blocks are numbered from _first_block.
        self._block_of = array("q")
        self._starts = array("I")
        self._ends = array("I")
        self._blocks: list[str] = []
        self._first_block = 0
        self._palette: list[ansi.Style] = [ansi.PLAIN]
        self._style_ids: dict[ansi.Style, int] = {ansi.PLAIN: 0}
        self._carry: dict[int, ansi.Style] = {}  # the style at the end of each stream
        # The number of the first line kept, counted since the store began: trimming
        # adds to it, prepending takes from it, so a line keeps its number.
        self.base = 0

    def __len__(self) -> int:
        return len(self._streams) - self._head

    @property
    def held(self) -> int:
        """Entries in the columns: the lines kept and those forgotten but not yet cut."""
        return len(self._streams)

    @property
    def block_count(self) -> int:
        """How many strings hold the texts."""
        return len(self._blocks)

    def __getitem__(self, i: int) -> Line:
        at = i + self._head
        stream = self._streams[at]
        row = (NOTICE if stream == NOTICE_BYTE else stream, self._stamps[at], self._text(at))
        style = self._styles[at]
        return (*row, self._palette[style]) if style else row

    def __iter__(self) -> Iterator[Line]:
        return (self[i] for i in range(len(self)))

    def stream(self, i: int) -> int:
        stream = self._streams[i + self._head]
        return NOTICE if stream == NOTICE_BYTE else stream

    def stamp(self, i: int) -> str:
        return self._stamps[i + self._head]

    def text(self, i: int) -> str:
        """Line ``i``'s text."""
        return self._text(i + self._head)

    def _text(self, at: int) -> str:
        block = self._blocks[self._block_of[at] - self._first_block]
        return block[self._starts[at] : self._ends[at]]

    def stamps(self) -> Iterator[str]:
        """Every line's timestamp, oldest first."""
        return islice(self._stamps, self._head, None)

    def texts(self) -> Iterator[str]:
        """Every line's text, oldest first (mapped in C: a search runs it over every line)."""
        head = self._head
        numbers = map(sub, islice(self._block_of, head, None), repeat(self._first_block))
        spans = map(slice, islice(self._starts, head, None), islice(self._ends, head, None))
        return map(getitem, map(self._blocks.__getitem__, numbers), spans)

    def rows(self) -> Iterator[Row]:
        """Every line as (stream, timestamp, text)."""
        streams = islice(self._streams, self._head, None)
        for stream, stamp, text in zip(streams, self.stamps(), self.texts(), strict=True):
            yield (NOTICE if stream == NOTICE_BYTE else stream, stamp, text)

    def numbers_of(
        self, streams: frozenset[int], start: int = 0, stop: int | None = None
    ) -> array[int]:
        """The numbers (see ``base``) of lines ``start:stop`` whose stream is one of
        ``streams`` (a note's is NOTICE_BYTE)."""
        kept, head, base = self._streams, self._head, self.base
        at = range(head + start, len(kept) if stop is None else head + stop)
        return array("q", (base + i - head for i in at if kept[i] in streams))

    # -- changes -------------------------------------------------------------------------

    def extend(self, rows: Iterable[Row]) -> None:
        """Append ``rows``; a colour left open by a stream's last line carries on."""
        texts = self._add(rows, self._carry, self._streams, self._stamps, self._styles)
        if not texts:
            return
        number = self._first_block + len(self._blocks)
        self._blocks.append("".join(texts))
        starts, ends = _offsets(texts)
        self._block_of.extend(array("q", repeat(number, len(texts))))
        self._starts.extend(starts)
        self._ends.extend(ends)

    def prepend(self, rows: list[Row]) -> None:
        """Insert ``rows`` before the first line (their colours start plain)."""
        self._compact()
        streams, stamps, styles = bytearray(), [], array("H")
        texts = self._add(rows, {}, streams, stamps, styles)
        if not texts:
            return
        self._streams[:0] = streams
        self._stamps[:0] = stamps
        self._styles[:0] = styles
        self._first_block -= 1
        self._blocks.insert(0, "".join(texts))
        starts, ends = _offsets(texts)
        self._block_of[:0] = array("q", repeat(self._first_block, len(texts)))
        self._starts[:0] = starts
        self._ends[:0] = ends
        self.base -= len(texts)

    def drop_first(self, count: int) -> None:
        """Forget the ``count`` oldest lines."""
        count = min(count, len(self))
        self._head += count
        self.base += count
        # The blocks before the first line's go (a block of later lines stays whole).
        if self._head < len(self._block_of):
            first = self._block_of[self._head]
        else:
            first = self._first_block + len(self._blocks)
        del self._blocks[: first - self._first_block]
        self._first_block = first
        if self._head >= COMPACT_AT:
            self._compact()

    def _compact(self) -> None:
        head = self._head
        if head:
            for column in (
                self._streams, self._stamps, self._styles, self._block_of, self._starts, self._ends,
            ):  # fmt: skip
                del column[:head]
            self._head = 0

    def _add(
        self,
        rows: Iterable[Row],
        carry: dict[int, ansi.Style],
        streams: bytearray,
        stamps: list[str],
        styles: array[int],
    ) -> list[str]:
        """Add the streams, timestamps and styles of ``rows``; returns their texts."""
        texts = []
        plain = ansi.PLAIN
        for stream, stamp, text in rows:
            streams.append(NOTICE_BYTE if stream == NOTICE else stream)
            stamps.append(stamp)
            texts.append(text)
            style = carry.get(stream, plain)
            styles.append(0 if style is plain else self._style_id(style))
            if "\x1b" in text:
                carry[stream] = ansi.parse(text, style)[1]
        return texts

    def _style_id(self, style: ansi.Style) -> int:
        found = self._style_ids.get(style)
        if found is None:
            if len(self._palette) > MAX_STYLES:
                return 0
            found = self._style_ids[style] = len(self._palette)
            self._palette.append(style)
        return found


def _offsets(texts: list[str]) -> tuple[array[int], array[int]]:
    """Where each of ``texts`` starts and ends once they are joined."""
    ends = array("I", accumulate(map(len, texts)))
    starts = array("I", [0])
    starts.extend(ends[:-1])
    return starts, ends
