"""Grow a dialog to the height its wrapped text needs.

A top-level window takes its layout's minimum size, which leaves out the extra lines
of word-wrapped labels (their height depends on their width): a reason shown under a
field, or a note of three lines, would be squeezed into one. So a dialog whose text
changes asks for the height its layout needs at its current width.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def grow_to_fit(window: QWidget) -> None:
    """Make ``window`` at least as tall as its layout needs at its width (never shorter)."""
    layout = window.layout()
    if layout is None or not layout.hasHeightForWidth():
        return
    needed = layout.heightForWidth(window.width())
    if needed > window.height():
        window.resize(window.width(), needed)
