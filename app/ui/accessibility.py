"""Names for the controls Qt builds by itself, which a screen reader would announce as
an unnamed button: a tool bar's or menu bar's overflow arrow and a table's corner
button. Call ``name_built_in_parts`` once a window has built its widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QToolButton, QWidget

_PARTS = {
    "qt_toolbar_ext_button": ("More actions", "Show the actions that do not fit"),
    "qt_menubar_ext_button": ("More menus", "Show the menus that do not fit"),
    "qt_tableview_cornerbutton": ("Select all", "Select every row"),
}


def name_built_in_parts(root: QWidget) -> None:
    for button in root.findChildren(QAbstractButton):
        named = _PARTS.get(button.objectName())
        if named is None or button.accessibleName():
            continue
        name, tip = named
        button.setAccessibleName(name)
        button.setToolTip(tip)


def name_tool_button(button: QToolButton, name: str, tip: str = "") -> None:
    """An icon-only tool button: its name for screen readers, its tooltip for the eye."""
    button.setAccessibleName(name)
    button.setToolTip(tip or name)
