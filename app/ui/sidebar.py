"""The sidebar: one entry per page, each with its live count.

Signals:
    page_selected(str kind): the user picked "containers", "images", ….
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.ui import icons

PAGES = (
    ("containers", "Containers"),
    ("images", "Images"),
    ("volumes", "Volumes"),
    ("machines", "Machines"),
    ("pods", "Pods"),
    ("networks", "Networks"),
    ("secrets", "Secrets"),
)
COUNT_ROLE = Qt.ItemDataRole.UserRole + 10
KIND_ROLE = Qt.ItemDataRole.UserRole + 11


class _CountDelegate(QStyledItemDelegate):
    """Draws the count right-aligned, muted, beside the page's name."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        count = index.data(COUNT_ROLE)
        if count in (None, ""):
            return
        painter.save()
        selected = bool(option.state & option.state.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(role))
        rect = QRect(option.rect).adjusted(0, 0, -12, 0)
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(count)
        )
        painter.restore()

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 40, max(size.height(), 30))


class Sidebar(QListWidget):
    page_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAccessibleName("Pages")
        self.setToolTip("What Podman holds, by kind")
        self.setItemDelegate(_CountDelegate(self))
        self.setIconSize(QSize(18, 18))
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setFixedWidth(190)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._items: dict[str, QListWidgetItem] = {}
        for kind, title in PAGES:
            item = QListWidgetItem(title, self)
            item.setData(KIND_ROLE, kind)
            self._items[kind] = item
        self.refresh_icons()
        self.currentItemChanged.connect(self._on_current)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # A theme switched at run time changes the palette under us: redraw the icons in
        # the new text colour, or dark mode leaves them black on near-black.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.refresh_icons()
        super().changeEvent(event)

    def refresh_icons(self) -> None:
        color = self.palette().color(QPalette.ColorRole.WindowText).name()
        for kind, item in self._items.items():
            item.setIcon(icons.icon(kind, color))

    def add_page(self, kind: str, title: str) -> None:
        """A page beyond the lists (the System page), after them."""
        item = QListWidgetItem(title, self)
        item.setData(KIND_ROLE, kind)
        self._items[kind] = item
        self.refresh_icons()

    def set_count(self, kind: str, count: int | None) -> None:
        self._items[kind].setData(COUNT_ROLE, "" if count is None else count)

    def count_text(self, kind: str) -> str:
        value = self._items[kind].data(COUNT_ROLE)
        return "" if value is None else str(value)

    def select(self, kind: str) -> None:
        self.setCurrentItem(self._items.get(kind) or self._items["containers"])

    def current_kind(self) -> str:
        item = self.currentItem()
        return item.data(KIND_ROLE) if item else "containers"

    def _on_current(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.page_selected.emit(current.data(KIND_ROLE))
