"""The Networks page: remove (never Podman's default network)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.controllers.resource_actions import ResourceActions
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
    column_widths = {"name": 200, "driver": 80, "subnets": 260, "dns": 70, "flags": 100}

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(NetworkModel(), settings, parent, actions=actions)
        self.model.setParent(self)

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
