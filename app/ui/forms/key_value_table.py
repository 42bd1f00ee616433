"""Rows of KEY=VALUE pairs (labels, driver options) for a FormDialog: a two-column table
that always keeps one empty row to type a new pair into, and a Remove button.

Signals:
    changed(): a key or value was typed, or a row removed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import accessibility


class KeyValueTable(QWidget):
    changed = Signal()

    def __init__(
        self,
        name: str,
        key_title: str = "Key",
        value_title: str = "Value",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setAccessibleName(name)
        self.table.setHorizontalHeaderLabels([key_title, value_title])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().resizeSection(0, 140)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setTabKeyNavigation(True)
        rows = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows * 3 + 4)
        self.remove_button = QPushButton("Remove Row", self)
        self.remove_button.setAccessibleName(f"Remove the selected {name.lower()} row")
        self.remove_button.setToolTip("Remove the selected row")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.itemChanged.connect(self._on_item_changed)
        self.setFocusProxy(self.table)
        accessibility.name_built_in_parts(self.table)  # the table's corner button
        self._add_blank()

    def pairs(self) -> list[tuple[str, str]]:
        """The rows with a key or a value, in order, stripped."""
        found = []
        for row in range(self.table.rowCount()):
            key, value = self._text(row, 0), self._text(row, 1)
            if key or value:
                found.append((key, value))
        return found

    def as_dict(self) -> dict[str, str]:
        return dict(self.pairs())

    def set_pairs(self, pairs: list[tuple[str, str]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for key, value in pairs:
            self._append(key, value)
        self.table.blockSignals(False)
        self._add_blank()
        self.changed.emit()

    def problem(self) -> str:
        """Why the rows cannot be sent ("" when they can)."""
        keys: set[str] = set()
        for key, _value in self.pairs():
            if not key:
                return "Every value needs a key."
            if "=" in key or any(c.isspace() for c in key):
                return f"“{key}”: a key has no spaces or “=”."
            if key in keys:
                return f"“{key}” is given twice."
            keys.add(key)
        return ""

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        self._add_blank()
        self.changed.emit()

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _append(self, key: str = "", value: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        self.table.setItem(row, 1, QTableWidgetItem(value))

    def _add_blank(self) -> None:
        """Keep exactly one empty row at the end to type into."""
        last = self.table.rowCount() - 1
        if last < 0 or self._text(last, 0) or self._text(last, 1):
            self.table.blockSignals(True)
            self._append()
            self.table.blockSignals(False)

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self._add_blank()
        self.changed.emit()
