"""The rows of one directory in a container, for the inspector's Files tab.

A table model over the listing's entries in the order the tab sorted them. Cell texts
(sizes, dates, tooltips) are made when a row is painted, so showing a folder of 20,000
entries costs one reset rather than 120,000 items built on the GUI thread (0.8 s with
a QTreeWidget).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from app.engine.file_records import DIR, LINK, FileEntry
from app.models import humanize

COLUMNS = ("Name", "Size", "Mode", "Owner", "Modified", "Link target")
ENTRY_ROLE = Qt.ItemDataRole.UserRole  # the row's FileEntry
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

Index = QModelIndex | QPersistentModelIndex


def cell_text(entry: FileEntry, column: int) -> str:
    """What a column shows for ``entry``."""
    if column == 0:
        return entry.name
    if column == 1:
        return "" if entry.kind == DIR else humanize.size(entry.size)
    if column == 2:
        return entry.mode
    if column == 3:
        return entry.owner
    if column == 4:
        if not entry.modified:
            return ""
        return datetime.fromtimestamp(entry.modified).strftime("%Y-%m-%d %H:%M")
    return entry.target


def tooltip(entry: FileEntry) -> str:
    kind = {DIR: "folder", LINK: "link"}.get(entry.kind, "file")
    return f"{entry.name} ({kind}{' to ' + entry.target if entry.target else ''})"


class FileListModel(QAbstractTableModel):
    """``icon_for(entry)`` gives a row's icon (the view's style knows the icons)."""

    def __init__(
        self, icon_for: Callable[[FileEntry], QIcon], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._entries: Sequence[FileEntry] = ()
        self._icon_for = icon_for

    def set_entries(self, entries: Sequence[FileEntry]) -> None:
        self.beginResetModel()
        self._entries = tuple(entries)
        self.endResetModel()

    def entry(self, row: int) -> FileEntry:
        return self._entries[row]

    def row_of(self, name: str) -> int:
        """The row of the entry named ``name``, or -1."""
        for row, entry in enumerate(self._entries):
            if entry.name == name:
                return row
        return -1

    # -- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(entry, column)
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icon_for(entry)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return tooltip(entry)
        return None

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None
