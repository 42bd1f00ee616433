"""The Processes tab: `podman top` as a table, refreshed every 2 s while visible.

Signals:
    refreshed(ProcessTable): a new listing is shown.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.dto import ProcessTable
from app.engine.errors import Conflict, ConnectionLost, PodmanError
from app.support import log
from app.support.concurrency import TaskSet

_log = log.get("ui")

REFRESH_MS = 2000
# Go durations ("6m32.91036994s") read better without the nanoseconds.
_GO_FRACTION = re.compile(r"^((?:\d+h)?(?:\d+m)?\d+)\.\d+s$")


class _Item(QTableWidgetItem):
    """Sorts numbers as numbers (PID, %CPU)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        try:
            return float(self.text()) < float(other.text())
        except ValueError:
            return self.text() < other.text()


class ProcessesTab(QWidget):
    refreshed = Signal(object)

    def __init__(self, fetch: Callable[[], Awaitable[ProcessTable]], parent=None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._tasks = TaskSet("processes", _log)  # one listing at a time
        self._enabled = True
        self.table = QTableWidget(self)
        self.table.setObjectName("processesTable")
        self.table.setAccessibleName("Processes")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel("", self)
        self.status.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def set_enabled_refresh(self, enabled: bool) -> None:
        self._enabled = enabled
        if not enabled:
            self._timer.stop()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._enabled:
            self.refresh()
            self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self._timer.stop()

    def refresh(self) -> None:
        if len(self._tasks):
            return  # the last one is still on its way
        self._tasks.spawn(self._refresh())

    def cancel(self) -> None:
        self._timer.stop()
        self._tasks.cancel_all()

    async def _refresh(self) -> None:
        try:
            listing = await self._fetch()
        except ConnectionLost as exc:
            self.status.setText(f"Cannot reach Podman: {exc}")
            return
        except Conflict:
            self.table.setRowCount(0)
            self.status.setText("The container is not running: it has no processes.")
            return
        except PodmanError as exc:
            self.table.setRowCount(0)
            self.status.setText(str(exc))
            return
        self._show(listing)
        self.status.setText(f"{len(listing.rows)} processes · refreshed every 2 s")
        self.refreshed.emit(listing)

    def _show(self, listing: ProcessTable) -> None:
        selected = {i.row() for i in self.table.selectionModel().selectedRows()}
        pid_column = listing.titles.index("PID") if "PID" in listing.titles else -1
        selected_pids = {
            self.table.item(row, pid_column).text()
            for row in selected
            if pid_column >= 0 and self.table.item(row, pid_column) is not None
        }
        sort_column = self.table.horizontalHeader().sortIndicatorSection()
        sort_order = self.table.horizontalHeader().sortIndicatorOrder()
        self.table.setSortingEnabled(False)
        first = self.table.columnCount() != len(listing.titles)
        self.table.setColumnCount(len(listing.titles))
        self.table.setHorizontalHeaderLabels(list(listing.titles))
        self.table.setRowCount(len(listing.rows))
        for r, row in enumerate(listing.rows):
            for c, value in enumerate(row):
                item = _Item(_GO_FRACTION.sub(r"\1s", value))
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        if first:
            self.table.resizeColumnsToContents()
            self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            self.table.sortByColumn(max(pid_column, 0), Qt.SortOrder.AscendingOrder)
        else:
            self.table.sortByColumn(sort_column, sort_order)
        for r in range(self.table.rowCount()):
            item = self.table.item(r, pid_column) if pid_column >= 0 else None
            if item is not None and item.text() in selected_pids:
                self.table.selectRow(r)

    def rows(self) -> list[list[str]]:
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]
