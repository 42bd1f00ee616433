"""The shared base of the resource lists: a table keyed by id, updated by diffs.

Rows are inserted, removed and changed with begin/endInsertRows, begin/endRemoveRows and
dataChanged (never a reset on a routine update), so selection and scroll position
survive. An id -> row index keeps every lookup O(1).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtCore import Signal as _Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from app.engine.reconcile import Diff

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's key (id, or name for volumes)
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's record (dto)
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a str/int/float to sort by
LINK_ROLE = Qt.ItemDataRole.UserRole + 4  # URLs a cell links to (ports)

_Index = QModelIndex | QPersistentModelIndex
_MISSING: Any = object()
ROW_SIZE = QSize(-1, 24)


# The widest a column grows to fit its cells; a longer value is elided (its tooltip or the
# inspector has it whole), so one long path cannot push the other columns off screen.
MAX_COLUMN_WIDTH = 300
# A time column's typical widest value ("Created"), so it does not grow as times age.
TIME_SAMPLE = "59 minutes ago"


@dataclass(frozen=True)
class Column:
    """One column: what it shows and how it sorts (by ``sort``, else by the text), and
    how the list lays it out (app/ui/column_header.py)."""

    name: str  # stable id, for the header state in settings
    title: str
    text: Callable[[Any], str]
    sort: Callable[[Any], str | int | float] | None = None
    tooltip: Callable[[Any], str] | None = None
    right_aligned: bool = False
    # Hidden until the user shows it from the header's menu: worth having, not worth
    # the room at the default window size.
    hidden: bool = False
    # Takes the room the others leave (the name column); never hidden.
    stretch: bool = False
    # A typical widest value the column can come to show ("59 minutes ago"), so a
    # cell that changes over time fits without the column jumping.
    sample: str = ""
    max_width: int = MAX_COLUMN_WIDTH


class ResourceModel(QAbstractTableModel):
    """Rows of one resource kind, keyed.

    Signals:
        count_changed(int): the number of rows, after every update.
    """

    count_changed = _Signal(int)
    kind = ""
    columns: tuple[Column, ...] = ()
    # Roles no list answers: data() returns None for them before any other work.
    unserved_roles: frozenset[int] = frozenset(
        {
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.CheckStateRole,
            Qt.ItemDataRole.StatusTipRole,
            Qt.ItemDataRole.WhatsThisRole,
        }
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: list[Hashable] = []
        self._items: dict[Hashable, Any] = {}
        self._rows: dict[Hashable, int] = {}
        self._pending: dict[Hashable, Any] = {}
        self._sort_cache: dict[Hashable, dict[int, Any]] = {}
        self.stale = False
        self.loaded = False  # a first listing arrived
        self.dataChanged.connect(self._forget_sort_values)

    # -- reading ---------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].right_aligned:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called thousands of times per paint and per sort: the cheap answers come first.
        row = index.row()  # -1 for an invalid index
        if row < 0 or row >= len(self._keys) or role in self.unserved_roles:
            return None
        key = self._keys[row]
        if role == SORT_ROLE:
            return self._sort_value(key, index.column())
        item = self._items[key]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(key, item, column)
        if role == KEY_ROLE:
            return key
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.SizeHintRole:
            return ROW_SIZE  # the same row height on every page, dot or no dot
        if role == Qt.ItemDataRole.ForegroundRole:
            if self.stale or key in self._pending:
                return QGuiApplication.palette().color(
                    QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
                )
            color = self.foreground(item, column)
            if color is not None:
                return color
        if role == Qt.ItemDataRole.FontRole and key in self._pending:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(item)  # else a model's extra_data may have one
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right_aligned:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.extra_data(key, item, column, role)

    def _sort_value(self, key: Hashable, column_index: int) -> Any:
        """SORT_ROLE, cached: the proxy asks for it twice per comparison while sorting.

        A row's cached values are dropped whenever the row is changed (dataChanged),
        removed or reset, so they always equal what the column computes.
        """
        values = self._sort_cache.get(key)
        if values is None:
            values = self._sort_cache[key] = {}
        value = values.get(column_index, _MISSING)
        if value is _MISSING:
            item = self._items[key]
            column = self.columns[column_index]
            value = column.sort(item) if column.sort else self.text(key, item, column).lower()
            values[column_index] = value
        return value

    def sort_value(self, key: Hashable, column_index: int) -> Any:
        """What a row sorts by in a column (a grouping proxy compares these itself)."""
        return self._sort_value(key, column_index)

    def _forget_sort_values(self, top: QModelIndex, bottom: QModelIndex, *_roles: Any) -> None:
        # Connected first, so it runs before the proxy re-sorts on the same dataChanged.
        if not self._sort_cache:
            return
        if bottom.row() - top.row() + 1 >= len(self._sort_cache):
            self._sort_cache.clear()
            return
        for row in range(max(top.row(), 0), min(bottom.row() + 1, len(self._keys))):
            self._sort_cache.pop(self._keys[row], None)

    def text(self, key: Hashable, item: Any, column: Column) -> str:
        text = column.text(item)
        if column is self.columns[0] and key in self._pending and not self.has_state_column():
            return f"{text} — {self._pending[key]}"
        return text

    def has_state_column(self) -> bool:
        return False

    def foreground(self, item: Any, column: Column) -> Any:
        return None

    def extra_data(self, key: Hashable, item: Any, column: Column, role: int) -> Any:
        return None

    def key_at(self, row: int) -> Hashable:
        return self._keys[row]

    def row_of(self, key: Hashable) -> int:
        return self._rows.get(key, -1)

    def item(self, key: Hashable) -> Any:
        return self._items.get(key)

    def items(self) -> Mapping[Hashable, Any]:
        return self._items

    def column_index(self, name: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.name == name)

    def column_texts(self, column_index: int, limit: int) -> list[str]:
        """The text of one column in the first ``limit`` rows, without data()'s round
        trips: what the view measures to size the column."""
        column = self.columns[column_index]
        items = self._items
        return [self.text(key, items[key], column) for key in self._keys[:limit]]

    # -- updating --------------------------------------------------------------------

    def apply_diff(self, diff: Diff) -> None:
        """Apply one listing's changes as removals, dataChanged and one batch insert."""
        self._remove(diff.removed)
        self._change(diff.changed)
        self._add(diff.added)
        self.loaded = True
        self.count_changed.emit(len(self._keys))

    def set_items(self, items: Mapping[Hashable, Any]) -> None:
        """Make the rows exactly ``items`` (by diffing against what is shown)."""
        from app.engine.reconcile import diff as make_diff

        self.apply_diff(make_diff(self._items, items))

    def clear(self) -> None:
        """Forget everything: only when the connection itself is replaced."""
        self.beginResetModel()
        self._keys, self._items, self._rows, self._pending = [], {}, {}, {}
        self._sort_cache = {}
        self.stale = False
        self.loaded = False
        self.endResetModel()
        self.count_changed.emit(0)

    def _remove(self, keys: Iterable[Hashable]) -> None:
        rows = sorted((self._rows[k] for k in keys if k in self._rows), reverse=True)
        if not rows:
            return
        # Remove contiguous runs from the bottom up, so earlier rows keep their numbers.
        start = end = rows[0]
        for row in rows[1:] + [-2]:
            if row == start - 1:
                start = row
                continue
            self.beginRemoveRows(QModelIndex(), start, end)
            for key in self._keys[start : end + 1]:
                del self._items[key]
                self._pending.pop(key, None)
                self._sort_cache.pop(key, None)
            del self._keys[start : end + 1]
            self.endRemoveRows()
            start = end = row
        self._rows = {key: row for row, key in enumerate(self._keys)}

    def _change(self, changed: Mapping[Hashable, Any]) -> None:
        rows = []
        for key, item in changed.items():
            row = self._rows.get(key)
            if row is not None:
                self._items[key] = item
                rows.append(row)
        if rows:
            self._emit_rows(rows)

    def _add(self, added: Mapping[Hashable, Any]) -> None:
        fresh = [(k, v) for k, v in added.items() if k not in self._rows]
        for key, item in added.items():
            if key in self._rows:  # an "added" key we already show: treat as a change
                self._items[key] = item
                self._emit_rows([self._rows[key]])
        if not fresh:
            return
        first = len(self._keys)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, (key, item) in enumerate(fresh):
            self._keys.append(key)
            self._items[key] = item
            self._rows[key] = first + offset
        self.endInsertRows()

    def _emit_rows(self, rows: list[int], first_column: int = 0, last_column: int = -1) -> None:
        """dataChanged over the span of ``rows``: one signal, not one per row."""
        if not rows:
            return
        last_column = len(self.columns) - 1 if last_column < 0 else last_column
        self.dataChanged.emit(
            self.index(min(rows), first_column), self.index(max(rows), last_column)
        )

    def refresh_column(self, name: str) -> None:
        """Repaint one column of every row (time-relative text)."""
        if self._keys:
            column = self.column_index(name)
            self._emit_rows([0, len(self._keys) - 1], column, column)

    # -- transitions and staleness ---------------------------------------------------

    def set_pending(self, keys: Iterable[Hashable], transition: Any) -> None:
        """Show ``transition`` ("Stopping…") on these rows until cleared."""
        rows = []
        for key in keys:
            if key in self._rows:
                self._pending[key] = transition
                rows.append(self._rows[key])
        self._emit_rows(rows)

    def clear_pending(self, keys: Iterable[Hashable]) -> None:
        rows = [
            self._rows[k]
            for k in keys
            if self._pending.pop(k, None) is not None and k in self._rows
        ]
        self._emit_rows(rows)

    def pending(self, key: Hashable) -> Any:
        return self._pending.get(key)

    def set_stale(self, stale: bool) -> None:
        """Grey every row (the connection is lost: these are the last known rows)."""
        if stale != self.stale:
            self.stale = stale
            self._emit_rows([0, len(self._keys) - 1] if self._keys else [])
