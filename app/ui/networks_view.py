"""The Networks page: who is attached to each network; create, details (double-click or
Enter), connect a container, remove (never Podman's default network), prune the unused
after a preview of exactly which go.

Who is attached comes from the container list the session already holds: it is worked
out again whenever the containers or the networks change, with no call to Podman.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.controllers.network_actions import NetworkActions
from app.controllers.resource_actions import ResourceActions
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.models.network_model import DEFAULT_NETWORK, NetworkModel
from app.ui import confirmation
from app.ui.removal_confirmation import confirm_removal
from app.ui.resource_view import ResourceView

if TYPE_CHECKING:  # the dialogs are imported when first opened (launch time)
    from app.ui.network_create_dialog import NetworkCreateDialog
    from app.ui.network_details_dialog import NetworkDetailsDialog

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
        self.networks: NetworkActions | None = None  # given by use_controller
        self.spawn: Callable[[Coroutine], object] = self.tasks.spawn
        self.tree.doubleClicked.connect(self._on_double_click)
        for key in (QKeySequence("Return"), QKeySequence("Enter")):
            shortcut = QShortcut(key, self.tree, self._details_of_current)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)

    def use_controller(
        self, networks: NetworkActions, spawn: Callable[[Coroutine], object] | None = None
    ) -> None:
        """Create, details, connect and prune work through ``networks``."""
        self.networks = networks
        if spawn is not None:
            self.spawn = spawn
        self.update_actions()

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
        self.create = self.add_action("Create…", self.open_create, "Create a network")
        self.details = self.add_action(
            "Details…", self.open_details, "Subnets, settings and the containers on it"
        )
        self.connect_container = self.add_action(
            "Connect Container…", self.open_connect, "Connect a container to this network"
        )
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.prune = self.add_action(
            "Prune Unused…", self.prune_unused, "Remove the networks no container is on"
        )

    def context_actions(self) -> list:
        return [self.details, self.connect_container, None, self.remove]

    def _removable(self) -> list:
        return [
            k
            for k in self.selected_keys()
            if self.model.pending(k) is None and self.model.item(k).name != DEFAULT_NETWORK
        ]

    def update_actions(self) -> None:
        usable = self.connected and self.networks is not None
        one = len(self.selected_keys()) == 1
        self.create.setEnabled(usable)
        self.details.setEnabled(usable and one)
        self.connect_container.setEnabled(usable and one)
        self.prune.setEnabled(usable)
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

    # -- create, details, connect ----------------------------------------------------------

    def _selected_name(self) -> str:
        items = self.selected_items()
        return items[0].name if len(items) == 1 else ""

    def create_dialog(self) -> NetworkCreateDialog:
        assert self.networks is not None
        from app.ui.network_create_dialog import NetworkCreateDialog

        return NetworkCreateDialog(self.networks, self.spawn, self)

    def details_dialog(self, name: str) -> NetworkDetailsDialog:
        assert self.networks is not None
        from app.ui.network_details_dialog import NetworkDetailsDialog

        dialog = NetworkDetailsDialog(self.networks, self.spawn, name, self)
        dialog.reload()
        return dialog

    def _open(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_create(self) -> None:
        if self.networks is not None and self.connected:
            dialog = self.create_dialog()
            dialog.performed.connect(lambda made: self.select_keys([made.id]))
            self._open(dialog)

    def open_details(self) -> None:
        name = self._selected_name()
        if name and self.networks is not None:
            self._open(self.details_dialog(name))

    def open_connect(self) -> None:
        name = self._selected_name()
        if name and self.networks is not None:
            from app.ui.network_connect_dialog import NetworkConnectDialog

            self._open(NetworkConnectDialog(self.networks, self.spawn, self, network=name))

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            self.select_keys([self.key_at(index)])
            self.open_details()

    def _details_of_current(self) -> None:
        self._on_double_click(self.tree.currentIndex())

    # -- prune -----------------------------------------------------------------------------

    def prune_unused(self) -> None:
        if self.networks is not None and self.connected:
            self.spawn(self.prune_with_preview())

    async def prune_with_preview(self) -> list | None:
        """Show exactly which networks go, then remove exactly those; None if nothing
        was removed (none unused, or the user said no)."""
        assert self.networks is not None
        unused = await self.networks.unused()
        if not unused:
            self.message_posted.emit("info", "Every network is in use: there is nothing to prune.")
            return None
        names = [n.name for n in unused]
        answer = await self.confirm(
            confirmation.Confirmation(
                title="Prune Unused Networks",
                text=(
                    f"Remove the unused network “{names[0]}”?"
                    if len(names) == 1
                    else f"Remove {len(names)} unused networks?"
                ),
                items=names,
                action="Remove Network" if len(names) == 1 else f"Remove {len(names)} Networks",
                details=(
                    "No container is on them. Only these are removed: a network created "
                    "or put to use after this list was made stays."
                ),
            )
        )
        if not answer.accepted:
            return None
        return await self.networks.prune(unused)
