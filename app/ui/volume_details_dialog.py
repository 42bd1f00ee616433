"""What ``podman volume inspect`` says of a volume, with the containers using it and its
size where Podman measures it (``podman system df``).

Signals:
    export_requested(str name), import_requested(str name)
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.engine.dto import VolumeDetails
from app.models.humanize import size as human_size
from app.ui.secret_details_dialog import when


def _value(text: str, parent: QWidget, rich: bool = False) -> QLabel:
    label = QLabel(text, parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    return label


def _pairs(pairs: dict[str, str] | object, none: str) -> str:
    items = list(pairs.items()) if hasattr(pairs, "items") else []  # type: ignore[union-attr]
    if not items:
        return none
    return "<br>".join(html.escape(f"{k}={v}") for k, v in items)


class VolumeDetailsDialog(QDialog):
    export_requested = Signal(str)
    import_requested = Signal(str)

    def __init__(self, details: VolumeDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.setObjectName("volumeDetailsDialog")
        self.setWindowTitle(f"Volume “{details.name}”")
        self.setAccessibleName(f"Volume {details.name}")
        self.resize(560, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        size = (
            human_size(details.size)
            if details.size is not None
            else "not reported by Podman for this volume"
        )
        form.addRow("Name:", _value(details.name, self))
        form.addRow("Driver:", _value(details.driver, self))
        form.addRow("Mount point:", _value(details.mountpoint or "not mounted", self))
        form.addRow("Size:", _value(size, self))
        form.addRow("Created:", _value(when(details.created), self))
        form.addRow("Scope:", _value(details.scope, self))
        form.addRow("Options:", _value(_pairs(details.options, "none"), self, rich=True))
        form.addRow("Labels:", _value(_pairs(details.labels, "none"), self, rich=True))
        users = (
            "<br>".join(html.escape(n) for n in details.users)
            if details.users
            else "No container uses it."
        )
        self.users = _value(users, self, rich=True)
        self.users.setObjectName("volumeUsers")
        form.addRow("Used by:", self.users)

        buttons = QDialogButtonBox(self)
        export = buttons.addButton("&Export…", QDialogButtonBox.ButtonRole.ActionRole)
        export.setToolTip("Save the volume's files to a tar file")
        import_ = buttons.addButton("&Import…", QDialogButtonBox.ButtonRole.ActionRole)
        import_.setToolTip("Unpack a tar file into this volume")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        export.clicked.connect(lambda: self._then(self.export_requested))
        import_.clicked.connect(lambda: self._then(self.import_requested))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _then(self, signal: Signal) -> None:
        self.accept()
        signal.emit(self.details.name)
