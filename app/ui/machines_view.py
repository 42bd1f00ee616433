"""The Machines page: the VMs `podman machine` manages, or, when it cannot list them
(as root, absent, or failing), a clear explanation in place of an empty table.

The listing comes from the machine controller the app gives it (``use_controller``):
one `podman machine list` for the page, the switchers and the tray.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.controllers.machine_controller import MachineController
from app.controllers.notices import install_hint
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.engine.cli.machines import MachineAvailability, MachineListing
from app.models.machine_model import MachineModel
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No Podman machines</h3>
<p>On macOS and Windows, containers run inside a small Linux VM that Podman manages.
Create and start one from a terminal:</p>
<p><code>podman machine init</code><br><code>podman machine start</code></p>
<p>On Linux you do not need one: Podman runs containers natively.</p>
"""

ROOT = """
<h3>Machines are not used as root</h3>
<p>{message}</p>
<p>This connection runs containers <b>directly on this Linux host</b>, so everything
is under Containers, Images, Volumes and Pods.</p>
<p>To try machines anyway, run the app as a regular user:
<code>podman machine init</code> works there.</p>
"""

PROBLEM = """
<h3>{title}</h3>
<p>{message}</p>
<p>Press F5 to try again.</p>
"""


class MachinesView(ResourceView):
    """Signals:
    manage_requested(): the user wants to init, start, stop or remove machines.
    add_remote_requested(): the user wants to add a remote connection.
    """

    manage_requested = Signal()
    add_remote_requested = Signal()
    title = "Machines"
    noun = "machine"

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(MachineModel(), settings, parent)
        self.model.setParent(self)
        self._controller: MachineController | None = None

    def _build_actions(self) -> None:
        self.add_action(
            "Manage Machines…",
            self.manage_requested.emit,
            "Create, start, stop or remove Podman machines",
        )
        self.add_action(
            "Add Remote Connection…",
            self.add_remote_requested.emit,
            "Reach Podman on another computer over SSH",
        )

    def set_session(self, session: Session | None) -> None:
        # Machines belong to the podman CLI, not to a connection: keep the listing.
        self.session = session
        self._update_empty()

    def set_connected(self, connected: bool) -> None:
        self.connected = connected

    def use_controller(self, controller: MachineController) -> None:
        """List what ``controller`` lists (it answers through ``listing_changed``)."""
        self._controller = controller
        controller.listing_changed.connect(self._show_listing)
        if controller.listing is not None:
            self._show_listing(controller.listing)

    async def refresh(self) -> None:
        """Ask the controller to read `podman machine list` again (off the GUI thread)."""
        if self._controller is not None:
            await self._controller.refresh()

    def _show_listing(self, listing: MachineListing) -> None:
        self.model.set_listing(listing)
        self._update_empty()

    def empty_text(self) -> str:
        return explain(
            MachineListing(
                self.model.availability or MachineAvailability.OK, message=self.model.message
            )
        )

    def _update_empty(self, *args) -> None:
        if self.proxy.rowCount() == 0 and self.model.availability is None:
            self.empty.setText("<p>Asking <code>podman machine list</code>…</p>")
            self.body.setCurrentWidget(self.empty)
            return
        if self.proxy.rowCount() == 0 and not self.model.loaded:
            return
        if self.model.rowCount() == 0:
            self.empty.setText(self.empty_text())
            self.body.setCurrentWidget(self.empty)
            return
        super()._update_empty(*args)


def explain(listing: MachineListing) -> str:
    """Why the machine list is empty, in words for a Podman user (HTML)."""
    message = _escape(listing.message)
    if listing.availability is MachineAvailability.REFUSED_AS_ROOT:
        return ROOT.format(message=message)
    if listing.availability is MachineAvailability.PODMAN_MISSING:
        return PROBLEM.format(title="Podman is not installed", message=install_hint())
    if listing.availability is MachineAvailability.UNSUPPORTED:
        return PROBLEM.format(title="This Podman has no machines", message=message)
    if listing.availability is MachineAvailability.ERROR:
        return PROBLEM.format(title="Could not list machines", message=message)
    return EMPTY


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
