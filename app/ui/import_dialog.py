"""Make an image of a root filesystem tarball (``podman import``), with an optional
name and Containerfile instructions applied to it (``--change 'CMD ["/bin/sh"]'``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from app.controllers.image_actions import ImageActions
from app.engine.image_records import TransferProgress, reference_problem
from app.models import humanize
from app.ui.forms.form_dialog import FormDialog
from app.ui.path_field import OPEN_FILE, PathField

# What `podman import --change` accepts.
CHANGE_INSTRUCTIONS = (
    "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "STOPSIGNAL", "USER",
    "VOLUME", "WORKDIR",
)  # fmt: skip


def parse_changes(text: str) -> tuple[tuple[str, ...], str]:
    """The instruction lines, and why one is wrong ("" when none is)."""
    changes = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        word = line.split(None, 1)[0].upper()
        if word not in CHANGE_INSTRUCTIONS:
            allowed = ", ".join(CHANGE_INSTRUCTIONS)
            return tuple(changes), f"Line {number}: “{word}” is not one of {allowed}."
        if len(line.split(None, 1)) < 2:
            return tuple(changes), f"Line {number}: {word} needs a value."
        changes.append(line)
    return tuple(changes), ""


class ImportDialog(FormDialog):
    def __init__(
        self,
        actions: ImageActions,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Import a root filesystem", "Import", spawn, parent)
        self.actions = actions
        self.tarball = PathField(
            "Tarball", OPEN_FILE, "Choose a root filesystem tarball", self,
            "Tar archives (*.tar *.tar.gz *.tgz *.tar.xz);;All files (*)",
        )  # fmt: skip
        self.add_field("&Tarball:", self.tarball, self._tarball_problem)
        self.watch(self.tarball.edit, self.fields[-1])
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText("localhost/myroot:latest (optional)")
        self.add_field("&Name:", self.reference, self._reference_problem)
        self.changes = QPlainTextEdit(self)
        self.changes.setPlaceholderText('ENV PATH=/bin\nCMD ["/bin/sh"]')
        self.changes.setTabChangesFocus(True)
        self.changes.setMaximumHeight(self.changes.fontMetrics().lineSpacing() * 5 + 12)
        self.add_field(
            "&Changes:",
            self.changes,
            lambda: parse_changes(self.changes.toPlainText())[1],
            tip="Containerfile instructions applied to the image, one a line.",
        )
        self.resize(600, self.sizeHint().height())
        self.refresh()

    def _tarball_problem(self) -> str:
        text = self.tarball.text()
        if not text:
            return "Choose the tarball to import."
        return "" if Path(text).expanduser().is_file() else "No such file."

    def _reference_problem(self) -> str:
        text = self.reference.text().strip()
        return reference_problem(text) if text else ""

    def command(self) -> str:
        changes = parse_changes(self.changes.toPlainText())[0]
        return self.actions.import_command(
            self.tarball.text(), self.reference.text().strip(), changes
        )

    async def perform(self) -> str:
        operation = self.actions.import_rootfs(
            Path(self.tarball.text()).expanduser(),
            self.reference.text().strip(),
            parse_changes(self.changes.toPlainText())[0],
        )
        self.track(operation)
        return await operation.wait()

    def on_progress(self, item: object) -> None:
        if isinstance(item, TransferProgress):
            total = f" of {humanize.size(item.total)}" if item.total else ""
            self.say(f"Sending {humanize.size(item.done)}{total}", item.fraction)
