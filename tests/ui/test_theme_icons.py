"""Icons follow the palette: switching to dark at run time redraws them light."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor

from app.ui import theme
from app.ui.sidebar import Sidebar


def _ink_lightness(sidebar: Sidebar, kind: str) -> int:
    """Lightness of the icon's drawn (opaque) pixels."""
    image = sidebar._items[kind].icon().pixmap(QSize(32, 32)).toImage()
    values = [
        QColor(image.pixel(x, y)).lightness()
        for x in range(image.width())
        for y in range(image.height())
        if QColor.fromRgba(image.pixel(x, y)).alpha() > 200
    ]
    assert values, "the icon drew nothing"
    return sorted(values)[len(values) // 2]


def test_sidebar_icons_turn_light_in_dark_theme_and_back(qtbot):
    theme.apply("light")
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    try:
        assert _ink_lightness(sidebar, "containers") < 100
        # Qt posts the palette change to each widget: wait for it to be handled.
        theme.apply("dark")
        qtbot.waitUntil(lambda: _ink_lightness(sidebar, "containers") > 160, timeout=2000)
        theme.apply("light")
        qtbot.waitUntil(lambda: _ink_lightness(sidebar, "images") < 100, timeout=2000)
    finally:
        theme.apply("system")
