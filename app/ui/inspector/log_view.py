"""A log view that keeps lines, not a text document: a list model over the lines the
Logs tab keeps, and a delegate that paints only the rows on screen (with their ANSI
colours and search marks).

A QPlainTextEdit holding 100,000 lines costs ~1.4 KB per line in blocks, layouts and
formats (RSS 243 MB in bench/logs_bench.py). Here the lines are kept in columns
(app/ui/inspector/log_lines.py), one store for the tab and the view; what is shown of a
line is worked out when it is painted: the stamp from a small cache keyed by the
second, the kind from the stream, its starting colour from the store's palette. While
one stream is chosen the model keeps the numbers of that stream's lines, so choosing
another is a pass over the kept lines, not a copy of them. Appending is an insert of
rows at the end and trimming a removal at the top, so a flood costs what is painted,
not what is kept.
The view is a one-column QTableView with fixed row heights: a QListView lays out every
row again on each scroll to the bottom (~800 ms at 100,000 rows here), a fixed-height
table never does. Wrapping keeps the heights fixed too: a wrapped line is shown as
several rows (one per screen line), mapped by prefix sums. Selection is by whole lines
(Ctrl+C copies them as text), as in most log viewers.
"""

from __future__ import annotations

import bisect
import itertools
import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QKeySequence,
    QPainter,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.engine.streams.records import STDERR, parse_rfc3339_ns
from app.ui.inspector import ansi
from app.ui.inspector.log_lines import NOTICE, NOTICE_BYTE, Line, LineStore, Row
from app.ui.inspector.search_marks import CURRENT_MATCH, MATCH

STDERR_COLOR = "#d9534f"
MUTED_COLOR = "#8a8a8a"
ModelIndex = QModelIndex | QPersistentModelIndex


def kind_of(line: Line) -> str:
    """The line's kind: "out", "err" or "note" (the view's own)."""
    stream = line[0]
    return "note" if stream == NOTICE else "err" if stream == STDERR else "out"


def style_of(line: Line) -> ansi.Style:
    """The ANSI style in force at the line's start."""
    return line[3] if len(line) > 3 else ansi.PLAIN


# Which streams are shown: both, stdout (and a TTY's merged one), stderr. The view's own
# notes always are.
BOTH, STDOUT_ONLY, STDERR_ONLY = 0, 1, 2
_SHOWN = {  # the streams of the lines shown (as LineStore keeps them)
    STDOUT_ONLY: frozenset(stream for stream in range(256) if stream != STDERR),
    STDERR_ONLY: frozenset((STDERR, NOTICE_BYTE)),
}


