"""Pull an image: the reference checked as it is typed, where it will come from, the
layers' progress as one bar and a line, Cancel, and ways out of a failure (log in, or
retry without TLS verification for that registry). The pull may go on with the dialog
closed: it is listed in the transfers panel.

Signals:
    login_requested(str registry, object retry): open the login dialog for ``registry``
    and call ``retry()`` once the login is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.controllers.transfers import Problem, Transfers, classify, explain
from app.engine.command_line import CommandLine
from app.engine.errors import PodmanError
from app.engine.image_reference import parse, problem
from app.models.transfer_progress import TransferProgress
from app.ui.forms.form_dialog import FormDialog


class PullDialog(FormDialog):
    login_requested = Signal(str, object)
    title = "Pull an Image"
    action = "Pull"
    verb = "pull"

    def __init__(
        self,
        transfers: Transfers,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
        reference: str = "",
    ) -> None:
        super().__init__(self.title, self.action, spawn, parent)
        self.setObjectName(f"{self.verb}Dialog")
        self.transfers = transfers
        self._search: list[str] | None = None
        self._tls_verify: bool | None = None  # None: as remembered for the registry
        self._detached = False
        self._progress = TransferProgress()
        self._failed_registry = ""

        self._build_reference(reference)
        self.where = QLabel(self)
        self.where.setObjectName("pullSource")
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Where the image comes from")
        self.body.addWidget(self.where)

        # Ways out of a failure, shown only after one.
        self.fixes = QWidget(self)
        row = QHBoxLayout(self.fixes)
        row.setContentsMargins(0, 0, 0, 0)
        self.login_button = QPushButton("Log In…", self.fixes)  # named for its registry
        self.login_button.setObjectName("pullLogin")
        self.login_button.setAccessibleName("Log in to the registry")
        self.login_button.setToolTip("Log in, then try again")
        self.login_button.clicked.connect(self._log_in)
        self.insecure_button = QPushButton("Retry without TLS Verification", self.fixes)
        self.insecure_button.setObjectName("pullInsecure")
        self.insecure_button.setAccessibleName("Retry without TLS verification")
        self.insecure_button.setToolTip(
            "Pull again without checking the registry's certificate (or over plain HTTP)"
        )
        self.insecure_button.clicked.connect(self._retry_insecure)
        self.remember = QCheckBox("Remember for this registry", self.fixes)
        self.remember.setObjectName("pullRememberInsecure")
        self.remember.setAccessibleName("Remember for this registry")
        for widget in (self.login_button, self.insecure_button, self.remember):
            row.addWidget(widget)
            widget.hide()
        row.addStretch(1)
        self.layout().insertWidget(self.layout().indexOf(self.error) + 1, self.fixes)
        self.fixes.hide()

        self.background_button = self.buttons.addButton(
            "Continue in Transfers", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.background_button.setObjectName("pullBackground")
        self.background_button.setAccessibleName(f"Close; the {self.verb} continues in Transfers")
        self.background_button.setToolTip(
            f"Close this dialog; the {self.verb} continues in Transfers"
        )
        self.background_button.clicked.connect(self.continue_in_background)
        self.background_button.hide()

        self.refresh()
        spawn(self._load_search())

    # -- what it will do -----------------------------------------------------------------

    def _build_reference(self, reference: str) -> None:
        self.reference = QLineEdit(reference, self)
        self.reference.setObjectName("pullReference")
        self.reference.setPlaceholderText("quay.io/podman/hello:latest")
        self.reference.setMinimumWidth(420)
        self.add_field(
            "&Image:",
            self.reference,
            lambda: problem(self._ref()),
            tip="registry/name:tag or registry/name@sha256:…",
        )

    def _ref(self) -> str:
        return self.reference.text().strip()

    def _registry(self) -> str:
        return parse(self._ref()).registry if not problem(self._ref()) else ""

    def _verify(self) -> bool:
        if self._tls_verify is not None:
            return self._tls_verify
        return not self.transfers.skips_tls(self._registry())

    def command(self) -> str | None:
        line = CommandLine("pull").option("--tls-verify", None if self._verify() else "false")
        return str(line.arg(self._ref() or "IMAGE"))

    def refresh(self) -> None:
        super().refresh()
        if hasattr(self, "where"):
            self._show_where()

    def _show_where(self) -> None:
        ref = self._ref()
        if not ref or problem(ref):
            self.where.setText("")
            self.where.hide()
            return
        registry = self._registry()
        if registry:
            text = f"From {registry}."
            if not self._verify():
                text += " TLS verification is off for this registry."
        elif self._search is None:
            text = "A short name: Podman resolves it through the connection's registries."
        elif self._search:
            text = (
                "A short name: Podman resolves it, trying these registries in turn: "
                + ", ".join(self._search)
                + "."
            )
        else:
            text = (
                "This connection searches no registries for a short name: type a fully "
                "qualified name, such as quay.io/podman/hello."
            )
        self.where.setText(text)
        self.where.show()

    async def _load_search(self) -> None:
        found = await self.transfers.search_registries()
        if shiboken6.isValid(self):  # the dialog may have been closed meanwhile
            self._search = found
            self._show_where()

    # -- running -------------------------------------------------------------------------

    async def perform(self) -> Any:
        self._hide_fixes()
        self._progress = TransferProgress()
        reference = self._ref()
        self._failed_registry = ""
        try:
            operation = self.start(reference, self._tls_verify)
        except PodmanError as exc:
            raise PodmanError(explain(exc, "")) from exc
        self.track(operation)
        self.background_button.show()
        self.say(f"{self.verb.capitalize()}ing {reference}…")
        try:
            return await operation.wait()
        except PodmanError as exc:
            registry = getattr(operation, "registry", "")
            self._offer_fixes(exc, registry)
            raise PodmanError(explain(exc, registry)) from exc
        finally:
            self.background_button.hide()
            self._tls_verify = None
            if self._detached:
                QTimer.singleShot(0, self.close)

    def start(self, reference: str, tls_verify: bool | None) -> Any:
        """Start the operation (a pull here; a push in PushDialog)."""
        return self.transfers.pull(reference, tls_verify)

    def on_progress(self, item: Any) -> None:
        self._progress.add(item)
        self.say(self._progress.text, self._progress.fraction)

    def show_error(self, text: str) -> None:
        super().show_error(text)
        if text:
            self.adjustSize()  # Podman's words run long: let the dialog grow to show them

    def continue_in_background(self) -> None:
        """Close the dialog and let the pull go on (the transfers panel lists it)."""
        self._detached = True
        self.hide()

    def _offer_fixes(self, error: BaseException, registry: str) -> None:
        kind = classify(error)
        self._failed_registry = registry
        if kind is Problem.LOGIN and registry:
            self.login_button.setText(f"Log in to {registry}…")
            self.login_button.setAccessibleName(f"Log in to {registry}")
            self.login_button.show()
        elif kind is Problem.TLS and registry:
            self.insecure_button.show()
            self.remember.setChecked(False)
            self.remember.show()
        else:
            return
        self.fixes.show()

    def _hide_fixes(self) -> None:
        for widget in (self.login_button, self.insecure_button, self.remember):
            widget.hide()
        self.fixes.hide()

    def _log_in(self) -> None:
        self.login_requested.emit(self._failed_registry, self._retry_after_login)

    def _retry_after_login(self) -> None:
        if shiboken6.isValid(self) and self.isVisible():  # not if closed in the meantime
            self.submit()

    def _retry_insecure(self) -> None:
        registry = self._failed_registry
        if self.remember.isChecked():
            self.transfers.remember_skip_tls(registry)
        self._tls_verify = False
        self.submit()
