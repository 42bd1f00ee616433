"""The Volumes page: create, details, export and import (the window opens their
dialogs), remove (the confirmation names the containers using it) and prune unused
volumes (the confirmation lists them, and only those are removed).

Who uses each volume is asked of Podman in one call, off the GUI thread, whenever the
volumes or the containers change.

Signals:
    create_requested(), details_requested(str name), export_requested(str name),
    import_requested(str name)
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.controllers.resource_actions import ResourceActions
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.models.volume_model import VolumeModel
from app.ui.confirmation import Confirmation
from app.ui.removal_confirmation import confirm_removal
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No volumes yet</h3>
<p>Volumes keep data beyond a container's life. Create one and mount it:</p>
<p><code>podman volume create mydata</code><br>
<code>podman run -d -v mydata:/data docker.io/library/redis</code></p>
"""


class VolumesView(ResourceView):
    create_requested = Signal()
    details_requested = Signal(str)
    export_requested = Signal(str)
    import_requested = Signal(str)

    title = "Volumes"
    empty_html = EMPTY

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(VolumeModel(), settings, parent, actions=actions)
        self.model.setParent(self)
        self._users_timer = QTimer(self, singleShot=True, interval=200)
        self._users_timer.timeout.connect(self._on_users_timer)
        self.model.count_changed.connect(lambda _n: self.update_actions())

    def _build_actions(self) -> None:
        self.create = self.add_action("Create…", self.create_requested.emit, "Create a volume")
        self.details = self.add_action(
            "Details…", lambda: self._one(self.details_requested), "Show the selected volume"
        )
        self.export = self.add_action(
            "Export…",
            lambda: self._one(self.export_requested),
            "Save the selected volume's files to a tar file",
        )
        self.import_ = self.add_action(
            "Import…",
            lambda: self._one(self.import_requested),
            "Unpack a tar file into the selected volume",
        )
        self.tree.doubleClicked.connect(lambda _index: self._one(self.details_requested))
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.prune = self.add_action(
            "Prune Unused…", self._prune, "Remove the volumes no container uses"
        )

    def _on_users_timer(self) -> None:
        if self.session is not None:
            self.tasks.spawn(self.refresh_users())

    def set_session(self, session: Session | None) -> None:
        super().set_session(session)
        self._users_timer.stop()
        if session is not None:
            session.resources_changed.connect(self._on_resources)

    def _on_resources(self, kind: str, _diff: object) -> None:
        # The window applies the diff after this slot: a volumes diff always asks.
        if kind == "volumes" or (kind == "containers" and self.model.rowCount()):
            self._users_timer.start()

    async def refresh_users(self) -> None:
        session = self.session
        if session is None:
            return
        users = await self.resource_actions.volume_users()
        if users is not None and session is self.session:
            self.model.set_users(users)
            self.update_actions()

    def _one(self, signal: Signal) -> None:
        keys = self.selected_keys() if self.connected else []
        if len(keys) == 1:
            signal.emit(str(keys[0]))

    def update_actions(self) -> None:
        keys = self.selected_keys() if self.connected else []
        self.create.setEnabled(self.connected)
        for action in (self.details, self.export, self.import_):
            action.setEnabled(len(keys) == 1)
        self.remove.setEnabled(any(self.model.pending(k) is None for k in keys))
        self.prune.setEnabled(
            self.connected and self.model.users_known and bool(self.model.unused())
        )

    def remove_selected(self) -> None:
        keys = [k for k in self.selected_keys() if self.model.pending(k) is None]
        if keys and self.connected:
            self.tasks.spawn(self._remove(keys))

    async def _remove(self, keys: list) -> None:
        removal = await confirm_removal(self.resource_actions, self.confirm, "volumes", keys)
        if removal is not None:
            await self.resource_actions.remove(removal)

    def _prune(self) -> None:
        if self.connected:
            self.tasks.spawn(self._prune_unused())

    async def _prune_unused(self) -> None:
        await self.refresh_users()
        unused = [v.name for v in self.model.unused()]
        if not unused:
            self.message_posted.emit("info", "Every volume is in use: nothing to prune.")
            return
        answer = await self.confirm(
            Confirmation(
                title="Prune unused volumes",
                text=f"Remove these {len(unused)} volumes that no container uses, and their data?",
                items=unused,
                action="Prune",
            )
        )
        if answer.accepted and self.session is not None:
            await self.resource_actions.prune_volumes(unused)
