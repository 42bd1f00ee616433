"""Walks a widget tree and lists the controls a screen reader or a keyboard user cannot use.

A control's name is what Qt's accessibility layer reports (``QAccessible`` Name, which
AT-SPI passes to screen readers): its accessible name, else its text, else the text of
the label whose buddy it is. The rules, each a line of ``problems``:

- Every interactive control has a name with a word in it: a glyph ("↑", "✕") is not one.
- A control that holds a value (a field, a list, a combo box) is named by its accessible
  name or by a label whose buddy it is, never by its value: Qt falls back to a combo
  box's current text, which says what is chosen, not what is being chosen.
- A control that shows no word (an icon or a glyph) has a tooltip, and so does every
  toolbar button, saying more than its label (a QAction's tooltip defaults to its text,
  so a tooltip equal to the label adds nothing).
- A form's label names an interactive field through its buddy, with a mnemonic
  (``&Name:``), so Alt+letter reaches the field and a screen reader says the label.

``mnemonic_clashes`` lists Alt+letter keys that two visible controls of one window claim.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QToolBar,
    QWidget,
)

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
)
# Controls whose fallback name would be their content rather than what they are for.
VALUE_HOLDERS = (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)
_WORD = re.compile(r"\w")


def accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "").strip()


def plain(text: str) -> str:
    """A label as read out: no mnemonic ampersand, no ellipsis, no shortcut after a tab."""
    text = text.split("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.replace("…", "").replace("...", "").strip()


def mnemonic(text: str) -> str:
    """The letter after a single ``&`` (lower case), or ""."""
    match = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return match.group(1).lower() if match else ""


def _internal(widget: QWidget) -> bool:
    """Parts Qt builds inside other controls (scroll bars, header views, a combo box's
    own line edit, a search field's clear button, a tab bar's scroll arrows), which a
    screen reader reaches through their owner."""
    if isinstance(widget, QScrollBar | QHeaderView):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QLineEdit | QTabBar):
            return True
        parent = parent.parentWidget()
    return False


def _in_standard_box(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return isinstance(parent, QDialogButtonBox | QMessageBox)


def _buddies(root: QWidget) -> dict[QWidget, QLabel]:
    return {
        label.buddy(): label
        for label in [root, *root.findChildren(QLabel)]
        if isinstance(label, QLabel) and label.buddy() is not None
    }


def _interactive(widget: QWidget) -> bool:
    return isinstance(widget, INTERACTIVE) and not _internal(widget)


def _form_problems(root: QWidget) -> list[str]:
    found = []
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label_item is None or field_item is None:
                continue
            label = label_item.widget()
            fields = _widgets_of(field_item.widget() or field_item.layout())
            if not isinstance(label, QLabel) or not any(_interactive(w) for w in fields):
                continue
            where = f"form label “{label.text()}” in {type(form.parentWidget()).__name__}"
            if label.buddy() is None or not _interactive(label.buddy()):
                found.append(f"{where}: names no field (no buddy)")
            if not mnemonic(label.text()):
                found.append(f"{where}: no mnemonic (Alt+letter)")
    return found


def _widgets_of(item: QWidget | QLayout | None) -> list[QWidget]:
    if isinstance(item, QWidget):
        return [item]
    if isinstance(item, QLayout):
        widgets = []
        for index in range(item.count()):
            child = item.itemAt(index)
            widgets += _widgets_of(child.widget() or child.layout())
        return widgets
    return []


def _tooltip_problem(widget: QAbstractButton) -> str:
    if _in_standard_box(widget):
        return ""
    label = plain(widget.text())
    tip = plain(widget.toolTip())
    if not _WORD.search(label) and not tip:
        return "shows no word (an icon or a glyph) and has no tooltip"
    if isinstance(widget.parentWidget(), QToolBar) and tip.lower() == label.lower():
        return "is a toolbar button whose tooltip says no more than its label"
    return ""


def problems(root: QWidget) -> list[str]:
    """One line per broken rule (see the module's docstring)."""
    found = []
    buddies = _buddies(root)
    for widget in [root, *root.findChildren(QWidget)]:
        if not _interactive(widget):
            continue
        where = f"{type(widget).__name__} {widget.objectName() or '(no object name)'}"
        parent = widget.parentWidget()
        if parent is not None:
            where += f" in {type(parent).__name__} {parent.objectName()}"
        name = accessible_name(widget)
        if not _WORD.search(name):
            found.append(f"{where}: no accessible name" + (f" (only “{name}”)" if name else ""))
        elif (
            isinstance(widget, VALUE_HOLDERS)
            and not widget.accessibleName().strip()
            and widget not in buddies
        ):
            found.append(f"{where}: named by its value “{name}”, not by a name or a label")
        if isinstance(widget, QAbstractButton):
            problem = _tooltip_problem(widget)
            if problem:
                found.append(f"{where}: {problem}")
    return found + _form_problems(root)


def menu_problems(menu: QMenu, path: str = "") -> list[str]:
    """Every entry of a menu and its submenus has words (separators aside)."""
    found = []
    where = f"{path} › {plain(menu.title()) or menu.objectName()}".strip(" ›")
    for action in menu.actions():
        if action.isSeparator():
            continue
        if not _WORD.search(plain(action.text())):
            found.append(f"{where}: an entry without words ({action.objectName()!r})")
        if action.menu() is not None:
            found += menu_problems(action.menu(), where)
    return found


def mnemonic_clashes(window: QWidget) -> list[str]:
    """Alt+letter keys that two controls visible together in ``window`` claim (a button's
    text, a label's buddy, the menu bar's titles); Qt then presses neither."""
    claims: dict[str, list[str]] = defaultdict(list)
    # menuWidget(), not menuBar(): asking for the menu bar makes one.
    bar = window.menuWidget() if isinstance(window, QMainWindow) else None
    if bar is not None:
        for action in bar.actions():
            if action.isVisible() and mnemonic(action.text()):
                claims[mnemonic(action.text())].append(f"menu {plain(action.text())}")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if not (isinstance(widget, QAbstractButton) or labelled):
            continue
        text = widget.text()
        if mnemonic(text):
            claims[mnemonic(text)].append(f"{type(widget).__name__} {plain(text)}")
    return [
        f"Alt+{key.upper()}: {', '.join(owners)}"
        for key, owners in sorted(claims.items())
        if len(owners) > 1
    ]