class LogLinesModel(QAbstractListModel):
    """The shown lines, oldest first, as rows: one per line, or (wrapping at ``columns``)
    one per screen line of each. It keeps every line in ``store`` (whichever streams are
    shown) and, while one stream is chosen, the numbers of the lines shown. Lines are
    appended, prepended and trimmed in ranges."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = LineStore()
        self.show_stamps = True
        self.which = BOTH
        # While one stream is chosen: the store's numbers (LineStore.base) of the lines
        # shown; None while both are (the shown lines are the store's).
        self._shown: array[int] | None = None
        self._stamps: dict[str, str] = {}
        self._last: tuple[str, str] = ("", "")  # the last (timestamp, shown): runs share one
        self.widest = 0  # characters of the longest line, for the horizontal extent
        self.columns = 0  # wrapping at this many characters; 0: not wrapping
        # While wrapping: the first row of each line, counted from a base that trimming
        # moves (so a trim does not renumber every line), and the rows after the last.
        self._starts = array("q")
        self._base = 0
        self._end = 0

    # -- the shown lines -----------------------------------------------------------------

    def count(self) -> int:
        """How many lines are shown."""
        return len(self.store) if self._shown is None else len(self._shown)

    def line(self, line_no: int) -> Line:
        """Shown line ``line_no``."""
        if self._shown is None:
            return self.store[line_no]
        return self.store[self._shown[line_no] - self.store.base]

    def lines(self) -> Iterator[Line]:
        """The shown lines, oldest first."""
        if self._shown is None:
            return iter(self.store)
        store, base = self.store, self.store.base
        return (store[number - base] for number in self._shown)

    def _texts(self) -> Iterator[tuple[str, str]]:
        """(timestamp, text) of each shown line: a loop of its own, for a search runs it
        over every line."""
        store = self.store
        if self._shown is None:
            return zip(store.stamps(), store.texts(), strict=True)
        return self._texts_of(self._shown)

    def _texts_of(self, numbers: Iterable[int]) -> Iterator[tuple[str, str]]:
        """(timestamp, text) of the store's lines ``numbers``."""
        store = self.store
        base, stamp, text = store.base, store.stamp, store.text
        return ((stamp(n - base), text(n - base)) for n in numbers)

    def _passes(self, start: int = 0, stop: int | None = None) -> array[int]:
        """The numbers of the store's lines ``start:stop`` that are shown."""
        return self.store.numbers_of(_SHOWN[self.which], start, stop)

    # -- what a line shows ---------------------------------------------------------------

    def stamp(self, line: Line) -> str:
        """The line's timestamp as shown ("" when hidden or when it has none)."""
        return self._stamp(line[1])

    def _stamp(self, timestamp: str) -> str:
        if not (timestamp and self.show_stamps):
            return ""
        last = self._last
        if timestamp is last[0]:
            return last[1]
        # Shown to the second: lines of one second share one entry (the fraction is what
        # makes each timestamp unique, and parsing each costs ~7 µs).
        zone = timestamp[-6:] if timestamp[-6:-5] in ("+", "-") else timestamp[-1:]
        key = timestamp[:19] + zone
        shown = self._stamps.get(key)
        if shown is None:
            ns = parse_rfc3339_ns(timestamp)
            moment = datetime.fromtimestamp(ns / 1e9) if ns else None
            shown = moment.strftime("%Y-%m-%d %H:%M:%S") if moment else timestamp
            if len(self._stamps) > 10_000:
                self._stamps.clear()
            self._stamps[key] = shown
        self._last = (timestamp, shown)
        return shown

    def plain(self, line_no: int) -> str:
        """Shown line ``line_no`` as text: its stamp as shown, its text without escapes."""
        line = self.line(line_no)
        stamp = self.stamp(line)
        body = ansi.without_escapes(line[2])
        return f"{stamp} {body}" if stamp else body

    def plain_lines(self) -> Iterator[str]:
        """Every shown line as text (see ``plain``)."""
        stamp, without_escapes = self._stamp, ansi.without_escapes
        for timestamp, text in self._texts():
            body = without_escapes(text) if "\x1b" in text else text
            shown = stamp(timestamp)
            yield f"{shown} {body}" if shown else body

    def _row_counts(self, texts: Iterable[tuple[str, str]]) -> Iterable[int]:
        """The rows each line, (timestamp, text), takes while wrapping: its characters
        shown (escapes left out) over the columns, rounded up."""
        columns, stamp, without_escapes = self.columns, self._stamp, ansi.without_escapes
        for timestamp, text in texts:
            width = len(without_escapes(text)) if "\x1b" in text else len(text)
            shown = stamp(timestamp)
            if shown:
                width += len(shown) + 1
            yield max(1, -(-width // columns))

    # -- rows and lines ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid():
            return 0
        return self._end - self._base if self.columns else self.count()

    def locate(self, row: int) -> tuple[int, int]:
        """(line, screen line within it) shown at ``row``."""
        if not self.columns:
            return row, 0
        at = row + self._base
        line = bisect.bisect_right(self._starts, at) - 1
        return line, at - self._starts[line]

    def first_row(self, line: int) -> int:
        """The row where ``line`` starts."""
        return self._starts[line] - self._base if self.columns else line

    def row_of(self, line: int, col: int) -> int:
        """The row showing column ``col`` of ``line``."""
        if not self.columns:
            return line
        return self.first_row(line) + col // self.columns

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            line, part = self.locate(index.row())
            text = self.plain(line)
            if self.columns:
                return text[part * self.columns : (part + 1) * self.columns]
            return text
        return None

    # -- changes -------------------------------------------------------------------------

    def append(self, rows: Sequence[Row]) -> int:
        """Keep ``rows`` after the last line; returns how many of them are shown."""
        if not rows:
            return 0
        store = self.store
        start = len(store)
        store.extend(rows)
        if self._shown is None:
            added_lines = len(rows)
            texts: Iterable[tuple[str, str]] = ((row[1], row[2]) for row in rows)
        else:
            numbers = self._passes(start)
            added_lines = len(numbers)
            texts = self._texts_of(numbers)
        if not added_lines:
            return 0
        self._measure(rows)
        first = self.rowCount()
        if self.columns:
            starts = array("q", itertools.accumulate(self._row_counts(texts), initial=self._end))
            added = starts[-1] - self._end
        else:
            added = added_lines
        self.beginInsertRows(QModelIndex(), first, first + added - 1)
        if self._shown is not None:
            self._shown.extend(numbers)
        if self.columns:
            self._starts.extend(starts[:-1])
            self._end = starts[-1]
        self.endInsertRows()
        return added_lines

    def prepend(self, rows: list[Row]) -> int:
        """Keep ``rows`` before the first line; returns how many of them are shown."""
        if not rows:
            return 0
        store = self.store
        store.prepend(rows)
        numbers = None if self._shown is None else self._passes(0, len(rows))
        added_lines = len(rows) if numbers is None else len(numbers)
        if not added_lines:
            return 0
        self._measure(rows)
        if not self.columns:
            added = added_lines
        elif numbers is None:
            added = sum(self._row_counts((row[1], row[2]) for row in rows))
        else:
            added = sum(self._row_counts(self._texts_of(numbers)))
        self.beginInsertRows(QModelIndex(), 0, added - 1)
        if numbers is not None and self._shown is not None:
            self._shown[:0] = numbers
        if self.columns:
            self._restart()
        self.endInsertRows()
        return added_lines

    def trim(self, keep: int) -> int:
        """Forget the oldest lines beyond ``keep`` (shown or not); returns how many
        shown lines went."""
        store = self.store
        extra = len(store) - keep
        if extra <= 0:
            return 0
        shown = self._shown
        gone = extra if shown is None else bisect.bisect_left(shown, store.base + extra)
        if gone:
            rows = self.first_row(gone)
            self.beginRemoveRows(QModelIndex(), 0, rows - 1)
        store.drop_first(extra)
        if gone:
            if self._shown is not None:
                del self._shown[:gone]
            if self.columns:
                self._base = self._starts[gone]
                del self._starts[:gone]
            self.endRemoveRows()
        return gone

    def set_show_stamps(self, on: bool) -> None:
        """Show timestamps (or not); the lines stay, their rows are counted again."""
        if on == self.show_stamps:
            return
        self.beginResetModel()
        self.show_stamps = on
        self._restart()
        self.endResetModel()

    def set_streams(self, which: int) -> None:
        """Show both streams (BOTH), or only STDOUT_ONLY or STDERR_ONLY's lines."""
        if which == self.which:
            return
        self.beginResetModel()
        self.which = which
        self._shown = None if which == BOTH else self._passes(0)
        self._restart()
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.store.clear()
        self._shown = None if self.which == BOTH else array("q")
        self.widest = 0
        self._starts, self._base, self._end = array("q"), 0, 0
        self.endResetModel()

    def set_columns(self, columns: int) -> None:
        """Wrap at ``columns`` characters (0: one row per line)."""
        if columns == self.columns:
            return
        self.beginResetModel()
        self.columns = columns
        self._restart()
        self.endResetModel()

    def _restart(self) -> None:
        if not self.columns:
            self._starts, self._base, self._end = array("q"), 0, 0
            return
        starts = array("q", itertools.accumulate(self._row_counts(self._texts()), initial=0))
        self._starts, self._base, self._end = starts[:-1], 0, starts[-1]

    def _measure(self, rows: Iterable[Row]) -> None:
        # Escapes make a line look longer than it shows, and a timestamp as written is
        # longer than as shown: a little too wide is harmless. (Lines of a stream not
        # shown count too: harmless, and the width does not jump when it is shown.)
        longest = max(len(row[1]) + len(row[2]) + 1 for row in rows)
        self.widest = max(self.widest, longest)


class LineDelegate(QStyledItemDelegate):
    """Paints a row: its timestamp muted, its text in its ANSI colours (stderr red,
    notes muted), every search match marked and the current one told apart. A wrapped
    line's row paints its line shifted left by the screen lines above it, clipped."""

    def __init__(self, view: LogView) -> None:
        super().__init__(view)
        self.view = view

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        view = self.view
        model = view.model()
        line_no, part = model.locate(index.row())
        line = model.line(line_no)
        stamp, text, style, kind = model.stamp(line), line[2], style_of(line), kind_of(line)
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.highlight())
        painter.save()
        painter.setClipRect(rect)
        shift = part * model.columns  # the columns shown on the rows above
        base = STDERR_COLOR if kind == "err" else MUTED_COLOR if kind == "note" else None
        runs: list[tuple[str, ansi.Style, str | None]] = []
        if stamp:
            runs.append((stamp + " ", ansi.PLAIN, MUTED_COLOR))
        if ansi.has_escape(text):
            parsed, _end = ansi.parse(text, style)
            runs.extend((part_text, part_style, base) for part_text, part_style in parsed)
        else:
            runs.append((text, style, base))
        self._marks(painter, rect, line_no, shift)
        default = (palette.highlightedText() if selected else palette.text()).color()
        col = 0
        for text, style, run_base in runs:
            if model.columns and col >= shift + model.columns:
                break
            col = self._draw_run(painter, rect, col - shift, text, style, run_base, default)
            col += shift
        painter.restore()

    def _draw_run(
        self,
        painter: QPainter,
        rect: QRect,
        col: int,
        text: str,
        style: ansi.Style,
        base: str | None,
        default: QColor,
    ) -> int:
        view = self.view
        end = col + len(text)
        if end <= 0:
            return end  # scrolled above this row (a wrapped line's earlier part)
        fg, bg = style.fg or base, style.bg
        if style.inverse:
            fg, bg = bg or "#ffffff", fg or "#000000"
        font = QFont(view.font())
        font.setBold(style.bold)
        font.setItalic(style.italic)
        font.setUnderline(style.underline)
        painter.setFont(font)
        painter.setPen(QColor(fg) if fg else default)
        if col < 0:
            text, col = text[-col:], 0
        x = rect.left() + 4 + col * view.char_width
        width = view.char_width * len(text)
        if bg:
            painter.fillRect(QRectF(x, rect.top(), width, view.line_height), QColor(bg))
        painter.drawText(QPointF(x, rect.top() + view.ascent), text)
        return end

    def _marks(self, painter: QPainter, rect: QRect, line_no: int, shift: int) -> None:
        needle = self.view.needle
        if not needle:
            return
        plain = self.view.model().plain(line_no).lower()
        current = self.view.current_match
        at = plain.find(needle)
        while at >= 0:
            color = CURRENT_MATCH if current == (line_no, at) else MATCH
            x = rect.left() + 4 + (at - shift) * self.view.char_width
            width = self.view.char_width * len(needle)
            painter.fillRect(QRectF(x, rect.top(), width, self.view.line_height), QColor(color))
            at = plain.find(needle, at + len(needle))


class LogView(QTableView):
    """The lines of a container's log; see the module's docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logsView")
        self.setAccessibleName("Container logs")
        self.placeholder = ""
        self.needle = ""  # the search text, lower case: its matches are marked
        self.current_match: tuple[int, int] | None = None  # (line, column)
        self.wrapping = False
        model = LogLinesModel(self)
        self.setModel(model)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._metrics()
        self.setItemDelegate(LineDelegate(self))
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.line_height)
        rows.setMinimumSectionSize(1)
        self.horizontalHeader().hide()
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        model.rowsInserted.connect(self._fit_width)
        model.modelReset.connect(self._fit_width)

    def model(self) -> LogLinesModel:  # the one model it has
        return super().model()  # type: ignore[return-value]

    def _metrics(self) -> None:
        # Fractional: a fixed font's advance is rarely a whole pixel, and a rounded one
        # drifts a column every few dozen characters.
        metrics = QFontMetricsF(self.font())
        self.char_width = max(1.0, metrics.horizontalAdvance("M" * 64) / 64)
        self.line_height = math.ceil(metrics.lineSpacing()) + 2
        self.ascent = metrics.ascent() + 1

    def columns(self) -> int:
        return max(20, int((self.viewport().width() - 8) // self.char_width))

    def _fit_width(self, *_args: object) -> None:
        if self.wrapping:
            width = self.viewport().width()
        else:
            width = math.ceil(self.char_width * (self.model().widest + 1)) + 8
            width = max(width, self.viewport().width())
        if self.columnWidth(0) != width:
            self.setColumnWidth(0, width)

    def set_wrapping(self, on: bool) -> None:
        self.wrapping = on
        self.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        self.model().set_columns(self.columns() if on else 0)
        self._fit_width()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.wrapping:
            bottom = self.at_bottom()
            self.model().set_columns(self.columns())
            if bottom:
                self.scrollToBottom()
        self._fit_width()

    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 1

    def top_line(self) -> int:
        """The line at the top of the view (-1 when empty)."""
        row = self.rowAt(0)
        return self.model().locate(row)[0] if row >= 0 else -1

    def show_line(self, line: int, col: int = 0) -> None:
        """Scroll so that column ``col`` of ``line`` is in view, centred."""
        index = self.model().index(self.model().row_of(line, col), 0)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- copying -------------------------------------------------------------------------

    def selected_text(self) -> str:
        model = self.model()
        lines = sorted({model.locate(i.row())[0] for i in self.selectionModel().selectedRows()})
        return "\n".join(model.plain(line) for line in lines)

    def copy(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        super().keyPressEvent(event)

    def _menu(self, point: Any) -> None:
        menu = QMenu(self)
        copy = menu.addAction("Copy", self.copy)
        copy.setEnabled(self.selectionModel().hasSelection())
        menu.addAction("Select All", self.selectAll)
        menu.exec(self.viewport().mapToGlobal(point))

    # -- empty ---------------------------------------------------------------------------

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self.model().rowCount() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(QColor(MUTED_COLOR))
            painter.drawText(
                self.viewport().rect().adjusted(8, 8, -8, -8),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                | int(Qt.TextFlag.TextWordWrap),
                self.placeholder,
            )
