"""Export a volume's files to a tar file, or import a tar file into a volume, with
progress and cancel (the copy is an Operation; the file is read and written off the
GUI thread)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.controllers.volume_actions import VolumeActions
from app.models.humanize import size as human_size
from app.support.concurrency import Cancelled
from app.ui import confirmation
from app.ui.forms.form_dialog import FormDialog

TAR_FILTER = "Tar archives (*.tar);;All files (*)"


class VolumeTransferDialog(FormDialog):
    """``exporting`` True: volume → file; False: file → volume.

    Signals: performed(int bytes), from FormDialog.
    """

    def __init__(
        self,
        volumes: VolumeActions,
        name: str,
        exporting: bool,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
        size_hint: int | None = None,
    ) -> None:
        title = f"Export Volume “{name}”" if exporting else f"Import into Volume “{name}”"
        super().__init__(title, "Export" if exporting else "Import", spawn, parent)
        self.setObjectName("volumeExportDialog" if exporting else "volumeImportDialog")
        self.volumes = volumes
        self.volume = name
        self.exporting = exporting
        self.size_hint = size_hint
        self.confirm = lambda c: confirmation.ask(self, c)  # tests answer for the user
        self.resize(560, 0)

        self.path = QLineEdit(self)
        self.path.setPlaceholderText(f"{name}.tar" if exporting else "/path/to/archive.tar")
        self.browse = QPushButton("&Browse…", self)
        self.browse.setToolTip("Choose where to save" if exporting else "Choose the tar file")
        self.browse.clicked.connect(self._browse)
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        field = self.add_field("Tar &file:", box, self._path_problem)
        self.path.setAccessibleName("Tar file")
        box.setFocusProxy(self.path)
        caption = self.form.labelForField(box.parentWidget())  # add_field's wrapper
        if isinstance(caption, QLabel):
            caption.setBuddy(self.path)
        field.widget = self.path
        self.watch(self.path, field)

        words = (
            "The volume's files are read through a helper container that mounts it and "
            "never runs; it is removed when the copy ends."
            if exporting
            else "The archive's files are added to the volume; files with the same names "
            "are replaced, others stay. Podman unpacks as the archive arrives, so a "
            "cancelled import keeps what arrived before the cancel. A helper container "
            "that mounts the volume and never runs does the copy; it is removed after."
        )
        note = QLabel(words, self)
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.body.addWidget(note)
        self.refresh()

    def _path_problem(self) -> str:
        return "" if self.path.text().strip() else "Choose a file."

    def _browse(self) -> None:
        if self.exporting:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export the volume to", f"{self.volume}.tar", TAR_FILTER
            )
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Import from", "", TAR_FILTER)
        if path:
            self.path.setText(path)

    def command(self) -> str:
        path = self.path.text().strip()
        if self.exporting:
            return self.volumes.export_command(self.volume, path)
        return self.volumes.import_command(self.volume, path)

    async def perform(self) -> int:
        path = self.path.text().strip()
        if self.exporting and await self.volumes.file_exists(path):
            answer = await self.confirm(
                confirmation.Confirmation(
                    title="Replace File",
                    text=f"{path} exists. Replace it with the export of “{self.volume}”?",
                    action="Replace",
                )
            )
            if not answer.accepted:
                raise Cancelled()
        if self.exporting:
            operation = self.volumes.export(self.volume, path, self.size_hint)
        else:
            operation = self.volumes.import_(self.volume, path)
        self.track(operation)
        return await operation.wait()

    def on_progress(self, item: Any) -> None:
        verb = "Written" if self.exporting else "Sent"
        total = f" of {human_size(item.total)}" if item.total else ""
        self.say(f"{verb} {human_size(item.done)}{total}…", item.fraction)
