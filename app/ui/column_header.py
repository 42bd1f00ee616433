"""How a list lays out its columns: each one as wide as its title and its cells (up to
a cap), the name column taking the room that is left, low-value columns hidden until the
header's menu shows them, and all of it remembered by column name (column_state.py).

A column the user resized keeps the width the user gave it; the others follow their
content: they grow as wider values arrive and are fitted afresh on each start.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QMenu, QStyle, QTreeView

from app.models.resource_model import ResourceModel
from app.ui.column_state import ColumnState, arrange

# Rows measured to fit a column: the first of the list. Measuring costs ~2 µs a cell,
# so a 1,000-row list is fitted in a few milliseconds; a wider value further down is
# elided, and a double-click on the column's edge fits it (Qt measures as many rows).
MEASURED_ROWS = 200
# Fitting follows the rows with this delay: a burst of changes is measured once.
FIT_DELAY_MS = 250
# Beyond the style's own margins, so rounding never elides a cell that fits.
SLACK = 4
# The name column takes the room the others leave, but never less than its widest name
# up to this: with more columns shown than fit, a scroll bar beats a column of "…".
NAME_MINIMUM_CAP = 200


class ColumnHeader(QObject):
    """The columns of one list's tree.

    Signals:
        changed(): the user showed, hid, fitted or reset columns (worth saving now).
    """

    changed = Signal()

    def __init__(self, tree: QTreeView, model: ResourceModel, proxy: QSortFilterProxyModel) -> None:
        super().__init__(tree)
        self.tree, self.model, self.proxy = tree, model, proxy
        self.header = tree.header()
        self.names = [c.name for c in model.columns]
        self.stretch_index = next((i for i, c in enumerate(model.columns) if c.stretch), 0)
        # Columns the user sized, with the width chosen (kept while hidden, too).
        self._user_widths: dict[str, int] = {}
        self._fitting = False  # our own resizes are not the user's
        self._name_minimum = 0
        header = self.header
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(MEASURED_ROWS)
        # Not Qt's Stretch mode: it squeezes the name column to nothing when the others
        # fill the view. The name column is sized here (stretch), the others by the user.
        for logical in range(len(self.names)):
            header.setSectionResizeMode(
                logical,
                QHeaderView.ResizeMode.Fixed
                if logical == self.stretch_index
                else QHeaderView.ResizeMode.Interactive,
            )
        tree.viewport().installEventFilter(self)
        header.setToolTip("Right-click to choose which columns to show")
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        header.sectionResized.connect(self._on_resized)
        header.sectionHandleDoubleClicked.connect(self._on_handle_double_clicked)
        self._fit_timer = QTimer(self, singleShot=True, interval=FIT_DELAY_MS)
        self._fit_timer.timeout.connect(lambda: self.fit(grow_only=True))
        model.rowsInserted.connect(self._schedule_fit)
        model.dataChanged.connect(self._schedule_fit)
        # A new connection: fit its rows afresh, not the last connection's.
        model.modelReset.connect(lambda: self.fit())
        self.apply(None)

    # -- state -----------------------------------------------------------------------

    def apply(self, state: ColumnState | None) -> None:
        """Show, order and size the columns as ``state`` says; the defaults where it is
        silent (or None). The name column is always shown, no column is left at zero
        width, and the sort is kept unless ``state`` names one."""
        state = state or ColumnState()
        header = self.header
        self._fitting = True
        try:
            for visual, name in enumerate(arrange(state.order, self.names)):
                header.moveSection(header.visualIndex(self.names.index(name)), visual)
            for logical, column in enumerate(self.model.columns):
                shown = state.visible.get(column.name, not column.hidden)
                header.setSectionHidden(logical, not shown and logical != self.stretch_index)
            self._user_widths = {}
            for name, width in state.widths.items():
                if name in self.names and self.names.index(name) != self.stretch_index:
                    logical = self.names.index(name)
                    width = max(width, header.sectionSizeHint(logical))
                    self._user_widths[name] = width
                    header.resizeSection(logical, width)
            if state.sort is not None and state.sort[0] in self.names:
                descending = state.sort[1]
                order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
                self.tree.sortByColumn(self.names.index(state.sort[0]), order)
        finally:
            self._fitting = False
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.stretch()
        return False

    def state(self) -> ColumnState:
        header = self.header
        section = header.sortIndicatorSection()
        sort = None
        if 0 <= section < len(self.names):
            descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            sort = (self.names[section], descending)
        return ColumnState(
            order=[self.names[header.logicalIndex(v)] for v in range(header.count())],
            visible={n: not header.isSectionHidden(i) for i, n in enumerate(self.names)},
            widths=dict(self._user_widths),
            sort=sort,
        )

    def is_visible(self, name: str) -> bool:
        return not self.header.isSectionHidden(self.names.index(name))

    def set_visible(self, name: str, shown: bool) -> None:
        logical = self.names.index(name)
        if logical == self.stretch_index or shown == self.is_visible(name):
            return
        self._fitting = True
        try:
            self.header.setSectionHidden(logical, not shown)
        finally:
            self._fitting = False
        if shown:
            self.fit([name])
        self.stretch()
        self.changed.emit()

    def user_sized(self) -> set[str]:
        return set(self._user_widths)

    # -- fitting ---------------------------------------------------------------------

    def fit(self, names: Iterable[str] | None = None, grow_only: bool = False) -> None:
        """Size each shown column the user has not sized: as wide as its title and its
        widest measured cell (or its sample), up to its cap. ``grow_only`` never
        narrows one, so columns do not jump as rows come and go."""
        wanted = set(self.names if names is None else names)
        fm = self.tree.fontMetrics()
        self._fitting = True
        try:
            for logical, column in enumerate(self.model.columns):
                if (
                    column.name not in wanted
                    or logical == self.stretch_index
                    or column.name in self._user_widths
                    or self.header.isSectionHidden(logical)
                ):
                    continue
                width = self.wanted_width(logical, fm)
                if grow_only:
                    width = max(width, self.header.sectionSize(logical))
                if width != self.header.sectionSize(logical):
                    self.header.resizeSection(logical, width)
        finally:
            self._fitting = False
        minimum = self.wanted_width(self.stretch_index, fm, NAME_MINIMUM_CAP)
        self._name_minimum = max(minimum, self._name_minimum) if grow_only else minimum
        self.stretch()

    def stretch(self) -> None:
        """Give the name column the room the other shown columns leave, or its minimum."""
        header = self.header
        others = sum(
            header.sectionSize(i)
            for i in range(header.count())
            if i != self.stretch_index and not header.isSectionHidden(i)
        )
        width = max(self._name_minimum, self.tree.viewport().width() - others)
        if width != header.sectionSize(self.stretch_index):
            self._fitting = True
            try:
                header.resizeSection(self.stretch_index, width)
            finally:
                self._fitting = False

    def wanted_width(
        self, logical: int, fm: QFontMetrics | None = None, cap: int | None = None
    ) -> int:
        """max(the title's width, min(the widest cell's, the column's cap))."""
        fm = fm or self.tree.fontMetrics()
        column = self.model.columns[logical]
        texts = self.model.column_texts(logical, MEASURED_ROWS)
        if column.sample:
            texts.append(column.sample)
        text = max((fm.horizontalAdvance(t) for t in texts), default=0)
        cell = text + self.cell_padding(logical) + SLACK if text else 0
        cap = column.max_width if cap is None else cap
        return max(self.header.sectionSizeHint(logical), min(cell, cap))

    def cell_padding(self, logical: int) -> int:
        """What a cell adds to its text, as Qt's item layout does: the style's margin on
        each side of the text, and of the icon when the column shows one (a state dot).

        Not the delegate's size hint: the models answer a fixed row size there.
        """
        style = self.tree.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.tree) + 1
        padding = 2 * margin
        if self.model.rowCount() and self.model.index(0, logical).data(
            Qt.ItemDataRole.DecorationRole
        ):
            icon = self.tree.iconSize()
            width = (
                icon.width()
                if icon.isValid()
                else style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self.tree)
            )
            padding += width + 2 * margin
        return padding

    def _schedule_fit(self, *_args: Any) -> None:
        if not self._fit_timer.isActive():
            self._fit_timer.start()

    def _on_resized(self, logical: int, _old: int, new: int) -> None:
        if self._fitting or new <= 0 or logical == self.stretch_index:
            return
        if not self.header.isSectionHidden(logical):
            self._user_widths[self.names[logical]] = new
            self.stretch()  # the name column gives or takes the difference

    def _on_handle_double_clicked(self, logical: int) -> None:
        # Qt has just fitted it to its cells; fit it our way and let it follow them.
        self._user_widths.pop(self.names[logical], None)
        self.fit([self.names[logical]])

    # -- the header's menu -----------------------------------------------------------

    def column_menu(self) -> QMenu:
        """Show or hide each column (in the order shown), fit them, or reset them."""
        menu = QMenu("Columns", self.header)
        menu.setObjectName("columnMenu")
        menu.setAccessibleName("Columns")
        menu.setToolTipsVisible(True)
        for visual in range(self.header.count()):
            logical = self.header.logicalIndex(visual)
            column = self.model.columns[logical]
            action = menu.addAction(column.title)
            action.setObjectName(f"column-{column.name}")
            action.setCheckable(True)
            action.setChecked(not self.header.isSectionHidden(logical))
            if logical == self.stretch_index:
                action.setEnabled(False)
                action.setToolTip("Always shown")
            else:
                action.toggled.connect(lambda on, n=column.name: self.set_visible(n, on))
        menu.addSeparator()
        fit = menu.addAction("Fit Columns to Contents")
        fit.setObjectName("fit-columns")
        fit.setToolTip("Size every column to its title and its values again")
        fit.triggered.connect(self._fit_all)
        reset = menu.addAction("Reset Columns")
        reset.setObjectName("reset-columns")
        reset.setToolTip("Show the usual columns, in their usual order and size")
        reset.triggered.connect(self._reset)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.header.mapToGlobal(pos))

    def _fit_all(self) -> None:
        self._user_widths = {}
        self.fit()
        self.changed.emit()

    def _reset(self) -> None:
        self.apply(ColumnState(sort=self.state().sort))
        self.changed.emit()
