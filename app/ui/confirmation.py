"""Confirmations before destroying things: what will go, named, and a force choice.

The dialog is window-modal but opened without a nested event loop (``open()``), so it
can be awaited from the app's asyncio tasks.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QMessageBox, QPushButton, QWidget


@dataclass(frozen=True)
class Confirmation:
    title: str
    text: str
    items: list[str] = field(default_factory=list)  # exactly what will go
    action: str = "Remove"  # the destructive button's label
    force_text: str = ""  # when set, a checkbox offering force
    details: str = ""  # more words under the list (who uses it, …)


@dataclass(frozen=True)
class Answer:
    accepted: bool
    force: bool = False


_MAX_LISTED = 15


def ask(parent: QWidget, confirmation: Confirmation) -> asyncio.Future:
    """Show ``confirmation``; the future resolves to an :class:`Answer`."""
    future: asyncio.Future = asyncio.get_event_loop().create_future()
    box = QMessageBox(parent)
    box.setObjectName("confirmation")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(confirmation.title)
    box.setText(confirmation.text)
    listed = confirmation.items[:_MAX_LISTED]
    more = len(confirmation.items) - len(listed)
    lines = [f"• {item}" for item in listed] + ([f"… and {more} more"] if more > 0 else [])
    info = "\n".join(lines)
    if confirmation.details:
        info = f"{info}\n\n{confirmation.details}" if info else confirmation.details
    box.setInformativeText(info)
    if len(confirmation.items) > _MAX_LISTED:
        box.setDetailedText("\n".join(confirmation.items))
    destroy = box.addButton(confirmation.action, QMessageBox.ButtonRole.DestructiveRole)
    destroy.setObjectName("destroyButton")
    _look_destructive(destroy)
    # A plain Cancel: the style's standard one carries a red ✗ and looks like the danger.
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancelButton")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    force = None
    if confirmation.force_text:
        force = QCheckBox(confirmation.force_text, box)
        box.setCheckBox(force)

    def done(_result: int) -> None:
        if not future.done():
            accepted = box.clickedButton() is destroy
            future.set_result(Answer(accepted, bool(force and force.isChecked() and accepted)))
        box.deleteLater()

    box.finished.connect(done)
    box.open()
    return future


DESTRUCTIVE_COLOR = "#c9302c"  # reads as danger on light and dark palettes alike


def _look_destructive(button: QPushButton) -> None:
    """Red text and a bold label, so the button that destroys looks like it."""
    palette = button.palette()
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(DESTRUCTIVE_COLOR))
    button.setPalette(palette)
    font = button.font()
    font.setBold(True)
    button.setFont(font)
