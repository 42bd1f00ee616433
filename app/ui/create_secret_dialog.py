"""Create a secret from a typed value or a file (``podman secret create``).

The typed value sits in a password field (shown only while "Show" is ticked, off by
default) and is read once, when Create is pressed, then cleared: the dialog keeps no
copy, and the command preview never contains it. A file is read by the engine, off
the GUI thread, and sent straight on.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from app.controllers.secret_actions import SecretActions
from app.engine.errors import PodmanError
from app.ui.forms.form_dialog import Field, FormDialog


class CreateSecretDialog(FormDialog):
    """Signals: performed(str secret id), from FormDialog."""

    def __init__(
        self,
        secrets: SecretActions,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Create Secret", "Create", spawn, parent)
        self.setObjectName("createSecretDialog")
        self.secrets = secrets
        self.resize(560, 0)

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("db_password")
        self.add_field(
            "&Name:", self.name, self._name_problem, tip="How containers ask for it: --secret NAME"
        )

        self.from_text = QRadioButton("&Typed value", self)
        self.from_file = QRadioButton("&From a file", self)
        self.from_text.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_text)
        group.addButton(self.from_file)
        source = QWidget(self)
        row = QHBoxLayout(source)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.from_text)
        row.addWidget(self.from_file)
        row.addStretch(1)
        source_label = QLabel("&Source:", self)
        source_label.setBuddy(self.from_text)
        self.form.addRow(source_label, source)
        self.watch(self.from_text)

        self.value = QLineEdit(self)
        self.value.setEchoMode(QLineEdit.EchoMode.Password)
        self.value.setPlaceholderText("Typed here, never shown or saved")
        self.show_value = QCheckBox("S&how", self)
        self.show_value.setToolTip("Show the value as you type it")
        self.show_value.toggled.connect(self._on_show)
        value_box = QWidget(self)
        value_row = QHBoxLayout(value_box)
        value_row.setContentsMargins(0, 0, 0, 0)
        value_row.addWidget(self.value, 1)
        value_row.addWidget(self.show_value)
        self.value_field = self._composite("&Value:", value_box, self.value, self._value_problem)

        self.path = QLineEdit(self)
        self.path.setPlaceholderText("/path/to/key.pem")
        self.browse = QPushButton("&Browse…", self)
        self.browse.setToolTip("Choose the file whose contents become the secret")
        self.browse.clicked.connect(self._browse)
        path_box = QWidget(self)
        path_row = QHBoxLayout(path_box)
        path_row.setContentsMargins(0, 0, 0, 0)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        self.path_field = self._composite("Fi&le:", path_box, self.path, self._path_problem)

        self.driver = QComboBox(self)
        self.driver.addItem("file")
        self.add_field(
            "&Driver:", self.driver, tip="Where Podman keeps the value: “file” on its host"
        )

        self.note = QLabel(
            "Podman keeps the value; this app never shows, logs or saves it, and Podman "
            "will not show it back either.",
            self,
        )
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted
        self.body.addWidget(self.note)
        self._update_source()
        self.from_text.toggled.connect(self._update_source)
        self.refresh()

    def _composite(self, label: str, box: QWidget, inner: QLineEdit, check) -> Field:
        """A row whose field is ``inner`` with a button beside it (``box``)."""
        field = self.add_field(label, box, check)
        inner.setAccessibleName(label.replace("&", "").rstrip(":"))
        box.setFocusProxy(inner)
        caption = self.form.labelForField(box.parentWidget())  # add_field's wrapper
        if isinstance(caption, QLabel):
            caption.setBuddy(inner)
        field.widget = inner
        self.watch(inner, field)
        return field

    # -- checks ----------------------------------------------------------------------

    def _name_problem(self) -> str:
        return self.secrets.name_problem(self.name.text().strip())

    def _value_problem(self) -> str:
        if not self.from_text.isChecked():
            return ""
        return self.secrets.value_problem(len(self.value.text().encode("utf-8")))

    def _path_problem(self) -> str:
        if self.from_text.isChecked():
            return ""
        return "" if self.path.text().strip() else "Choose the file to read."

    # -- the form --------------------------------------------------------------------

    def _update_source(self) -> None:
        typed = self.from_text.isChecked()
        for field, shown in ((self.value_field, typed), (self.path_field, not typed)):
            # The row's field is add_field's wrapper around the box around the input.
            self.form.setRowVisible(field.widget.parentWidget().parentWidget(), shown)
        self.refresh()

    def _on_show(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.value.setEchoMode(mode)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Read the secret from")
        if path:
            self.path.setText(path)

    def command(self) -> str:
        path = self.path.text().strip() if self.from_file.isChecked() else None
        return self.secrets.command(self.name.text().strip(), path)

    async def perform(self) -> str:
        name = self.name.text().strip()
        if self.from_file.isChecked():
            return await self.secrets.create_from_file(name, self.path.text().strip())
        value = self.value.text().encode("utf-8")
        # setText, not clear(): it also drops the field's undo history.
        self.value.setText("")
        try:
            return await self.secrets.create(name, value)
        except PodmanError:
            self.value_field.touched = False
            raise
        finally:
            del value

    def show_error(self, text: str) -> None:
        if text and self.from_text.isChecked():
            text += "\nThe value was cleared: type it again."
        super().show_error(text)
