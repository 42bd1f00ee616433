"""Containers grouped under their pod: the proxy keeps a pod's containers together
(sorted by the chosen column inside), and this delegate paints a band naming the pod
above the first row of each group and indents the names of its containers.

The band is part of the first row (a taller row), not a row of its own, so the model,
the selection, search and the keyed updates stay exactly those of the flat list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView

from app.models.filter_proxy import GroupingFilterProxy
from app.models.resource_model import ROW_SIZE

BAND = 22  # the pod band's height above a group's first row
INDENT = 14  # how far a pod's containers' names move right
# The group of containers outside any pod sorts after every pod's.
NO_POD = "\uffff"


def pod_group(container: Any) -> str:
    """A container's group: its pod's name, or NO_POD."""
    return container.pod_name or NO_POD if container is not None else NO_POD


class PodGroupDelegate(QStyledItemDelegate):
    """Paints the pod bands of a grouped GroupingFilterProxy's rows."""

    def __init__(
        self,
        tree: QTreeView,
        proxy: GroupingFilterProxy,
        describe: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(tree)
        self.tree, self.proxy = tree, proxy
        # The band's words for a pod (e.g. with its state); the pod's name by default.
        self.describe = describe or (lambda pod: f"Pod {pod}")

    def band_text(self, row: int) -> str:
        """The band above proxy row ``row``, "" when it opens no group."""
        group = self.proxy.group_of(row)
        if group is None:
            return ""
        if row > 0 and self.proxy.group_of(row - 1) == group:
            return ""
        if group == NO_POD:
            # Outside any pod: a band only when pods come before it.
            return "Not in a pod" if row > 0 else ""
        return self.describe(group)

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        # Every row is ROW_SIZE high (the model says so): no need to ask it again.
        band = BAND if index.column() == 0 and self.band_text(index.row()) else 0
        return QSize(-1, ROW_SIZE.height() + band)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        text = self.band_text(index.row())
        item_option = QStyleOptionViewItem(option)
        if text:
            band = QRect(option.rect)
            band.setHeight(BAND)
            palette = option.palette
            painter.save()
            painter.fillRect(band, palette.color(QPalette.ColorRole.AlternateBase).darker(108))
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(band.bottomLeft(), band.bottomRight())
            if self.tree.header().visualIndex(index.column()) == 0:
                font = painter.font()
                font.setBold(True)
                painter.setFont(font)
                painter.setPen(palette.color(QPalette.ColorRole.WindowText))
                painter.drawText(
                    band.adjusted(6, 0, -4, 0),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    text,
                )
            painter.restore()
            item_option.rect = option.rect.adjusted(0, BAND, 0, 0)
        if index.column() == 0 and self.proxy.group_of(index.row()) not in (None, NO_POD):
            item_option.rect = item_option.rect.adjusted(INDENT, 0, 0, 0)
        super().paint(painter, item_option, index)


class PodGrouping:
    """Turns grouping on and off for a tree on a GroupingFilterProxy."""

    def __init__(
        self,
        tree: QTreeView,
        proxy: GroupingFilterProxy,
        describe: Callable[[str], str] | None = None,
    ) -> None:
        self.tree, self.proxy = tree, proxy
        self.delegate = PodGroupDelegate(tree, proxy, describe)
        self._plain = tree.itemDelegate()

    def set_on(self, on: bool) -> None:
        # Uniform heights are much cheaper; the bands need a taller first row.
        self.tree.setUniformRowHeights(not on)
        self.tree.setItemDelegate(self.delegate if on else self._plain)
        self.proxy.set_group(pod_group if on else None)
        self.tree.viewport().update()

    @property
    def on(self) -> bool:
        return self.proxy.grouped
