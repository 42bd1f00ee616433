"""Create a volume (``podman volume create``): an optional name, the driver, the
driver's options (``--opt type=tmpfs``…) and labels."""

from __future__ import annotations

from collections.abc import Callable, Coroutine

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.controllers.volume_actions import VolumeActions
from app.engine.dto import VolumeDetails
from app.ui.forms.form_dialog import FormDialog
from app.ui.forms.key_value_table import KeyValueTable


class CreateVolumeDialog(FormDialog):
    """Signals: performed(VolumeDetails), from FormDialog."""

    def __init__(
        self,
        volumes: VolumeActions,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Create Volume", "Create", spawn, parent)
        self.setObjectName("createVolumeDialog")
        self.volumes = volumes
        self.resize(560, 0)

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Empty: Podman chooses a name")
        self.add_field("&Name:", self.name, self._name_problem)

        self.driver = QComboBox(self)
        self.driver.setEditable(True)
        self.driver.addItem("local")
        self.add_field(
            "&Driver:",
            self.driver,
            lambda: "" if self.driver.currentText().strip() else "Choose a driver (local).",
            tip="The volume plugin that stores it; “local” keeps it on Podman's host",
        )

        self.options = KeyValueTable("Driver options", "Option", "Value", self)
        self.options.setToolTip(
            "For “local”: type, device and o mount a filesystem (type=tmpfs, device=tmpfs, "
            "o=size=64m); uid and gid set the owner"
        )
        self.options_field = self._table_field("&Options:", self.options)
        hint = QLabel("For “local”: " + ", ".join(volumes.option_keys()), self)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.form.addRow("", hint)

        self.labels = KeyValueTable("Labels", "Label", "Value", self)
        self.labels_field = self._table_field("&Labels:", self.labels)
        self.refresh()

    def _table_field(self, label: str, table: KeyValueTable):  # -> Field
        field = self.add_field(label, table, table.problem)
        caption = self.form.labelForField(table.parentWidget())  # add_field's wrapper
        if isinstance(caption, QLabel):
            caption.setBuddy(table.table)

        def changed() -> None:
            field.touched = True
            self.refresh()

        table.changed.connect(changed)
        return field

    def _name_problem(self) -> str:
        return self.volumes.name_problem(self.name.text().strip())

    def command(self) -> str:
        return self.volumes.create_command(
            self.name.text().strip(),
            self.driver.currentText().strip(),
            self.options.as_dict(),
            self.labels.as_dict(),
        )

    async def perform(self) -> VolumeDetails:
        return await self.volumes.create(
            self.name.text().strip(),
            self.driver.currentText().strip() or "local",
            self.options.as_dict(),
            self.labels.as_dict(),
        )
