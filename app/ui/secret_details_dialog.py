"""A secret's metadata (``podman secret inspect`` without the value) and the containers
that use it. Podman never hands a value back, and neither does this dialog."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.engine.dto import SecretDetails
from app.models.humanize import ago


def _value_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def when(moment: object) -> str:
    if moment is None:
        return "unknown"
    stamp = moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[attr-defined]
    since = ago(moment)  # type: ignore[arg-type]
    return f"{stamp} ({since})" if since else stamp


class SecretDetailsDialog(QDialog):
    def __init__(self, details: SecretDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        secret = details.summary
        self.setObjectName("secretDetailsDialog")
        self.setWindowTitle(f"Secret “{secret.name}”")
        self.setAccessibleName(f"Secret {secret.name}")
        self.resize(520, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows = [
            ("Name", secret.name),
            ("ID", secret.id),
            ("Driver", secret.driver or "file"),
        ]
        rows += [(f"Driver {key}", value) for key, value in details.driver_options.items()]
        rows += [
            ("Created", when(secret.created)),
            ("Updated", when(secret.updated)),
        ]
        if details.labels:
            rows.append(("Labels", ", ".join(f"{k}={v}" for k, v in details.labels.items())))
        for title, value in rows:
            form.addRow(f"{title}:", _value_label(value, self))
        users = (
            "<br>".join(html.escape(name) for name in details.users)
            if details.users
            else "No container uses it."
        )
        self.users = _value_label(users, self)
        self.users.setTextFormat(Qt.TextFormat.RichText)
        self.users.setObjectName("secretUsers")
        form.addRow("Used by:", self.users)
        note = QLabel(
            "Podman does not show a secret's value back. To change it, remove the secret "
            "and create it again, then recreate the containers that use it.",
            self,
        )
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
