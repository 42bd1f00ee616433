"""Add a remote connection: name, ssh:// address and identity file, checked as typed;
the host key is shown for confirmation the first time; a warning says when Podman
stored another address than the one typed. The work runs in the remote-connection
controller.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers.remote_connection import NotAdded, RemoteConnectionController
from app.proxy.host_keys import HostKeyInfo


class RemoteConnectionDialog(QDialog):
    """Signals: added(str name, str warning): the connection is in Podman's list."""

    added = Signal(str, str)

    def __init__(
        self,
        remotes: RemoteConnectionController,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("remoteConnectionDialog")
        self.setWindowTitle("Add Remote Connection")
        self._remotes = remotes
        self._spawn = spawn
        self._task: asyncio.Future | None = None
        self.name = QLineEdit(self)
        self.name.setObjectName("remoteName")
        self.uri = QLineEdit(self)
        self.uri.setObjectName("remoteUri")
        self.uri.setPlaceholderText("ssh://user@host[:port]/run/user/1000/podman/podman.sock")
        self.identity = QLineEdit(self)
        self.identity.setObjectName("remoteIdentity")
        self.identity.setPlaceholderText(str(Path.home() / ".ssh" / "id_ed25519"))
        browse = QPushButton("&Browse…", self)
        browse.setToolTip("Choose the SSH identity (private key) file")
        browse.clicked.connect(self._browse)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity, 1)
        identity_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Address:", self.uri)
        identity_label = QLabel("&Identity file:", self)
        identity_label.setBuddy(self.identity)
        form.addRow(identity_label, identity_row)
        hint = QLabel(
            "The socket path is where Podman's API listens on that host: "
            "<code>/run/podman/podman.sock</code> for root, "
            "<code>/run/user/UID/podman/podman.sock</code> for a user "
            "(<code>systemctl --user enable --now podman.socket</code> there).",
            self,
        )
        hint.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("remoteStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        self.buttons.accepted.connect(self._on_add)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(560, 260)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the SSH identity file", str(Path.home() / ".ssh")
        )
        if path:
            self.identity.setText(path)

    def values(self) -> tuple[str, str, str]:
        identity = self.identity.text().strip()
        if identity:
            # Podman stores the path as given: a relative one breaks from another directory.
            identity = os.path.abspath(os.path.expanduser(identity))
        return self.name.text().strip(), self.uri.text().strip(), identity

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #d1453b" if error else "")
        self.status.setText(text)

    def _on_add(self) -> None:
        name, uri, identity = self.values()
        problem = self._remotes.validate(name, uri, identity)
        if problem:
            self._say(problem, error=True)
            return
        self._set_busy(True)
        self._task = self._spawn(self._add(name, uri, identity))

    def _set_busy(self, busy: bool) -> None:
        # Cancel stays: a host that never answers must not hold the dialog open.
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not busy)
        for field in (self.name, self.uri, self.identity):
            field.setReadOnly(busy)

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _add(self, name: str, uri: str, identity: str) -> None:
        self._remotes.progress.connect(self._say)
        try:
            warning = await self._remotes.add(name, uri, identity, self.confirm_host_key)
        except NotAdded as exc:
            self._say(str(exc), error=True)
            return
        finally:
            self._remotes.progress.disconnect(self._say)
            self._set_busy(False)
        self.added.emit(name, warning)
        if warning:
            # Not QMessageBox.warning(): a nested event loop inside a task breaks qasync.
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Connection added with a different address",
                warning,
                parent=self.parentWidget(),
            )
            box.setObjectName("remoteReadbackWarning")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        self.accept()

    def reject(self) -> None:
        """Cancel: while the host is being checked, stop waiting for it (nothing was added
        yet); while Podman's list is written (a moment), let that finish first."""
        if self.busy:
            if self._remotes.committing:
                self._say("Finishing the add…")
                return
            assert self._task is not None
            self._task.cancel()
        super().reject()

    async def confirm_host_key(self, info: HostKeyInfo) -> bool:
        """Ask whether to trust the key; a window-modal box, awaited (not a nested loop)."""
        box = QMessageBox(self)
        box.setObjectName("remoteHostKey")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unknown host key")
        box.setText(f"First connection to {info.entry_name}")
        box.setInformativeText(
            f"Its {info.key_type} key has the fingerprint\n{info.fingerprint}\n\n"
            "Trust it only if it matches what the server's owner gives you."
        )
        trust = box.addButton("Trust and Add", QMessageBox.ButtonRole.AcceptRole)
        trust.setObjectName("trustRemoteHostKey")
        box.addButton(QMessageBox.StandardButton.Cancel)
        answered = asyncio.get_event_loop().create_future()
        box.finished.connect(lambda _r: answered.done() or answered.set_result(None))
        box.open()
        try:
            await answered
            return box.clickedButton() is trust
        finally:  # answered, or the add was cancelled with the question open
            box.close()
            box.deleteLater()
