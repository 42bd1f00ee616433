"""Push an image: to one of its names, or to a destination typed in (checked as a
reference), with progress, Cancel and the pull dialog's ways out of a failure."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from app.controllers.transfers import Transfers
from app.engine.command_line import CommandLine
from app.engine.image_reference import problem, registry_of
from app.ui.pull_dialog import PullDialog


class PushDialog(PullDialog):
    title = "Push an Image"
    action = "Push"
    verb = "push"

    def __init__(
        self,
        transfers: Transfers,
        spawn: Callable[[Coroutine], object],
        image: str,
        names: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        self.image = image  # the local image: an id or one of its names
        self._names = list(names)
        super().__init__(transfers, spawn, parent, self._names[0] if self._names else "")

    def _build_reference(self, reference: str) -> None:
        source = QLabel(self.image, self)
        source.setObjectName("pushImage")
        source.setAccessibleName("Image to push")
        source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow("Image:", source)
        self.destination = QComboBox(self)
        self.destination.setObjectName("pushDestination")
        self.destination.setEditable(True)
        self.destination.addItems(self._names)
        self.destination.setEditText(reference)
        self.destination.setMinimumWidth(420)
        self.destination.lineEdit().setPlaceholderText("registry.example.com/team/app:1.0")
        self.add_field(
            "&Destination:",
            self.destination,
            self._check,
            tip="One of the image's names, or registry/name:tag to push it under",
        )

    def _check(self) -> str:
        reason = problem(self._ref())
        if not reason and not registry_of(self._ref()):
            return "Name the registry too, such as quay.io/you/app:1.0"
        return reason

    def _ref(self) -> str:
        return self.destination.currentText().strip()

    def command(self) -> str | None:
        line = CommandLine("push").option("--tls-verify", None if self._verify() else "false")
        return str(line.arg(self.image, self._ref() or "DESTINATION"))

    def start(self, reference: str, tls_verify: bool | None) -> Any:
        return self.transfers.push(self.image, reference, tls_verify)

    def _show_where(self) -> None:
        super()._show_where()
        text = self.where.text()
        if text.startswith("From "):
            self.where.setText("To " + text[5:])
        elif text.startswith("A short name"):
            self.where.setText(
                "A push needs a registry in the destination, such as quay.io/you/app:1.0."
            )
