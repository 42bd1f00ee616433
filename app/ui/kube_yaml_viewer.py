"""The Kubernetes YAML Podman generates for pods or containers, read-only and
highlighted, with Copy and Save…, and the ``podman kube generate`` line it equals."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine.errors import PodmanError
from app.ui.forms.form_dialog import ERROR_STYLE
from app.ui.yaml_highlighter import YamlHighlighter


class KubeYamlViewer(QDialog):
    """``pods`` is the PodController (generate_kube, save_text).

    Signals:
        loaded(str yaml): the YAML arrived (again, after "Include a Service").
        saved(str path): the YAML was written there.
    """

    loaded = Signal(str)
    saved = Signal(str)

    def __init__(
        self,
        pods: Any,
        names: list[str],
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pods, self.names, self._spawn = pods, list(names), spawn
        title = f"Kubernetes YAML — {', '.join(self.names)}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setObjectName("kubeYamlViewer")

        self.command = QLabel(self)
        self.command.setObjectName("kubeCommand")
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.command.setAccessibleName("Equivalent podman command")
        self.service = QCheckBox("Include a Ser&vice (for the published ports)", self)
        self.service.setToolTip(
            "Adds a Kubernetes Service of type NodePort for the ports the pod publishes"
        )
        self.service.toggled.connect(lambda _on: self.reload())
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("kubeYaml")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setAccessibleName("Kubernetes YAML")
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.highlighter = YamlHighlighter(self.text.document())
        self.status = QLabel(self)
        self.status.setObjectName("kubeStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")

        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.setAccessibleName("Copy the YAML")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("&Save…", self)
        self.save_button.setAccessibleName("Save the YAML to a file")
        self.save_button.clicked.connect(self.choose_file)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.command, 1)
        top.addWidget(self.service)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(720, 560)
        self.reload()

    def reload(self) -> None:
        words = ["podman", "kube", "generate", *(["--service"] if self.service.isChecked() else [])]
        self.command.setText(shlex.join([*words, *self.names]))
        self.copy_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self._say("Asking Podman for the YAML…")
        self._spawn(self._load(self.service.isChecked()))

    async def _load(self, service: bool) -> None:
        try:
            yaml = await self.pods.generate_kube(self.names, service)
        except PodmanError as exc:
            self.text.setPlainText("")
            self._say(str(exc), error=True)
            return
        if service != self.service.isChecked():
            return  # toggled again meanwhile: the later answer is the one to show
        self.text.setPlainText(yaml)
        self.copy_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self._say("")
        self.loaded.emit(yaml)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self._say("Copied the YAML to the clipboard.")

    def choose_file(self) -> None:
        suggested = f"{self.names[0]}.yaml" if len(self.names) == 1 else "pods.yaml"
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save Kubernetes YAML", suggested, "YAML files (*.yaml *.yml);;All files (*)"
        )
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> None:
        """Write the YAML to ``path`` (off the GUI thread); ``saved`` when done."""
        self._say(f"Saving to {path}…")
        self._spawn(self._save(path, self.text.toPlainText()))

    async def _save(self, path: str, text: str) -> None:
        try:
            await self.pods.save_text(path, text)
        except PodmanError as exc:
            self._say(str(exc), error=True)
            return
        self._say(f"Saved to {path}.")
        self.saved.emit(path)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)
        self.status.setVisible(bool(text))
