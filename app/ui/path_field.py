"""A path typed or picked: a line edit with a "Browse…" button beside it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

FOLDER = "folder"
OPEN_FILE = "open"
SAVE_FILE = "save"


def pick(parent: QWidget, mode: str, title: str, start: str, filters: str = "") -> str:
    """The standard file dialog; "" when the user cancelled."""
    if mode == FOLDER:
        return QFileDialog.getExistingDirectory(parent, title, start)
    if mode == SAVE_FILE:
        return QFileDialog.getSaveFileName(parent, title, start, filters)[0]
    return QFileDialog.getOpenFileName(parent, title, start, filters)[0]


class PathField(QWidget):
    """``edit`` holds the path; Browse fills it. ``chooser`` is replaceable (tests)."""

    def __init__(
        self,
        name: str,
        mode: str,
        title: str,
        parent: QWidget | None = None,
        filters: str = "",
        start: Callable[[], str] = lambda: "",
    ) -> None:
        super().__init__(parent)
        self.mode, self.title, self.filters, self._start = mode, title, filters, start
        self.chooser: Callable[[], str] = lambda: pick(
            self, self.mode, self.title, self.edit.text() or self._start(), self.filters
        )
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(name)
        self.browse = QPushButton("Browse…", self)
        self.browse.setAccessibleName(f"Choose the {name.lower()}")
        self.browse.setToolTip(title)
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse)
        self.setFocusProxy(self.edit)
        self.setAccessibleName(name)

    def _browse(self) -> None:
        chosen = self.chooser()
        if chosen:
            self.edit.setText(chosen)

    def text(self) -> str:
        return self.edit.text().strip()
