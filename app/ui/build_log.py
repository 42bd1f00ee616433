"""The live log of a build: Podman's output as it arrives, ANSI colours drawn."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.ui.inspector import ansi

# A build log of a big project runs to thousands of lines; older ones scroll away.
MAX_BLOCKS = 20_000


class BuildLog(QPlainTextEdit):
    """Read-only, monospaced; :meth:`append_output` takes text as Podman streams it
    (pieces need not end at a line end, and a colour may carry over to the next)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("buildLog")
        self.setAccessibleName("Build log")
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setMaximumBlockCount(MAX_BLOCKS)
        self.setPlaceholderText("Podman's output appears here while the image builds.")
        self._style = ansi.PLAIN

    def append_output(self, text: str, bold: bool = False) -> None:
        """Add ``text`` at the end (followed if the view was at the end); ``bold`` for
        the lines that head a step."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        bar = self.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        runs, self._style = ansi.parse(text, self._style)
        for piece, style in runs:
            shown = replace(style, bold=True) if bold else style
            cursor.insertText(piece, ansi.char_format(shown))
        if following:
            bar.setValue(bar.maximum())

    def clear_log(self) -> None:
        self.clear()
        self._style = ansi.PLAIN
