"""The tray icon: shows at a glance whether Podman is up, names the connection and counts
its running containers; a left click shows or hides the main window.

Signals (Tray):
    toggle_window_requested(): the icon was clicked.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QSystemTrayIcon, QToolButton

from app import APP_NAME
from app.models.connection_state import ConnectionState
from app.ui.tray_menu import TrayMenu, running_containers


class TrayState(Enum):
    RUNNING = "running"
    STARTING = "starting"  # connecting, or the active machine starting or stopping
    STOPPED = "stopped"  # no connection
    ERROR = "error"

    @property
    def color(self) -> str:
        return {
            TrayState.RUNNING: "#2ea043",
            TrayState.STARTING: "#d29922",
            TrayState.STOPPED: "#8b949e",
            TrayState.ERROR: "#d1453b",
        }[self]


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
    """A container glyph (three stacked boxes) with a status dot, drawn at each size."""
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        icon.addPixmap(_draw(state, size))
    return icon


def _draw(state: TrayState, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 32.0
    body = QColor("#892ca0") if state is not TrayState.STOPPED else QColor("#6e7681")
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(body)
    p.drawRoundedRect(QRectF(2 * s, 4 * s, 24 * s, 22 * s), 4 * s, 4 * s)
    p.setPen(QPen(QColor("#ffffff"), max(1.0, 2 * s)))
    for y in (11, 17):  # the boxes' seams
        p.drawLine(QPointF(6 * s, y * s), QPointF(22 * s, y * s))
    dot = QPainterPath()
    dot.addEllipse(QPointF(24 * s, 24 * s), 7 * s, 7 * s)
    p.setPen(QPen(QColor("#ffffff"), max(1.0, 1.5 * s)))
    p.setBrush(QColor(state.color))
    p.drawPath(dot)
    p.end()
    return pixmap


class Tray(QObject):
    toggle_window_requested = Signal()

    def __init__(self, manager: Any, controller: Any, menu: TrayMenu, parent=None) -> None:
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

    def _follow(self, session: Any) -> None:
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

    def update(self, *_args: Any) -> None:
        session = self.manager.session
        state = session.state if session is not None else None
        self.state = tray_state(state, self._active_machine_busy(session))
        self.icon.setIcon(tray_icon(self.state))
        self.icon.setToolTip(self.tooltip())

    def _active_machine_busy(self, session: Any) -> bool:
        action, name = self.controller.current
        if session is None or action not in ("start", "stop", "restart"):
            return False
        return session.connection.name.removesuffix("-root") == name

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


class TrayLauncher(QObject):
    """Wires the tray, the machine switcher, machine management and notifications into
    the app: what ``Application`` owns of issue 5, in one object.

    With no system tray the window stays a normal window: closing it quits, and
    ``--minimized`` still shows it (there would be no way back otherwise).
    """

    def __init__(
        self,
        settings: Any,
        manager: Any,
        window: Any,
        spawn: Any,
        show_settings: Any,
        quit_app: Any,
        parent: QObject | None = None,
    ) -> None:
        from app.controllers.machine_controller import MachineController
        from app.ui.machine_menu import MachineMenu, MachineSwitcher
        from app.ui.notifications import Notifier

        super().__init__(parent)
        self.settings, self.manager, self.window, self.spawn = settings, manager, window, spawn
        self.controller = MachineController(manager.cli, self)
        self.switcher = MachineSwitcher(manager, self.controller, spawn, self)
        self.switcher.add_remote_requested.connect(self.add_remote)
        self.switcher.manage_requested.connect(self.manage_machines)
        self.switcher.message.connect(lambda text: self._post("warning", text))
        self.switcher.switching.connect(self._on_switching)
        # Inspect goes where the window's own Inspect goes (the container inspector).
        self.menu = TrayMenu(self.switcher, window.resource_actions, inspect_available=True)
        self.menu.inspect_requested.connect(window.inspect_requested)
        machines = window.views.get("machines") if hasattr(window, "views") else None
        if machines is not None:
            machines.use_controller(self.controller)
            machines.manage_requested.connect(self.manage_machines)
            machines.add_remote_requested.connect(self.add_remote)
        self.menu.dashboard_requested.connect(self.show_window)
        self.menu.settings_requested.connect(show_settings)
        self.menu.quit_requested.connect(quit_app)
        self.menu.show_all_requested.connect(self._show_all_containers)
        self.tray: Tray | None = None
        if Tray.available():
            self.tray = Tray(manager, self.controller, self.menu, self)
            self.tray.toggle_window_requested.connect(self.toggle_window)
        self.notifier = Notifier(settings, manager, self.controller, self._notify, self)
        manager.switch_failed.connect(self._on_switch_failed)
        self.controller.finished.connect(self._on_machine_finished)
        # The window's own menu bar gets the switcher too (its toolbar: see MachineMenu).
        self.window_menu = MachineMenu(
            MachineSwitcher(manager, self.controller, spawn, self), window
        )
        self.window_menu.setTitle("&Connection")
        self.window_menu.switcher.add_remote_requested.connect(self.add_remote)
        self.window_menu.switcher.manage_requested.connect(self.manage_machines)
        self.window_menu.switcher.switching.connect(self._on_switching)
        window.menuBar().insertMenu(window.menuBar().actions()[-1], self.window_menu)
        self._add_toolbar_switcher(window, manager, spawn)
        window.installEventFilter(self)
        self._manage_dialog = None

    @property
    def in_tray(self) -> bool:
        return self.tray is not None and self.tray.icon.isVisible()

    def start(self, minimized: bool) -> None:
        if self.tray is not None:
            self.tray.show()
        if not minimized or not self.in_tray:
            self.window.show()
        if self.settings.start_default_machine:
            self.spawn(self._start_default_machine())

    async def _start_default_machine(self) -> None:
        listing = await self.controller.refresh()
        default = next((m for m in listing.machines if m.default), None)
        if default is None and listing.machines:
            default = listing.machines[0]
        if default is not None and not (default.running or default.starting):
            self.controller.start(default.name)

    def shutdown(self) -> None:
        self.controller.shutdown()
        if self.tray is not None:
            self.tray.hide()

    # -- the window ---------------------------------------------------------------------

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def _add_toolbar_switcher(self, window: Any, manager: Any, spawn: Any) -> None:
        """The switcher as a toolbar button named after the active connection."""
        from app.ui.machine_menu import MachineMenu, MachineSwitcher, toolbar_action

        menu = MachineMenu(MachineSwitcher(manager, self.controller, spawn, self), window)
        menu.switcher.add_remote_requested.connect(self.add_remote)
        menu.switcher.manage_requested.connect(self.manage_machines)
        menu.switcher.switching.connect(self._on_switching)
        button = QToolButton(window)
        button.setObjectName("connectionButton")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setDefaultAction(toolbar_action(menu))
        button.setToolTip("Switch connection or machine")
        toolbar = window.addToolBar("Connection")
        toolbar.setObjectName("connectionToolbar")
        toolbar.setMovable(False)
        label = QLabel(" Connection: ", window)
        label.setBuddy(button)
        toolbar.addWidget(label)
        toolbar.addWidget(button)
        self.toolbar_menu = menu

    def _show_all_containers(self) -> None:
        self.show_window()
        self.window.show_page("containers")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Closing the window keeps the app in the tray, when there is one and the user wants it.
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and self.in_tray
            and self.settings.close_to_tray
        ):
            event.ignore()
            self.window.save_layout()
            self.window.hide()
            if not self.settings.tray_notice_shown:
                self.settings.tray_notice_shown = True
                self.tray.notify(
                    f"{APP_NAME} is still running",
                    "It keeps running in the tray. Quit it from the tray menu; "
                    "Settings → General turns this off.",
                )
            return True
        return False

    # -- dialogs and messages -----------------------------------------------------------

    def add_remote(self) -> None:
        from app.ui.remote_connection_dialog import RemoteConnectionDialog

        dialog = RemoteConnectionDialog(self.manager.cli, self.spawn, self.window)
        dialog.added.connect(lambda name, _warning: self.spawn(self.manager.refresh_discovery()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def manage_machines(self) -> None:
        from app.ui.machine_actions import ManageMachinesDialog

        if self._manage_dialog is None:
            self._manage_dialog = ManageMachinesDialog(
                self.manager, self.controller, self.spawn, self.add_remote, self.window
            )
        self._manage_dialog.show()
        self._manage_dialog.raise_()
        self.spawn(self.controller.refresh())

    def _post(self, level: str, text: str) -> None:
        self.window.message_bar.post(level, text)

    def _notify(self, title: str, text: str, error: bool) -> None:
        if self.tray is not None:
            self.tray.notify(title, text, error)

    def _on_switching(self, name: str) -> None:
        self._post("info", f"Switching to {name}…")

    def _on_switch_failed(self, name: str, reason: str) -> None:
        session = self.manager.session
        still = f"; still on {session.connection.name}" if session is not None else ""
        self._post("error", f"Could not switch to {name}: {reason}{still}.")
        if not self.window.isVisible():
            self._notify(f"Could not switch to {name}", reason, True)

    def _on_machine_finished(self, action: str, name: str, ok: bool, message: str) -> None:
        if not ok and message != "cancelled":
            self._post("error", f"podman machine {action} {name}: {message}")
        self.spawn(self.controller.refresh())
        if action in ("default", "add-connection", "remove-connection", "init", "remove"):
            self.spawn(self.manager.refresh_discovery())
