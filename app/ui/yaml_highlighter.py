"""Colours for YAML in a text view: keys, strings, numbers and booleans, comments,
document breaks. Line by line with a few regular expressions: enough for the
Kubernetes YAML Podman writes, cheap enough for files of thousands of lines."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QGuiApplication, QSyntaxHighlighter, QTextCharFormat

_KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s#'\"][^:#]*?|\"[^\"]*\"|'[^']*')(:)(?=\s|$)")
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_SCALAR = re.compile(r"(?<=[\s:\[,-])(-?\d+(?:\.\d+)?|true|false|null|~)(?=\s*(?:$|[,\]#]))")
_COMMENT = re.compile(r"(?:^|\s)(#.*)$")
_BREAK = re.compile(r"^(---|\.\.\.)\s*$")


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class YamlHighlighter(QSyntaxHighlighter):
    """Attach to a QTextDocument: ``YamlHighlighter(editor.document())``."""

    def __init__(self, document) -> None:  # noqa: ANN001 - a QTextDocument
        super().__init__(document)
        dark = QGuiApplication.palette().base().color().lightness() < 128
        # Two palettes, so the colours read on a dark theme as on a light one.
        self.key = _format("#7cb7ff" if dark else "#1f5fa8", bold=True)
        self.string = _format("#9ad48a" if dark else "#2e7d32")
        self.scalar = _format("#e0a458" if dark else "#b35c00")
        self.comment = _format("#8a8f98" if dark else "#6a737d", italic=True)
        self.document_break = _format("#c586c0" if dark else "#8e44ad", bold=True)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if _BREAK.match(text):
            self.setFormat(0, len(text), self.document_break)
            return
        comment_at = len(text)
        strings = [(m.start(), m.end()) for m in _STRING.finditer(text)]
        for match in _COMMENT.finditer(text):
            start = match.start(1)
            if not any(a <= start < b for a, b in strings):
                comment_at = start
                break
        key = _KEY.match(text[:comment_at])
        if key is not None:
            self.setFormat(key.start(2), key.end(2) - key.start(2), self.key)
        for start, end in strings:
            if end <= comment_at and (key is None or start >= key.end(3)):
                self.setFormat(start, end - start, self.string)
        for match in _SCALAR.finditer(text[:comment_at]):
            if not any(a <= match.start() < b for a, b in strings):
                self.setFormat(match.start(1), match.end(1) - match.start(1), self.scalar)
        if comment_at < len(text):
            self.setFormat(comment_at, len(text) - comment_at, self.comment)
