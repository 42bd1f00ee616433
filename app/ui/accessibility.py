"""Keyboard and screen-reader help shared by the windows.

``name_built_in_parts`` names the controls Qt builds by itself, which a screen reader
would announce as an unnamed button: a tool bar's or menu bar's overflow arrow and a
table's corner button. ``assign_mnemonics`` underlines a letter of each toolbar button
(Alt+letter presses it). ``finish_window`` does both; call it once a window has built its
widgets, and again when more menus or toolbars are added to it.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
    QWidgetAction,
)

_PARTS = {
    "qt_toolbar_ext_button": ("More actions", "Show the actions that do not fit"),
    "qt_menubar_ext_button": ("More menus", "Show the menus that do not fit"),
    "qt_tableview_cornerbutton": ("Select all", "Select every row"),
}
# The label a toolbar action had before a mnemonic was added, so a second pass (after
# more menus arrived) can choose again.
_PLAIN_LABEL = "pdcPlainLabel"


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


def mnemonic_of(text: str) -> str:
    """The letter a label underlines (``"Re&move"`` → ``"m"``), or ""."""
    match = re.search(r"&([^&\s])", text.replace("&&", ""))
    return match.group(1).lower() if match else ""


def with_mnemonic(label: str, taken: set[str]) -> str:
    """``label`` with its first letter not in ``taken`` underlined (and added to it);
    unchanged when every letter is taken."""
    for index, char in enumerate(label):
        if char.isalnum() and char.lower() not in taken:
            taken.add(char.lower())
            return label[:index] + "&" + label[index:]
    return label


def assign_mnemonics(window: QMainWindow) -> None:
    """Give each toolbar button of ``window`` an Alt+letter, as a menu has: the first free
    letter of its label, free meaning not used by the menu bar or by a button or label
    elsewhere in the window. Labels a toolbar action set with an ``&`` of its own keep it.

    Only the visible page's toolbar is shown at a time (Qt ignores a hidden widget's
    mnemonic), so two pages may use the same letter.
    """
    menus = {mnemonic_of(a.text()) for a in window.menuBar().actions()}
    lettered = _lettered_outside_toolbars(window)  # once, not once per toolbar (launch time)
    for toolbar in window.findChildren(QToolBar):
        actions = [a for a in toolbar.actions() if not a.isSeparator()]
        # Pages of a stack are never shown together: only this toolbar's own page and
        # what surrounds the stacks can clash with it.
        page = _page_of(toolbar)
        elsewhere = menus | {
            letter for letter, on in lettered if on is None or on is page or _contains(on, page)
        }
        taken = set(elsewhere) - {""}
        for action in actions:
            if isinstance(action, QWidgetAction):
                continue  # a widget put in the toolbar keeps its own label
            plain = action.property(_PLAIN_LABEL)
            if plain is None:
                if mnemonic_of(action.iconText()) or "&" in action.text().replace("&&", ""):
                    taken.add(mnemonic_of(action.iconText()) or mnemonic_of(action.text()))
                    continue
                plain = action.iconText()
                action.setProperty(_PLAIN_LABEL, plain)
            action.setIconText(with_mnemonic(plain, taken))


def _page_of(widget: QWidget) -> QWidget | None:
    """The page of a QStackedWidget that ``widget`` is on (None: outside every stack)."""
    while widget is not None:
        parent = widget.parentWidget()
        if isinstance(parent, QStackedWidget):
            return widget
        widget = parent
    return None


def _lettered_outside_toolbars(window: QWidget) -> list[tuple[str, QWidget | None]]:
    """The letters that the window's buttons and labels, other than toolbar buttons, use,
    each with the stacked page it is on (None: outside every stack)."""
    found = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QToolButton) and isinstance(widget.parentWidget(), QToolBar):
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            letter = mnemonic_of(widget.text())
            if letter:
                found.append((letter, _page_of(widget)))
    return found


def _contains(outer: QWidget, inner: QWidget | None) -> bool:
    """Whether ``inner`` lies inside ``outer`` (a page holding a stack of its own)."""
    while inner is not None:
        if inner is outer:
            return True
        inner = inner.parentWidget()
    return False


def finish_window(window: QMainWindow) -> None:
    """Name Qt's own parts and give the toolbar buttons their Alt+letters."""
    name_built_in_parts(window)
    assign_mnemonics(window)
