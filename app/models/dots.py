"""Coloured state dots for the lists' state columns (colour never carries meaning alone:
the text beside the dot says the same)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

GREEN = "#2e9d4f"
AMBER = "#d39e00"
RED = "#d1453b"
GREY = "#8a8a8a"
BLUE = "#3b82c4"


@lru_cache(maxsize=32)
def dot(color: str, hollow: bool = False) -> QIcon:
    """A 12-pixel disc (a ring when ``hollow``: a transition in progress)."""
    pixmap = QPixmap(24, 24)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if hollow:
        pen = painter.pen()
        pen.setColor(QColor(color))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(2, 2, 8, 8)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)
