"""The app's own SVG icons (app/resources/icons), drawn in the palette's text colour so they
suit light and dark schemes alike."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.support import resources


@lru_cache(maxsize=64)
def icon(name: str, color: str) -> QIcon:
    """``app/resources/icons/NAME.svg`` with its ``currentColor`` strokes in ``color``."""
    try:
        svg = resources.icon_svg(name).replace("currentColor", color)
    except OSError:
        return QIcon()
    return from_svg(svg.encode(), (16, 24, 32, 48))


def app_icon() -> QIcon:
    """The app's own icon (app.svg) as drawn, for the windows and About."""
    return from_svg(resources.read_bytes("icons", "app.svg"), (16, 24, 32, 48, 64, 128, 256))


def from_svg(svg: bytes, sizes: tuple[int, ...]) -> QIcon:
    """An icon drawn from SVG text at each of ``sizes``, so no size is a blurred scale."""
    renderer = QSvgRenderer(QByteArray(svg))
    result = QIcon()
    for size in sizes:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(pixmap)
    return result
