"""Walks a widget tree and lists the controls a screen reader or a keyboard user cannot use.

A control's name is what Qt's accessibility layer reports (``QAccessible`` Name, which
AT-SPI passes to screen readers): its accessible name, else its text, else the text of
the label whose buddy it is. Controls that show only an icon need a tooltip too.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
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


def accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "").strip()


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


def problems(root: QWidget) -> list[str]:
    """One line per control without an accessible name, or icon-only without a tooltip."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or _internal(widget):
            continue
        where = f"{type(widget).__name__} {widget.objectName() or '(no object name)'}"
        parent = widget.parentWidget()
        if parent is not None:
            where += f" in {type(parent).__name__} {parent.objectName()}"
        if not accessible_name(widget):
            found.append(f"{where}: no accessible name")
        if (
            isinstance(widget, QAbstractButton)
            and not _in_standard_box(widget)
            and not widget.toolTip()
            and not widget.text().strip()
        ):
            found.append(f"{where}: shows only an icon and has no tooltip")
    return found
