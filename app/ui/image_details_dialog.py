"""An image's details, read-only: its names, what it runs (entrypoint, command, working
directory, user), its environment, exposed ports and labels, platform, size, age,
digest, and the containers that use it."""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable, Coroutine

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.engine.dto import parse_time
from app.engine.errors import PodmanError
from app.engine.image_records import ImageDetails
from app.models import humanize
from app.ui.forms.form_dialog import ERROR_STYLE

NONE = "—"


def _words(args: tuple[str, ...]) -> str:
    return shlex.join(args) if args else NONE


class ImageDetailsDialog(QDialog):
    def __init__(
        self,
        image: str,
        load: Callable[[], Awaitable[ImageDetails]],
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Image {image}")
        self.setAccessibleName(f"Details of image {image}")
        self.status = QLabel("Loading…", self)
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.page = QWidget(self)
        self.form = QFormLayout(self.page)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.page)
        scroll.setAccessibleName("Details")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(780, 500)
        self.values: dict[str, str] = {}
        self.details: ImageDetails | None = None
        spawn(self._load(load))

    async def _load(self, load: Callable[[], Awaitable[ImageDetails]]) -> None:
        try:
            details = await load()
        except PodmanError as exc:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(str(exc))
            return
        self.show_details(details)

    def _row(self, label: str, value: str) -> None:
        shown = QLabel(value or NONE, self.page)
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setTextFormat(Qt.TextFormat.PlainText)
        shown.setAccessibleName(label)
        shown.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the keyboard reaches every value
        self.form.addRow(f"{label}:", shown)
        self.values[label] = value or NONE

    def show_details(self, d: ImageDetails) -> None:
        self.details = d
        self.status.hide()
        created = parse_time(d.created)
        when = f"{humanize.since(created)} ({humanize.local_time(created)})" if created else ""
        self._row("Names", "\n".join(d.names) or "none (dangling)")
        self._row("Image ID", d.id)
        self._row("Digest", d.digest)
        self._row("Created", when)
        self._row("Size", humanize.size(d.size))
        self._row("Platform", "/".join(p for p in (d.os, d.architecture) if p))
        self._row("Entrypoint", _words(d.entrypoint))
        self._row("Command", _words(d.cmd))
        self._row("Working directory", d.workdir)
        self._row("User", d.user)
        self._row("Exposed ports", ", ".join(d.exposed_ports))
        self._row("Environment", "\n".join(d.env))
        labels = "\n".join(f"{k}={v}" for k, v in sorted(d.labels.items()))
        self._row("Labels", labels)
        self._row("Used by", ", ".join(d.containers) or "no container")
