"""The Secrets page: create (the window opens the dialog), details, and remove after
naming the containers that use the secret (read from their inspect data). A secret's
value is never shown.

Signals:
    create_requested(): the user asked to create a secret.
    details_requested(str id): the user asked for a secret's details.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.models.secret_model import SecretModel
from app.ui.confirmation import Confirmation
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No secrets</h3>
<p>Secrets hand passwords and keys to containers without baking them into images:</p>
<p><code>printf 's3cret' | podman secret create db_password -</code><br>
<code>podman run -d --secret db_password docker.io/library/postgres</code></p>
"""


class SecretsView(ResourceView):
    create_requested = Signal()
    details_requested = Signal(str)

    title = "Secrets"
    empty_html = EMPTY

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(SecretModel(), settings, parent, actions=actions)
        self.model.setParent(self)

    def _build_actions(self) -> None:
        self.create = self.add_action(
            "Create…", self.create_requested.emit, "Create a secret from a typed value or a file"
        )
        self.details = self.add_action(
            "Details…", self.show_details, "Show the selected secret's metadata and users"
        )
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.tree.doubleClicked.connect(lambda _index: self.show_details())

    def update_actions(self) -> None:
        keys = self.selected_keys() if self.connected else []
        self.create.setEnabled(self.connected)
        self.details.setEnabled(len(keys) == 1)
        self.remove.setEnabled(any(self.model.pending(k) is None for k in keys))

    def show_details(self) -> None:
        keys = self.selected_keys() if self.connected else []
        if len(keys) == 1:
            self.details_requested.emit(str(keys[0]))

    def remove_selected(self) -> None:
        keys = [k for k in self.selected_keys() if self.model.pending(k) is None]
        if keys and self.connected:
            self.tasks.spawn(self._remove(keys))

    async def _remove(self, keys: list) -> None:
        session = self.session
        names = [self.model.item(k).name for k in keys]
        users = await self.resource_actions.secret_users(keys)
        if users is None or session is not self.session:
            return  # Podman could not say (the controller told the user why)
        answer = await self.confirm(
            Confirmation(
                title="Remove secrets",
                text=f"Remove secret “{names[0]}”?"
                if len(names) == 1
                else f"Remove {len(names)} secrets?",
                items=names,
                details=(
                    "Used by: " + ", ".join(users) + ". They keep their copy "
                    "until they are recreated, but cannot be started again without it."
                    if users
                    else "No container uses " + ("it." if len(names) == 1 else "them.")
                ),
            )
        )
        if answer.accepted and session is self.session:
            await self.resource_actions.remove_secrets(keys)
