"""The confirmation before destroying: Cancel neutral and the default, the danger red."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.ui import confirmation
from app.ui.confirmation import Confirmation


def _ask(qtbot, parent: QWidget):
    future = confirmation.ask(parent, Confirmation("Remove?", "Remove 1 container?", ["web"]))
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "confirmation") is not None)
    return future, parent.findChild(QMessageBox, "confirmation")


def test_cancel_is_plain_default_and_escape_while_remove_looks_destructive(qtbot, qloop):
    parent = QWidget()
    qtbot.addWidget(parent)
    future, box = _ask(qtbot, parent)
    cancel = box.findChild(QPushButton, "cancelButton")
    destroy = box.findChild(QPushButton, "destroyButton")
    assert cancel.icon().isNull()  # no red ✗ on the harmless choice
    assert box.defaultButton() is cancel and box.escapeButton() is cancel
    red = destroy.palette().color(QPalette.ColorRole.ButtonText)
    assert red.red() > 150 and red.green() < 100 and destroy.font().bold()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(future.done)
    assert not future.result().accepted


def test_the_destructive_button_confirms(qtbot, qloop):
    parent = QWidget()
    qtbot.addWidget(parent)
    future, box = _ask(qtbot, parent)
    box.findChild(QPushButton, "destroyButton").click()
    qtbot.waitUntil(future.done)
    assert future.result().accepted
