"""The tray icon's menu, rebuilt each time it opens: the active connection, the machine
switcher, the running containers with their actions, and the app's own entries.

Signals (TrayMenu):
    show_window_requested(), settings_requested(), quit_requested(),
    pull_requested(): "Pull an Image…",
    show_all_requested(): "Show all…" under the containers,
    run_requested(): "Run a Container…",
    inspect_requested(str container_id), terminal_requested(str container_id)
A container's Stop and Restart run through the resource-actions controller, which
reports a refusal where every action's refusal goes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QWidget

from app.controllers.resource_actions import ResourceActions
from app.engine.dto import ContainerSummary
from app.models.connection_state import state_color
from app.models.container_model import port_urls
from app.ui.machine_menu import MachineSwitcher, heading

# Each container takes three to five lines of the flat menu: more would outgrow a screen.
MAX_CONTAINERS = 8


def running_containers(session: Any) -> list[ContainerSummary]:
    """The session's running containers, pods' infra containers left out, by name."""
    if session is None:
        return []
    items = session.items("containers").values()
    running = [c for c in items if c.state == "running" and not c.is_infra]
    return sorted(running, key=lambda c: c.name.lower())


class TrayMenu(QMenu):
    show_window_requested = Signal()
    settings_requested = Signal()
    pull_requested = Signal()
    quit_requested = Signal()
    show_all_requested = Signal()
    run_requested = Signal()
    inspect_requested = Signal(str)
    terminal_requested = Signal(str)

    def __init__(
        self,
        switcher: MachineSwitcher,
        actions: ResourceActions,
        inspect_available: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trayMenu")
        self.switcher = switcher
        self.resource_actions = actions
        self.manager = switcher.manager
        self.inspect_available = inspect_available
        self.aboutToShow.connect(self.rebuild)
        self.aboutToShow.connect(lambda: switcher.spawn(switcher.controller.refresh()))
        switcher.controller.listing_changed.connect(self._on_listing)
        self.rebuild()

    def _on_listing(self, _listing: Any) -> None:
        if self.isVisible():
            self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        session = self.manager.session
        self._header(session)
        self.switcher.fill(self)
        self.addSeparator()
        self._containers(session)
        run = self.addAction("Run a Container…", self.run_requested.emit)
        run.setObjectName("runContainer")
        run.setEnabled(session is not None and session.state.can_act())
        self.addSeparator()
        # Named for what it does: there is no "dashboard", only the main window. (A signal
        # is handed over by its emit: PySide6 does not call a signal given as the slot.)
        pull = self.addAction("Pull an Image…", self.pull_requested.emit)
        pull.setObjectName("pullImage")
        pull.setEnabled(session is not None)
        show = self.addAction("Show Window", self.show_window_requested.emit)
        show.setObjectName("showWindow")
        self.addAction("Settings…", self.settings_requested.emit).setObjectName("settings")
        self.addAction("Quit", self.quit_requested.emit).setObjectName("quit")

    def _header(self, session: Any) -> None:
        if session is None:
            text, color = "No connection", state_color(None)
        else:
            text = f"{session.connection.name} — {session.state.label}"
            color = state_color(session.state)
        header = heading(self, text, color)
        header.setObjectName("activeConnection")
        if session is not None and session.reason:
            header.setToolTip(session.reason)

    def _containers(self, session: Any) -> None:
        running = running_containers(session)
        can_act = session is not None and session.state.can_act()
        menu = self.addMenu(f"Running Containers ({len(running)})")
        menu.setObjectName("runningContainers")
        menu.menuAction().setObjectName("runningContainersAction")
        menu.setEnabled(bool(running))
        host = session.connection.port_host if session is not None else "localhost"
        acts = self.resource_actions
        # Flat, two levels deep: a third level opens over its parent on some desktops,
        # so each container's actions sit in this menu, named, one group per container.
        for n, container in enumerate(running[:MAX_CONTAINERS]):
            if n:
                menu.addSeparator()
            name = container.name
            if self.inspect_available:
                inspect = menu.addAction(
                    f"Inspect {name}", lambda c=container: self.inspect_requested.emit(c.id)
                )
                inspect.setObjectName(f"inspect:{name}")
                terminal = menu.addAction(
                    f"Open Terminal in {name}",
                    lambda c=container: self.terminal_requested.emit(c.id),
                )
                terminal.setObjectName(f"terminal:{name}")
            stop = menu.addAction(
                f"Stop {name}", lambda c=container: self._act(session, acts.stop_containers, c)
            )
            stop.setObjectName(f"stop:{name}")
            restart = menu.addAction(
                f"Restart {name}",
                lambda c=container: self._act(session, acts.restart_containers, c),
            )
            restart.setObjectName(f"restart:{name}")
            stop.setEnabled(can_act)
            restart.setEnabled(can_act)
            for url in port_urls(container, host):
                menu.addAction(f"Open {url}", lambda u=url: QDesktopServices.openUrl(QUrl(u)))
        if len(running) > MAX_CONTAINERS:
            menu.addSeparator()
            more = menu.addAction(f"Show All {len(running)}…", self.show_all_requested.emit)
            more.setObjectName("showAll")

    def _act(self, session: Any, action: Any, container: ContainerSummary) -> None:
        """Run a container action of the controller (``actions.stop_containers``)."""
        if session is not self.manager.session:
            return  # the connection changed while the menu was open
        action([container.id])
