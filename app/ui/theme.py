"""Light, dark, or the system's scheme (Settings.theme).

"system" leaves the platform's own style and palette alone, so the app follows the
desktop; "light" and "dark" force a Fusion palette.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_original: tuple[str, QPalette] | None = None


def _dark() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e3e3e3",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.Text: "#e3e3e3",
        QPalette.ColorRole.Button: "#36383c",
        QPalette.ColorRole.ButtonText: "#e3e3e3",
        QPalette.ColorRole.ToolTipBase: "#36383c",
        QPalette.ColorRole.ToolTipText: "#e3e3e3",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#6aa7ff",
        QPalette.ColorRole.PlaceholderText: "#8c8f94",
        QPalette.ColorRole.Mid: "#44464a",
        QPalette.ColorRole.Dark: "#18191b",
        QPalette.ColorRole.Light: "#4a4c50",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6d7075"))
    return p


def _light() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor("#2f65ca"))
    p.setColor(QPalette.ColorRole.Link, QColor("#1f5fbf"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#a0a0a0"))
    return p


def apply(theme: str) -> None:
    """Apply "system", "light" or "dark" to the running application."""
    global _original
    app = QApplication.instance()
    if app is None:
        return
    if _original is None:
        _original = (app.style().name(), app.palette())
    hints = QGuiApplication.styleHints()
    if theme == "dark":
        app.setStyle("Fusion")
        _set_scheme(hints, Qt.ColorScheme.Dark)
        app.setPalette(_dark())
    elif theme == "light":
        app.setStyle("Fusion")
        _set_scheme(hints, Qt.ColorScheme.Light)
        app.setPalette(_light())
    else:
        _set_scheme(hints, Qt.ColorScheme.Unknown)
        app.setStyle(_original[0])
        app.setPalette(_original[1])


def is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _set_scheme(hints, scheme) -> None:
    # Qt 6.8+ lets an app ask the platform for a scheme; older Qt ignores it.
    setter = getattr(hints, "setColorScheme", None)
    if setter is not None:
        setter(scheme)
