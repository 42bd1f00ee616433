"""An image's history (``podman history``): each layer, when it was made, its size and
the instruction that made it, newest first."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.errors import PodmanError
from app.engine.image_records import HistoryEntry
from app.models import humanize
from app.ui.forms.form_dialog import ERROR_STYLE

# Podman writes RUN steps as "/bin/sh -c …" and other instructions as
# "/bin/sh -c #(nop) CMD …"; the list shows them as the Containerfile said them.
# A RUN with build arguments is recorded as "|N KEY=VALUE … /bin/sh -c COMMAND".
_NOP = "/bin/sh -c #(nop) "
_SHELL = "/bin/sh -c "
_WITH_ARGS = re.compile(r"\|\d+ .*?/bin/sh -c (.*)", re.DOTALL)


def instruction(created_by: str) -> str:
    """The Containerfile line behind a history entry, as near as Podman records it."""
    text = created_by.strip()
    if text.startswith(_NOP):
        return text[len(_NOP) :].strip()
    if text.startswith(_SHELL):
        return "RUN " + text[len(_SHELL) :].strip()
    with_args = _WITH_ARGS.fullmatch(text)
    if with_args:
        return "RUN " + with_args.group(1).strip()
    return text


class ImageHistoryDialog(QDialog):
    def __init__(
        self,
        image: str,
        load: Callable[[], Awaitable[list[HistoryEntry]]],
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History of {image}")
        self.setAccessibleName(f"History of {image}")
        self.status = QLabel("Loading…", self)
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("historyTree")
        self.tree.setAccessibleName("Layers")
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels(["Created", "Size", "Created by", "Comment"])
        self.tree.setColumnWidth(0, 130)
        self.tree.setColumnWidth(1, 80)
        self.tree.setColumnWidth(2, 460)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(860, 420)
        self.entries: list[HistoryEntry] = []
        spawn(self._load(load))

    async def _load(self, load: Callable[[], Awaitable[list[HistoryEntry]]]) -> None:
        try:
            entries = await load()
        except PodmanError as exc:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(str(exc))
            return
        self.show_entries(entries)

    def show_entries(self, entries: list[HistoryEntry]) -> None:
        self.entries = entries
        total = sum(e.size for e in entries)
        count = "1 layer" if len(entries) == 1 else f"{len(entries)} layers"
        self.status.setText(f"{count}, {humanize.size(total)} in all. Newest first.")
        for entry in entries:
            made = instruction(entry.created_by)
            row = QTreeWidgetItem(
                [
                    humanize.since(entry.created) if entry.created else "",
                    humanize.size(entry.size),
                    made,
                    entry.comment,
                ]
            )
            row.setToolTip(0, humanize.local_time(entry.created) if entry.created else "")
            row.setToolTip(2, entry.created_by)
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(row)
        if entries:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
