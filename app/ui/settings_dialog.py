"""The one Settings dialog: a section per feature, each validated before it is saved."""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.controllers.settings import THEMES, Settings
from app.support import paths

_THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class SettingsSection(QWidget):
    """One section: shows settings, validates and saves them."""

    title = "Section"

    def load(self, settings: Settings) -> None:
        raise NotImplementedError

    def validate(self) -> str:
        """An error message for the user, or "" when the input is fine."""
        return ""

    def save(self, settings: Settings) -> None:
        raise NotImplementedError


class GeneralSection(SettingsSection):
    title = "General"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.podman_path = QLineEdit(self)
        self.podman_path.setPlaceholderText("podman (found on PATH)")
        self.podman_path.setObjectName("podmanPath")
        self.podman_path.setAccessibleName("Podman executable")
        browse = QPushButton("&Browse…", self)
        browse.setToolTip("Choose the podman executable")
        browse.clicked.connect(self._browse)
        row.addWidget(self.podman_path, 1)
        row.addWidget(browse)
        label = QLabel("&Podman executable:", self)
        label.setBuddy(self.podman_path)
        form.addRow(label, row)
        self.theme = QComboBox(self)
        self.theme.setObjectName("theme")
        for theme in THEMES:
            self.theme.addItem(_THEME_LABELS[theme], theme)
        form.addRow("&Appearance:", self.theme)
        # A path has no spaces to wrap at: a read-only field shows its start and scrolls.
        log_path = QLineEdit(str(paths.log_file()), self)
        log_path.setObjectName("logFile")
        log_path.setReadOnly(True)
        log_path.setCursorPosition(0)
        log_path.setAccessibleName("Log file")
        log_path.setToolTip(str(paths.log_file()))
        form.addRow("&Log file:", log_path)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the podman executable")
        if path:
            self.podman_path.setText(path)

    def load(self, settings: Settings) -> None:
        self.podman_path.setText(settings.podman_path)
        index = self.theme.findData(settings.theme)
        self.theme.setCurrentIndex(max(0, index))

    def validate(self) -> str:
        path = self.podman_path.text().strip()
        if path and not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"“{path}” is not an executable file. Leave it empty to use podman on PATH."
        return ""

    def save(self, settings: Settings) -> None:
        settings.podman_path = self.podman_path.text().strip()
        settings.theme = self.theme.currentData()


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.sections: list[SettingsSection] = []
        self.nav = QListWidget(self)
        self.nav.setObjectName("settingsPages")
        self.nav.setAccessibleName("Settings pages")
        self.nav.setFixedWidth(160)
        self.stack = QStackedWidget(self)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.error = QLabel(self)
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet("color: #d1453b")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.add_section(GeneralSection(self))
        self.resize(640, 420)

    def add_section(self, section: SettingsSection) -> None:
        section.load(self.settings)
        self.sections.append(section)
        self.nav.addItem(section.title)
        self.stack.addWidget(section)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def accept(self) -> None:
        # Bad input keeps the dialog open, with what was typed, and says what is wrong.
        for index, section in enumerate(self.sections):
            problem = section.validate()
            if problem:
                self.nav.setCurrentRow(index)
                self.error.setText(problem)
                self.error.show()
                return
        for section in self.sections:
            section.save(self.settings)
        self.settings.sync()
        super().accept()
