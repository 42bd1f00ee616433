"""Give an image another name (``podman tag``): the name is checked against the
reference grammar before Podman is asked."""

from __future__ import annotations

from collections.abc import Callable, Coroutine

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.controllers.image_actions import ImageActions
from app.engine.dto import ImageSummary
from app.engine.image_records import reference_problem
from app.ui.forms.form_dialog import FormDialog


class TagDialog(FormDialog):
    def __init__(
        self,
        actions: ImageActions,
        image: ImageSummary,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Tag an image", "Tag", spawn, parent)
        self.actions, self.image = actions, image
        self.source = image.name or image.id[:12]
        shown = QLabel(f"{self.source}  ({image.id[:12]})", self)
        shown.setAccessibleName("Image")
        self.form.addRow("Image:", shown)
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText("localhost/myapp:1.0")
        if image.name:
            self.new_name.setText(image.name)
            self.new_name.selectAll()
        self.add_field("&New name:", self.new_name, self._problem)
        self.resize(520, self.sizeHint().height())
        self.refresh()

    def name(self) -> str:
        return self.new_name.text().strip()

    def _problem(self) -> str:
        problem = reference_problem(self.new_name.text())
        if problem:
            return problem
        if _with_tag(self.name()) in self.image.repo_tags:
            return "The image already has this name."
        return ""

    def command(self) -> str:
        return self.actions.tag_command(self.source, self.name())

    async def perform(self) -> str:
        await self.actions.tag(self.image.id, self.name())
        return self.name()


def _with_tag(name: str) -> str:
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"
