"""The sort/filter proxy behind the search box: text over every column, plus an
optional predicate on the row's record (by pod, by compose project, infra hidden)."""

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
