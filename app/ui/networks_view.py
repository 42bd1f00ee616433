"""The Networks page: who is attached to each network; remove (never Podman's default
network).

Who is attached comes from the container list the session already holds: it is worked
out again whenever the containers or the networks change, with no call to Podman.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from app.controllers.resource_actions import ResourceActions
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.models.network_model import DEFAULT_NETWORK, NetworkModel
from app.ui.removal_confirmation import confirm_removal
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No networks</h3>
<p>Create one so containers can reach each other by name:</p>
<p><code>podman network create mynet</code></p>
"""


class NetworksView(ResourceView):
    title = "Networks"
    empty_html = EMPTY

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(NetworkModel(), settings, parent, actions=actions)
        self.model.setParent(self)
        # A listing reaches the window in parts: work the users out once, after them.
        self._users_timer = QTimer(self, singleShot=True, interval=50)
        self._users_timer.timeout.connect(self.refresh_users)

    def set_session(self, session: Session | None) -> None:
        super().set_session(session)
        self._users_timer.stop()
        self.model.set_users({})
        if session is not None:
            session.resources_changed.connect(self._on_resources)

    def _on_resources(self, kind: str, _diff: object) -> None:
        if kind in ("containers", "networks"):
            self._users_timer.start()

    def refresh_users(self) -> None:
        self.model.set_users(self.resource_actions.network_users())

    def _build_actions(self) -> None:
        self.remove = self.add_action("Remove…", self.remove_selected)

    def _removable(self) -> list:
        return [
            k
            for k in self.selected_keys()
            if self.model.pending(k) is None and self.model.item(k).name != DEFAULT_NETWORK
        ]

    def update_actions(self) -> None:
        self.remove.setEnabled(self.connected and bool(self._removable()))
        if DEFAULT_NETWORK in {i.name for i in self.selected_items()}:
            self.remove.setToolTip("Podman's default network “podman” cannot be removed")
        else:
            self.remove.setToolTip("Remove the selected networks")

    def remove_selected(self) -> None:
        keys = self._removable()
        if keys and self.connected:
            self.tasks.spawn(self._remove(keys))

    async def _remove(self, keys: list) -> None:
        removal = await confirm_removal(self.resource_actions, self.confirm, "networks", keys)
        if removal is not None:
            await self.resource_actions.remove(removal)
