"""The machine switcher: every connection, grouped, the active one checked, each with
its state, Start / Stop per machine, and Retry when the active connection's SSH was
refused. It is rebuilt each time it opens.

``MachineSwitcher.fill(menu)`` adds the entries to any menu (the tray's menu has them
inline); ``MachineMenu`` is a menu of its own, for the main window's menu bar and its
toolbar button (``connection_button.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont, QIcon
from PySide6.QtWidgets import QMenu, QWidget

from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.engine.cli.machines import Machine, MachineAvailability, MachineListing
from app.engine.connection import ROOT_SUFFIX, Connection, machine_name_of
from app.models import dots

Spawn = Callable[[Coroutine], object]


@dataclass
class ConnectionGroup:
    """One heading of the switcher: this computer, one machine, or remote hosts."""

    title: str
    connections: list[Connection] = field(default_factory=list)
    machine: Machine | None = None
    machine_name: str = ""


def group_connections(
    connections: list[Connection], listing: MachineListing | None
) -> list[ConnectionGroup]:
    """Local sockets first, then each machine with its ``-root`` twin, then remote hosts."""
    local = ConnectionGroup("This computer")
    remote = ConnectionGroup("Remote")
    machines: dict[str, ConnectionGroup] = {}
    known = {m.name: m for m in listing.machines} if listing is not None else {}
    for connection in connections:
        if connection.is_machine:
            name = machine_name_of(connection)
            group = machines.setdefault(
                name, ConnectionGroup(f"Machine {name}", machine=known.get(name), machine_name=name)
            )
            group.connections.append(connection)
        elif connection.is_ssh:
            remote.connections.append(connection)
        else:
            local.connections.append(connection)
    for name, machine in known.items():  # a machine with no connection (yet) still shows
        machines.setdefault(
            name, ConnectionGroup(f"Machine {name}", machine=machine, machine_name=name)
        )
    for group in machines.values():
        group.connections.sort(key=lambda c: c.name.endswith(ROOT_SUFFIX))
    return [g for g in (local, *machines.values(), remote) if g.connections or g.machine_name]


MACHINE_COLORS = {"running": dots.GREEN, "starting": dots.AMBER, "stopped": dots.GREY}


def state_icon(color: str) -> QIcon:
    """A state dot that keeps its colour on a disabled (heading) entry."""
    icon = QIcon()
    pixmap = dots.dot(color).pixmap(12, 12)
    icon.addPixmap(pixmap, QIcon.Mode.Normal)
    icon.addPixmap(pixmap, QIcon.Mode.Disabled)
    return icon


def heading(menu: QMenu, text: str, color: str = "") -> QAction:
    """A bold, inert line that names what follows."""
    action = menu.addAction(text)
    action.setEnabled(False)
    font = QFont(action.font())
    font.setBold(True)
    action.setFont(font)
    if color:
        action.setIcon(state_icon(color))
    return action


def connection_label(connection: Connection) -> str:
    if connection.is_machine:
        return f"{connection.name}  ({'rootful' if connection.rootful else 'rootless'})"
    if connection.is_ssh:
        return f"{connection.name}  ({connection.describe()})"
    return connection.name


class MachineSwitcher(QObject):
    """Builds the switcher's entries from the manager's and the controller's state.

    Signals:
        add_remote_requested(), manage_requested(): the two entries at the end.
        message(str): something the user should read (a busy controller…).
        switching(str): a switch to the named connection began.
    """

    add_remote_requested = Signal()
    manage_requested = Signal()
    message = Signal(str)
    switching = Signal(str)

    def __init__(
        self,
        manager: ConnectionManager,
        controller: MachineController,
        spawn: Spawn,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.manager = manager
        self.controller = controller
        self.spawn = spawn

    def fill(self, menu: QMenu) -> None:
        """Add every group to ``menu`` (which the caller has cleared)."""
        session = self.manager.session
        active = session.connection if session is not None else None
        listing = self.controller.listing
        connections = list(self.manager.discovery.connections)
        if active is not None and active not in connections:
            connections.insert(0, active)
        group_actions = QActionGroup(menu)
        group_actions.setExclusive(True)
        for group in group_connections(connections, listing):
            self._header(menu, group)
            for connection in group.connections:
                action = menu.addAction(connection_label(connection))
                action.setObjectName(f"switch:{connection.name}")
                action.setCheckable(True)
                action.setActionGroup(group_actions)
                is_active = connection == active
                action.setChecked(is_active)
                if is_active:
                    action.setText(f"{action.text()}\t{session.state.label}")
                action.setToolTip(connection.describe())
                action.triggered.connect(lambda _=False, c=connection: self._switch(c))
                if is_active and self.manager.upstream_needs_retry():
                    self._retry_action(menu, session.reason)
            if group.machine_name:
                self._machine_actions(menu, group)
        self._listing_note(menu, listing)
        menu.addSeparator()
        add = menu.addAction("Add Remote Connection…", self.add_remote_requested.emit)
        add.setObjectName("addRemote")
        manage = menu.addAction("Manage Machines…", self.manage_requested.emit)
        manage.setObjectName("manageMachines")

    def _header(self, menu: QMenu, group: ConnectionGroup) -> None:
        menu.addSeparator()
        state, color = "", ""
        if group.machine is not None:
            state = group.machine.state.capitalize()
            color = MACHINE_COLORS.get(group.machine.state, dots.GREY)
            busy_action, busy_name = self.controller.current
            if busy_name == group.machine_name and busy_action in ("start", "stop", "restart"):
                state = {"start": "Starting…", "stop": "Stopping…"}.get(busy_action, "Restarting…")
                color = dots.AMBER
        header = heading(menu, f"{group.title}\t{state}" if state else group.title, color)
        header.setObjectName(f"group:{group.title}")

    def _retry_action(self, menu: QMenu, reason: str) -> None:
        # The SSH of the active connection was refused (host key, passphrase, login):
        # nothing retries it until the user asks.
        retry = menu.addAction("Retry SSH Connection")
        retry.setObjectName("retryUpstream")
        retry.setToolTip(reason or "Reach the connection's SSH server again")
        retry.triggered.connect(self.manager.retry_upstream)

    def _machine_actions(self, menu: QMenu, group: ConnectionGroup) -> None:
        machine, name = group.machine, group.machine_name
        busy = self.controller.busy
        if machine is None:
            return
        if machine.running or machine.starting:
            action = menu.addAction(f"Stop {name}")
            action.triggered.connect(lambda _=False, n=name: self._run("stop", n))
        else:
            action = menu.addAction(f"Start {name}")
            action.triggered.connect(lambda _=False, n=name: self._run("start", n))
        action.setObjectName(f"{action.text().split()[0].lower()}:{name}")
        action.setEnabled(not busy)

    def _listing_note(self, menu: QMenu, listing: MachineListing | None) -> None:
        # Only a problem worth a line: root refusal and a missing subcommand are normal.
        if listing is not None and listing.availability is MachineAvailability.ERROR:
            note = menu.addAction(f"Machines: {listing.message[:60]}")
            note.setEnabled(False)

    def _switch(self, connection: Connection) -> None:
        machine = self.controller.machine(machine_name_of(connection))
        if connection.is_machine and machine is not None and machine.state == "stopped":
            # A stopped machine is started first, and switched to once it runs.
            self._start_then_switch(machine.name, connection)
            return
        self.switching.emit(connection.name)
        self.spawn(self.manager.switch_to(connection))

    def _start_then_switch(self, name: str, connection: Connection) -> None:
        if not self.controller.start(name):
            self.message.emit(f"Could not start {name}: another machine command is running.")
            return

        def on_finished(action: str, target: str, ok: bool, _message: str) -> None:
            if (action, target) != ("start", name):
                return
            self.controller.finished.disconnect(on_finished)
            if ok:
                self.spawn(self.manager.switch_to(connection))

        self.controller.finished.connect(on_finished)

    def _run(self, action: str, name: str) -> None:
        started = getattr(self.controller, action)(name)
        if not started:
            self.message.emit(f"Could not {action} {name}: another machine command is running.")


class MachineMenu(QMenu):
    """The switcher as a menu of its own (the menu bar's Connection menu, the toolbar
    button's menu), with the app's own entries about the connection after it.

    Re-reads ``podman machine list`` each time it opens and rebuilds when that answers.
    """

    def __init__(self, switcher: MachineSwitcher, parent: QWidget | None = None) -> None:
        super().__init__("Connection", parent)
        self.setObjectName("machineMenu")
        self.switcher = switcher
        self._trailing: list[QAction] = []
        self.aboutToShow.connect(self.rebuild)
        self.aboutToShow.connect(self._refresh_machines)
        switcher.controller.listing_changed.connect(self._on_listing)

    def add_trailing(self, action: QAction) -> None:
        """Keep ``action`` at the end of the menu through every rebuild (give it a parent
        other than this menu: a rebuild deletes the actions the menu owns)."""
        self._trailing.append(action)

    def rebuild(self) -> None:
        self.clear()
        self.switcher.fill(self)
        if self._trailing:
            self.addSeparator()
            self.addActions(self._trailing)

    def _refresh_machines(self) -> None:
        self.switcher.spawn(self.switcher.controller.refresh())

    def _on_listing(self, _listing: MachineListing) -> None:
        if self.isVisible():
            self.rebuild()


def make_machine_menu(
    manager: ConnectionManager,
    controller: MachineController,
    spawn: Spawn,
    parent: QWidget | None = None,
) -> MachineMenu:
    """A switcher menu of its own (the menu bar's and the toolbar button's)."""
    return MachineMenu(MachineSwitcher(manager, controller, spawn), parent)
