"""Confirmations before destroying things: what will go, named, and one button that
does exactly that.

There is no "force" checkbox to forget: whoever builds the confirmation knows whether
Podman needs force and says what it will do (stop first, remove the users too), and the
destructive button does just that. The dialog is window-modal but opened without a
nested event loop (``open()``), so it can be awaited from the app's asyncio tasks.
"""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget


@dataclass(frozen=True)
class Confirmation:
    title: str
    text: str
    items: list[str] = field(default_factory=list)  # exactly what will go
    action: str = "Remove"  # the destructive button's label: what it does
    details: str = ""  # words under the lists, a paragraph a line (what Podman does, …)
    # Further lists, each under a heading: ("Containers removed with it", ["web", …]).
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    action_tip: str = ""  # the destructive button's tooltip: the Podman term it stands for


@dataclass(frozen=True)
class Answer:
    accepted: bool


_MAX_LISTED = 15


def ask(parent: QWidget, confirmation: Confirmation) -> asyncio.Future:
    """Show ``confirmation``; the future resolves to an :class:`Answer`."""
    future: asyncio.Future = asyncio.get_event_loop().create_future()
    box = QMessageBox(parent)
    box.setObjectName("confirmation")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(confirmation.title)
    box.setText(confirmation.text)
    box.setInformativeText(_informative_html(confirmation))
    info = box.findChild(QLabel, "qt_msgbox_informativelabel")
    if info is not None:
        info.setTextFormat(Qt.TextFormat.RichText)
    listed = [confirmation.items, *(items for _heading, items in confirmation.sections)]
    if any(len(items) > _MAX_LISTED for items in listed):
        box.setDetailedText(_plain(confirmation))
    destroy = box.addButton(confirmation.action, QMessageBox.ButtonRole.DestructiveRole)
    destroy.setObjectName("destroyButton")
    destroy.setToolTip(confirmation.action_tip)
    _look_destructive(destroy)
    # A plain Cancel: the style's standard one carries a red ✗ and looks like the danger.
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancelButton")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)

    def done(_result: int) -> None:
        if not future.done():
            future.set_result(Answer(box.clickedButton() is destroy))
        box.deleteLater()

    box.finished.connect(done)
    box.open()
    return future


def _bullets(items: list[str] | tuple[str, ...]) -> str:
    listed = [f"• {html.escape(item)}" for item in items[:_MAX_LISTED]]
    more = len(items) - _MAX_LISTED
    return "<br>".join(listed + ([f"… and {more} more"] if more > 0 else []))


def _informative_html(confirmation: Confirmation) -> str:
    """The lists and the details, escaped: names such as ``<none>`` stay text."""
    parts = [_bullets(confirmation.items)] if confirmation.items else []
    for heading, items in confirmation.sections:
        if items:
            parts.append(f"<b>{html.escape(heading)}</b><br>{_bullets(items)}")
    parts += [html.escape(line) for line in confirmation.details.splitlines() if line]
    return "".join(f"<p>{part}</p>" for part in parts)


def _plain(confirmation: Confirmation) -> str:
    """Every listed name, for the "Show Details…" pane when a list is cut short."""
    lines = list(confirmation.items)
    for heading, items in confirmation.sections:
        lines += ["", f"{heading}:", *items]
    return "\n".join(lines)


# A dark red on a light button; on a dark button that red is too dim to read (contrast
# ~2:1 on the dark theme's #36383c), so a lighter red there (~4.6:1).
DESTRUCTIVE_COLOR = "#c9302c"
DESTRUCTIVE_COLOR_ON_DARK = "#ff7b72"


def _look_destructive(button: QPushButton) -> None:
    """Red text and a bold label, so the button that destroys looks like it."""
    palette = button.palette()
    dark = palette.color(QPalette.ColorRole.Button).lightness() < 128
    red = DESTRUCTIVE_COLOR_ON_DARK if dark else DESTRUCTIVE_COLOR
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(red))
    button.setPalette(palette)
    font = button.font()
    font.setBold(True)
    button.setFont(font)
