"""The sort/filter proxy behind the search box: text over every column, plus an
optional predicate on the row's record (by pod, by compose project, infra hidden), and
an optional grouping: rows of one group (a pod) stay together, the groups in their own
order whichever way the chosen column sorts, and the column sorts within each group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.models.resource_model import ITEM_ROLE, SORT_ROLE, ResourceModel


class ResourceFilterProxy(QSortFilterProxyModel):
    def __init__(self, source: ResourceModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)
        self._needle = ""
        self._predicate: Callable[[Any], bool] | None = None

    def set_text(self, text: str) -> None:
        needle = text.strip().lower()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle))

    @property
    def text(self) -> str:
        return self._needle

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        self._refilter(lambda: setattr(self, "_predicate", predicate))

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: invalidateFilter is deprecated
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(  # noqa: N802 - Qt override
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if self._predicate is not None:
            if isinstance(model, ResourceModel) and not source_parent.isValid():
                item = model.item(model.key_at(source_row))  # no data() round trip
            else:
                item = model.data(model.index(source_row, 0, source_parent), ITEM_ROLE)
            if item is not None and not self._predicate(item):
                return False
        if not self._needle:
            return True
        for column in range(model.columnCount()):
            value = model.data(model.index(source_row, column, source_parent))
            if value and self._needle in str(value).lower():
                return True
        return False


class GroupingFilterProxy(ResourceFilterProxy):
    """The same proxy, able to group rows (the Containers page, by pod). A separate
    class because overriding lessThan sends every comparison through Python: lists that
    never group keep Qt's own."""

    def __init__(self, source: ResourceModel, parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self._group: Callable[[Any], str] | None = None
        # key -> group: a container never changes pod, and a sort asks ~20,000 times
        # for 1,000 rows. Dropped when the grouping changes or the cache outgrows the list.
        self._groups: dict[Any, str] = {}

    def set_group(self, group: Callable[[Any], str] | None) -> None:
        """Keep rows whose records give the same ``group`` text together (sorted by it,
        ascending in either sort order); None: one flat list."""
        if group is not self._group:
            self._group = group
            self._groups = {}
            self.invalidate()  # a re-sort: layoutChanged, not a reset; selection kept

    @property
    def grouped(self) -> bool:
        return self._group is not None

    def _group_of_key(self, model: ResourceModel, key: Any) -> str:
        group = self._groups.get(key)
        if group is None:
            assert self._group is not None
            if len(self._groups) > 2 * model.rowCount() + 100:
                self._groups = {}
            group = self._groups[key] = self._group(model.item(key))
        return group

    def group_of(self, proxy_row: int) -> str | None:
        """The group of a row of this proxy (None when not grouping or out of range)."""
        if self._group is None or not 0 <= proxy_row < self.rowCount():
            return None
        source = self.mapToSource(self.index(proxy_row, 0)).row()
        model = self.sourceModel()
        assert isinstance(model, ResourceModel)
        return self._group_of_key(model, model.key_at(source))

    def lessThan(  # noqa: N802 - Qt override
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        model = self.sourceModel()
        if self._group is None or not isinstance(model, ResourceModel):
            return super().lessThan(left, right)
        a_key, b_key = model.key_at(left.row()), model.key_at(right.row())
        a, b = self._group_of_key(model, a_key), self._group_of_key(model, b_key)
        if a != b:
            # Qt sorts descending by swapping the arguments: swap back for groups.
            ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
            return (a < b) if ascending else (a > b)
        # Within a group, the column's own sort value, read without data()'s round trip.
        x, y = model.sort_value(a_key, left.column()), model.sort_value(b_key, right.column())
        try:
            return x < y
        except TypeError:  # mixed kinds (a number and a text): compare as text
            return str(x) < str(y)
