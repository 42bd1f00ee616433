"""The Processes tab: `podman top` as a table, refreshed every 2 s while visible and
the container runs; a container that is not running gets plain words, not an empty table.

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
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.dto import ProcessTable
from app.engine.errors import Conflict, ConnectionLost, PodmanError
from app.models.container_status import ContainerStatus as S
from app.support import log
from app.support.concurrency import TaskSet
from app.ui.inspector.not_running import NotRunningPage, RunState

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
        self.run_state: RunState | None = None  # set by the window once it read the container
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
        self.not_running = NotRunningPage("processesNotRunning", self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.not_running)
        self.status = QLabel("", self)
        self.status.setObjectName("processesStatus")
        self.status.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def set_enabled_refresh(self, enabled: bool) -> None:
        self._enabled = enabled
        if not enabled:
            self._timer.stop()
            if self.table.rowCount():
                self.status.setText("No longer refreshed: this is the last listing.")

    @property
    def _asking(self) -> bool:
        """Podman is asked while the tab shows and the container may have processes."""
        running = self.run_state.running if self.run_state is not None else None
        return self._enabled and self.isVisible() and running is not False

    def set_run_state(self, state: RunState) -> None:
        """The container's state as the window last read it."""
        was_asking = self._timer.isActive()
        self.run_state = state
        if state.running is False:
            self._timer.stop()
            self._tasks.cancel_all()
            self._say_not_running()
        elif self._asking and not was_asking:
            self.refresh()  # it runs again: list at once, not in 2 s
            self._timer.start()

    def _say_not_running(self, paused: bool = False) -> None:
        self.table.setRowCount(0)
        self.pages.setCurrentWidget(self.not_running)
        self.status.setText("")
        name = self.run_state.name if self.run_state is not None else "The container"
        if paused:
            self.not_running.say(
                "Paused",
                f"{name} is paused, and Podman lists no processes of a paused container. "
                "Resume it to see them here.",
            )
            return
        words = self.run_state.stopped_words() if self.run_state is not None else "is not running"
        self.not_running.say(
            "Not running",
            f"{name} {words}, so it has no processes. Start it to see them here.",
        )

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.run_state is not None and self.run_state.running is False:
            self._say_not_running()  # "stopped 5 minutes ago" is said anew
        elif self._asking:
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
            paused = self.run_state is not None and self.run_state.status is S.PAUSED
            self._say_not_running(paused)
            return
        except PodmanError as exc:
            self.table.setRowCount(0)
            self.pages.setCurrentWidget(self.table)
            self.status.setText(str(exc))
            return
        self.pages.setCurrentWidget(self.table)
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
