"""How the inspector's text searches mark their matches: every match in yellow, the
current one in orange (the Logs tab and the Inspect tab's raw JSON)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

MATCH = "#ffd54f"
CURRENT_MATCH = "#ff9632"


def mark_matches(view: QPlainTextEdit, matches: Sequence[QTextCursor], current: int) -> None:
    """Show ``matches`` in ``view``, the one at index ``current`` told apart."""
    others = QTextCharFormat()
    others.setBackground(QColor(MATCH))
    others.setForeground(QColor("#000000"))  # readable on yellow in dark themes too
    chosen = QTextCharFormat(others)
    chosen.setBackground(QColor(CURRENT_MATCH))
    selections = []
    for index, match in enumerate(matches):
        selection = QTextEdit.ExtraSelection()
        selection.cursor = match
        selection.format = chosen if index == current else others
        selections.append(selection)
    view.setExtraSelections(selections)
