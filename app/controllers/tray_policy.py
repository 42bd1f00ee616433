"""What the app decides around its tray icon and machine switcher: whether closing the
window hides it to the tray, whether the window shows at start, starting the default
machine at launch, and what the user is told when a switch or a machine command fails.

With no system tray the window stays a normal window: closing it quits, and
``--minimized`` still shows it (there would be no way back otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine

from PySide6.QtCore import QObject, Signal

from app import APP_NAME
from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.settings import Settings
from app.engine.connection import machine_name_of

# Machine commands after which Podman's connection list may read differently.
CHANGES_CONNECTIONS = ("default", "add-connection", "remove-connection", "init", "remove")


class TrayPolicy(QObject):
    """Signals:
    message(str level, str text): a line for the window's message bar ("info",
        "warning", "error").
    notification(str title, str text, bool error): for the tray icon's balloon.
    """

    message = Signal(str, str)
    notification = Signal(str, str, bool)

    def __init__(
        self,
        settings: Settings,
        manager: ConnectionManager,
        machines: MachineController,
        spawn: Callable[[Coroutine], object],
        window_visible: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings, self.manager, self.machines = settings, manager, machines
        self._spawn = spawn
        self._window_visible = window_visible
        manager.switch_failed.connect(self._on_switch_failed)
        machines.finished.connect(self._on_machine_finished)

    # -- the window and the tray ----------------------------------------------------------

    def hides_on_close(self, in_tray: bool) -> bool:
        """Closing the window keeps the app in the tray, when there is one and the user
        wants it."""
        return in_tray and self.settings.close_to_tray

    def shows_window_at_start(self, minimized: bool, in_tray: bool) -> bool:
        return not minimized or not in_tray

    def hidden_to_tray(self) -> None:
        """The window went to the tray: say so the first time, never again."""
        if self.settings.tray_notice_shown:
            return
        self.settings.tray_notice_shown = True
        self.notification.emit(
            f"{APP_NAME} is still running",
            "It keeps running in the tray. Quit it from the tray menu; "
            "Settings → General turns this off.",
            False,
        )

    # -- machines -------------------------------------------------------------------------

    def start(self) -> None:
        """At launch: start the default machine when Settings ask for it."""
        if self.settings.start_default_machine:
            self._spawn(self.start_default_machine())

    async def start_default_machine(self) -> str:
        """Start Podman's default machine (else the first one) unless it runs; returns the
        name of the machine started ("" when none was)."""
        listing = await self.machines.refresh()
        default = next((m for m in listing.machines if m.default), None)
        if default is None and listing.machines:
            default = listing.machines[0]
        if default is None or default.running or default.starting:
            return ""
        return default.name if self.machines.start(default.name) else ""

    def start_active_machine(self) -> None:
        """Start the machine the active connection belongs to (the never-connected page's
        "Start machine"); once it runs, the connection is tried at once."""
        session = self.manager.session
        if session is None or not session.connection.is_machine:
            return
        name = machine_name_of(session.connection)
        if self.machines.busy:
            self.message.emit("warning", f"Cannot start {name} yet: another machine command runs.")
        elif self.machines.start(name):
            self.message.emit("info", f"Starting {name}…")

    # -- what the user is told ------------------------------------------------------------

    def switching(self, name: str) -> None:
        """A switcher began a switch to ``name``."""
        self.message.emit("info", f"Switching to {name}…")

    def _on_switch_failed(self, name: str, reason: str) -> None:
        session = self.manager.session
        still = f"; still on {session.connection.name}" if session is not None else ""
        self.message.emit("error", f"Could not switch to {name}: {reason}{still}.")
        if not self._window_visible():
            self.notification.emit(f"Could not switch to {name}", reason, True)

    def _on_machine_finished(self, action: str, name: str, ok: bool, message: str) -> None:
        if not ok and message != "cancelled":
            self.message.emit("error", f"podman machine {action} {name}: {message}")
        if ok and action in ("start", "restart") and self._is_active_machine(name):
            # Its service answers now: no need to wait for the next automatic attempt.
            self.manager.retry_connection()
        self._spawn(self.machines.refresh())
        if action in CHANGES_CONNECTIONS:
            self._spawn(self.manager.refresh_discovery())

    def _is_active_machine(self, name: str) -> bool:
        session = self.manager.session
        if session is None or not session.connection.is_machine:
            return False
        return machine_name_of(session.connection) == name
