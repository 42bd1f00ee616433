"""The tray icon: shows at a glance whether Podman is up, names the connection and counts
its running containers; a left click shows or hides the main window."""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from xml.etree import ElementTree

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from app import APP_NAME
from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.session import Session
from app.engine.connection import machine_name_of
from app.models.connection_state import ConnectionState, state_color
from app.support import resources
from app.ui import icons
from app.ui.tray_menu import TrayMenu, running_containers


class TrayState(Enum):
    RUNNING = "running"
    STARTING = "starting"  # connecting, or the active machine starting or stopping
    STOPPED = "stopped"  # no connection
    ERROR = "error"  # lost, never connected, unsupported or unavailable

    @property
    def color(self) -> str:
        """The colour the status bar gives the same state (one mapping for both)."""
        return state_color(_SHOWN_AS[self])


# The connection state whose colour each tray state wears.
_SHOWN_AS = {
    TrayState.RUNNING: ConnectionState.CONNECTED,
    TrayState.STARTING: ConnectionState.CONNECTING,
    TrayState.STOPPED: None,
    TrayState.ERROR: ConnectionState.LOST,
}


def tray_state(state: ConnectionState | None, machine_busy: bool = False) -> TrayState:
    if state is None:
        return TrayState.STOPPED
    if machine_busy or state is ConnectionState.CONNECTING:
        return TrayState.STARTING
    if state is ConnectionState.CONNECTED:
        return TrayState.RUNNING
    return TrayState.ERROR


@lru_cache(maxsize=8)
def tray_icon(state: TrayState) -> QIcon:
    """The app's own icon (app/resources/icons/app.svg, also the window's and About's), its
    dot in the state's colour and a little larger, so it reads at 16 pixels; greyed
    when there is no connection. One picture everywhere, only the dot changes."""
    return icons.from_svg(_state_svg(state), (16, 22, 24, 32, 48, 64))


def _state_svg(state: TrayState) -> bytes:
    ElementTree.register_namespace("", _SVG)
    root = ElementTree.fromstring(resources.icon_svg("app"))
    for element in root.iter():
        if element.get("id") == "state":
            element.set("fill", state.color)
            element.set("r", "12")
        elif element.get("id") == "body" and state is TrayState.STOPPED:
            element.set("fill", "#5a6270")
    return ElementTree.tostring(root)


_SVG = "http://www.w3.org/2000/svg"


class Tray(QObject):
    """The icon, its tooltip and its menu, following the active session and machine.

    Signals:
        toggle_window_requested(): the icon was clicked.
    """

    toggle_window_requested = Signal()

    def __init__(
        self,
        manager: ConnectionManager,
        controller: MachineController,
        menu: TrayMenu,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.manager = manager
        self.controller = controller
        self.menu = menu
        self.icon = QSystemTrayIcon(self)
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._on_activated)
        self._session = None
        self.state = TrayState.STOPPED
        manager.session_changed.connect(self._follow)
        controller.busy_changed.connect(lambda _busy: self.update())
        self._follow(manager.session)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def notify(self, title: str, text: str, error: bool = False) -> None:
        icons = QSystemTrayIcon.MessageIcon
        kind = icons.Warning if error else icons.Information
        self.icon.showMessage(title, text, kind, 8000)

    def _follow(self, session: Session | None) -> None:
        if self._session is not None:
            for signal in (self._session.state_changed, self._session.resources_changed):
                try:
                    signal.disconnect(self.update)
                except (RuntimeError, TypeError):
                    pass
        self._session = session
        if session is not None:
            session.state_changed.connect(self.update)
            session.resources_changed.connect(self.update)
        self.update()

    def update(self, *_args: object) -> None:
        session = self.manager.session
        state = session.state if session is not None else None
        self.state = tray_state(state, self._active_machine_busy(session))
        self.icon.setIcon(tray_icon(self.state))
        self.icon.setToolTip(self.tooltip())

    def _active_machine_busy(self, session: Session | None) -> bool:
        action, name = self.controller.current
        if session is None or action not in ("start", "stop", "restart"):
            return False
        return machine_name_of(session.connection) == name

    def tooltip(self) -> str:
        session = self.manager.session
        if session is None:
            return f"{APP_NAME}\nNo connection"
        count = len(running_containers(session))
        noun = "container" if count == 1 else "containers"
        state = f"{session.connection.name}: {session.state.label}"
        return f"{APP_NAME}\n{state}\n{count} running {noun}"

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window_requested.emit()
