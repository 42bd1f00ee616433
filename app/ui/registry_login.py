"""Registry logins: the login dialog (checked with the registry through the service
before it is saved in podman's auth file) and the list of registries logged in to, with
Log Out. The password goes to the controller and nowhere else, and its field is cleared
once used."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers.transfers import Transfers, explain
from app.engine.command_line import CommandLine
from app.engine.errors import PodmanError
from app.engine.image_reference import registry_problem
from app.ui import confirmation
from app.ui.forms.form_dialog import FormDialog


class LoginDialog(FormDialog):
    """Log in to one registry; ``performed`` carries the registry once saved."""

    def __init__(
        self,
        transfers: Transfers,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
        registry: str = "",
    ) -> None:
        super().__init__("Log In to a Registry", "Log In", spawn, parent)
        self.setObjectName("loginDialog")
        self.transfers = transfers
        self.registry = QLineEdit(registry, self)
        self.registry.setObjectName("loginRegistry")
        self.registry.setPlaceholderText("quay.io")
        self.user = QLineEdit(self)
        self.user.setObjectName("loginUser")
        self.password = QLineEdit(self)
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field("&Registry:", self.registry, lambda: registry_problem(self._host()))
        self.add_field("&Username:", self.user, lambda: "" if self.user.text() else "Type a name")
        self.password_field = self.add_field(
            "&Password:",
            self.password,
            lambda: "" if self.password.text() else "Type the password or token",
        )
        note = QLabel(
            "The registry checks the login through the Podman service; it is then kept "
            "where podman login keeps it, for this computer's podman commands too.",
            self,
        )
        note.setWordWrap(True)
        self.body.addWidget(note)
        (self.user if registry else self.registry).setFocus()
        self.refresh()

    def _host(self) -> str:
        return self.registry.text().strip()

    def command(self) -> str | None:
        line = CommandLine("login").option("--username", self.user.text() or "USER")
        return str(line.arg(self._host() or "REGISTRY"))

    async def perform(self) -> Any:
        registry, password = self._host(), self.password.text()
        try:
            await self.transfers.login(registry, self.user.text(), password)
        except PodmanError as exc:
            raise PodmanError(explain(exc, registry)) from exc
        finally:
            del password
            self.password.clear()  # used once; never kept
            self.password_field.touched = False
            self.refresh()
        return registry


class RegistriesDialog(QDialog):
    """The registries logged in to (from podman's auth file), Log In… and Log Out."""

    login_requested = Signal(str)

    def __init__(
        self,
        transfers: Transfers,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("registriesDialog")
        self.setWindowTitle("Registries")
        self.setAccessibleName("Registries")
        self.transfers = transfers
        self._spawn = spawn
        # Replaceable (tests answer for the user); resolves to a confirmation.Answer.
        self.confirm = lambda c: confirmation.ask(self, c)
        layout = QVBoxLayout(self)
        self.caption = caption = QLabel("&Logged in to:", self)
        self.list = QListWidget(self)
        self.list.setObjectName("registriesList")
        self.list.setAccessibleName("Registries logged in to")
        caption.setBuddy(self.list)
        self.empty = QLabel(
            "No logins yet. Log in to a registry to pull and push its private images; "
            "podman login's logins show here too.",
            self,
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setAccessibleName("No logins")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d1453b;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setAccessibleName("Error")
        self.error.hide()
        buttons = QDialogButtonBox(self)
        self.login_button = QPushButton("Log &In…", self)
        self.login_button.setAccessibleName("Log in to a registry")
        self.logout_button = QPushButton("Log &Out", self)
        self.logout_button.setAccessibleName("Log out of the selected registry")
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.logout_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        self.login_button.clicked.connect(lambda: self.login_requested.emit(""))
        self.logout_button.clicked.connect(self.log_out_selected)
        self.list.currentRowChanged.connect(lambda _r: self._update())
        for widget in (caption, self.list, self.empty, self.error, buttons):
            layout.addWidget(widget)
        self.resize(420, 260)
        transfers.logins_changed.connect(self.reload)
        self._update()
        self.reload()

    def reload(self) -> None:
        self._spawn(self._reload())

    async def _reload(self) -> None:
        try:
            names = await self.transfers.logged_in()
        except PodmanError as exc:
            if shiboken6.isValid(self):
                self._say(str(exc))
            return
        if not shiboken6.isValid(self):
            return  # closed meanwhile
        self.list.clear()
        self.list.addItems(names)
        self._update()

    def _update(self) -> None:
        empty = self.list.count() == 0
        self.empty.setVisible(empty)
        self.list.setVisible(not empty)
        self.caption.setVisible(not empty)
        self.logout_button.setEnabled(self.list.currentItem() is not None)

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def log_out_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._spawn(self._log_out(item.text()))

    async def _log_out(self, registry: str) -> None:
        answer = await self.confirm(
            confirmation.Confirmation(
                title="Log out",
                text=f"Log out of {registry}?",
                details="Its login is removed from podman's auth file on this computer.",
                action="Log Out",
            )
        )
        if not answer.accepted:
            return
        try:
            await self.transfers.logout(registry)
        except PodmanError as exc:
            self._say(str(exc))
