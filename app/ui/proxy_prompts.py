"""The questions the SSH proxy asks the user: trust a new host key, a key's passphrase.

Both dialogs are window-modal but opened with ``open()``, so the event loop (and every
other connection) keeps running while the user decides.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app.proxy.host_keys import HostKeyInfo


class DialogPrompts:
    """Implements app.controllers.proxy_runner.Prompts with Qt dialogs over ``parent()``."""

    def __init__(self, parent: Callable[[], QWidget | None]) -> None:
        self._parent = parent
        self._open: list[QWidget] = []  # keep dialogs alive until answered

    def ask_host_key(self, info: HostKeyInfo, reply: Callable[[bool], None]) -> None:
        box = QMessageBox(self._parent())
        box.setObjectName("hostKeyDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unknown SSH host key")
        where = info.host if info.port == 22 else f"[{info.host}]:{info.port}"
        box.setText(f"This is the first connection to {where}. Do you trust its key?")
        box.setInformativeText(
            f"{info.key_type} key fingerprint:\n{info.fingerprint}\n\n"
            "Compare it with the server's own (ssh-keygen -lf on the server). If you trust "
            f"it, it is recorded in {info.known_hosts} and checked on every connection."
        )
        trust = box.addButton("Trust and Connect", QMessageBox.ButtonRole.AcceptRole)
        trust.setObjectName("trustHostKey")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def done() -> None:
            self._forget(box)
            reply(box.clickedButton() is trust)

        box.finished.connect(done)
        self._show(box)

    def ask_passphrase(
        self, key_path: str, previous_was_wrong: bool, reply: Callable[[str | None], None]
    ) -> None:
        dialog = QInputDialog(self._parent())
        dialog.setObjectName("passphraseDialog")
        dialog.setWindowTitle("SSH key passphrase")
        wrong = "That passphrase was wrong. " if previous_was_wrong else ""
        dialog.setLabelText(f"{wrong}Passphrase for {key_path}:")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)

        def done(result: int) -> None:
            self._forget(dialog)
            reply(dialog.textValue() if result == QInputDialog.DialogCode.Accepted else None)
            dialog.setTextValue("")  # do not keep the passphrase in the widget

        dialog.finished.connect(done)
        self._show(dialog)

    def _show(self, dialog: QWidget) -> None:
        self._open.append(dialog)
        dialog.open()

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self._open:
            self._open.remove(dialog)
        dialog.deleteLater()
