"""The confirmation before destroying: Cancel neutral and the default, the danger red."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

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


def test_lists_every_name_under_its_heading_as_text_and_the_button_says_what_happens(qtbot, qloop):
    parent = QWidget()
    qtbot.addWidget(parent)
    asked = Confirmation(
        "Remove image",
        "Remove image “localhost/app:1”?",
        ["localhost/app:1", "localhost/app:latest", "<none> (untagged)"],
        action="Remove Image and 1 Container",
        sections=(("Containers removed with it", ("web (running)",)),),
        details="Podman removes the containers using it first.",
        action_tip="Podman's “force”",
    )
    future = confirmation.ask(parent, asked)
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "confirmation") is not None)
    box = parent.findChild(QMessageBox, "confirmation")
    info = box.findChild(QLabel, "qt_msgbox_informativelabel")
    shown = _shown_text(info)
    for line in (*asked.items, "Containers removed with it", "web (running)", asked.details):
        assert line in shown
    assert box.checkBox() is None  # no choice to forget: the button does what it says
    destroy = box.findChild(QPushButton, "destroyButton")
    assert destroy.text() == asked.action and destroy.toolTip() == asked.action_tip
    destroy.click()
    qtbot.waitUntil(future.done)
    assert future.result().accepted


def _shown_text(label: QLabel) -> str:
    """What a rich-text label shows, as plain text."""
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def test_the_destructive_red_stays_readable_in_the_dark_theme(qtbot, qloop):
    from app.ui import theme

    theme.apply("dark")
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        future, box = _ask(qtbot, parent)
        destroy = box.findChild(QPushButton, "destroyButton")
        text = destroy.palette().color(QPalette.ColorRole.ButtonText)
        button = destroy.palette().color(QPalette.ColorRole.Button)
        assert text.red() > 200 and text.red() > 1.5 * text.green()  # still red
        assert text.lightness() - button.lightness() > 100  # and light on the dark button
        box.reject()
        qtbot.waitUntil(future.done)
    finally:
        theme.apply("system")
