"""Startup wiring for the GUI: logging, one instance, the event loop, the window.

Each part lives in its own module; this file only connects them.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import Callable, Coroutine

from PySide6.QtCore import QSocketNotifier, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_ID, APP_NAME, __version__
from app.controllers.connection_manager import ConnectionManager
from app.controllers.crash import CrashHandler
from app.controllers.inspector_manager import InspectorManager
from app.controllers.launch_requests import LaunchRequests
from app.controllers.machine_controller import MachineController
from app.controllers.notifications import Notifier
from app.controllers.operations import Operations
from app.controllers.remote_connection import RemoteConnectionController
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.controllers.single_instance import InstanceServer
from app.controllers.tray_policy import TrayPolicy
from app.support import log, paths
from app.support.concurrency import SUBPROCESS_WORKERS, Pool, TaskSet
from app.support.display import missing_display
from app.support.responsiveness import prepare_qt_environment, tune_for_gui
from app.ui import accessibility, theme
from app.ui.connection_button import add_connection_toolbar
from app.ui.docker_socket_panel import DockerSocketPanel
from app.ui.docker_socket_section import DockerSocketSection
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.machine_actions import ManageMachinesDialog
from app.ui.machine_menu import MachineMenu, MachineSwitcher
from app.ui.main_window import MainWindow
from app.ui.proxy_prompts import DialogPrompts
from app.ui.remote_connection_dialog import RemoteConnectionDialog
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray import Tray
from app.ui.tray_menu import TrayMenu
from app.ui.tray_settings_section import TraySettingsSection
from app.ui.window_in_tray import WindowInTray

_log = log.get("app")


class Application:
    """Owns the long-lived objects of one GUI run, and is the one place that builds and
    connects them: controllers first, then the views they are given."""

    def __init__(self, qapp: QApplication, log_file: str, settings: Settings | None = None) -> None:
        self.qapp = qapp
        self.settings = settings or Settings()
        theme.apply(self.settings.theme)
        self.tasks = TaskSet("app", _log)
        self.cli_pool = Pool("cli", SUBPROCESS_WORKERS)
        self.prompts = DialogPrompts(lambda: self.window)
        self.manager = ConnectionManager(self.settings, self.prompts)
        self.machines = MachineController(self.manager.cli)
        self.remotes = RemoteConnectionController(self.manager.cli, self.cli_pool)
        self.resource_actions = ResourceActions(lambda: self.manager.session)
        # Pulls, pushes, builds and copies: listed in one place, cancelled at exit.
        self.operations = Operations()
        self.window = MainWindow(self.settings, self.resource_actions)
        self.tray_policy = TrayPolicy(
            self.settings, self.manager, self.machines, self.spawn, self.window.isVisible
        )
        self.crash = CrashHandler(log_file, self._show_crash)
        self.instance = InstanceServer()
        self._quit = asyncio.get_event_loop().create_future()
        self._docker_panel: DockerSocketPanel | None = None
        self._manage_dialog: ManageMachinesDialog | None = None
        self._wire_window()
        self._wire_machines()
        self._wire_tray()
        accessibility.finish_window(self.window)  # again: the menus and toolbar added here

    def _wire_window(self) -> None:
        m, w = self.manager, self.window
        m.session_changed.connect(w.set_session)
        m.notice_changed.connect(w.show_notice)
        w.notice_action.connect(self._on_notice_action)
        w.connection_status.retry_requested.connect(m.retry_upstream)
        w.settings_requested.connect(self.show_settings)
        w.quit_requested.connect(self.quit)
        w.about_requested.connect(self._about)
        w.log_requested.connect(self._open_log)
        self.inspectors = InspectorManager(
            m,
            lambda session, ref: ContainerInspector(
                session, ref, self.resource_actions, operations=self.operations
            ),
        )
        w.inspect_requested.connect(self.inspectors.open)
        self.launches = LaunchRequests(
            m, self.inspectors, lambda: self.window_in_tray.show_window(), self.spawn
        )
        self.instance.request_received.connect(self.launches.handle)

    def _wire_machines(self) -> None:
        """The Machines page, the switcher in the menu bar and the toolbar, the dialogs."""
        w = self.window
        machines_page = w.views["machines"]
        machines_page.use_controller(self.machines)
        machines_page.manage_requested.connect(self.manage_machines)
        machines_page.add_remote_requested.connect(self.add_remote)
        self.remotes.added.connect(lambda _n, _w: self.spawn(self.manager.refresh_discovery()))
        self.tray_policy.message.connect(w.post_message)
        self.connection_menu = MachineMenu(self._switcher(), w)
        self.connection_menu.setTitle("&Connection")
        # The Docker socket serves the active connection, so it sits with the connections
        # (a Tools menu of one entry is a menu nobody opens).
        docker = QAction("&Docker-compatible Socket…", w)
        docker.setObjectName("dockerSocket")
        docker.setToolTip("Where docker and docker compose reach the active connection")
        docker.triggered.connect(self.show_docker_socket)
        self.connection_menu.add_trailing(docker)
        w.add_menu(self.connection_menu)  # before Help, which stays last
        self.toolbar_menu = MachineMenu(self._switcher(), w)
        self.connection_button = add_connection_toolbar(w, self.manager, self.toolbar_menu)
        w.set_connection_menu(MachineMenu(self._switcher(), w))

    def _wire_tray(self) -> None:
        """The tray icon and its menu (when the desktop has a tray) and notifications."""
        self.tray_menu = TrayMenu(self._switcher(), self.resource_actions, inspect_available=True)
        self.tray = Tray(self.manager, self.machines, self.tray_menu) if Tray.available() else None
        self.window_in_tray = WindowInTray(self.window, self.tray, self.tray_policy)
        menu = self.tray_menu
        menu.inspect_requested.connect(self.window.inspect_requested)
        menu.show_window_requested.connect(self.window_in_tray.show_window)
        menu.settings_requested.connect(self.show_settings)
        menu.quit_requested.connect(self.quit)
        menu.show_all_requested.connect(lambda: self.window_in_tray.show_page("containers"))
        self.tray_policy.notification.connect(self._notify)
        self.notifier = Notifier(self.settings, self.manager, self.machines, self._notify)

    def _switcher(self) -> MachineSwitcher:
        """One machine switcher (the tray menu, the menu bar and the toolbar have one each)."""
        switcher = MachineSwitcher(self.manager, self.machines, self.spawn, self.window)
        switcher.add_remote_requested.connect(self.add_remote)
        switcher.manage_requested.connect(self.manage_machines)
        switcher.switching.connect(self.tray_policy.switching)
        switcher.message.connect(lambda text: self.window.post_message("warning", text))
        return switcher

    def spawn(self, coro: Coroutine) -> asyncio.Future:
        return self.tasks.spawn(coro)

    def start(self, connection: str, minimized: bool, inspect: str = "") -> None:
        if inspect:
            self.inspectors.open_on_next_session(inspect)
        self.crash.install()
        asyncio.get_event_loop().set_exception_handler(self.crash.asyncio_handler)
        self.instance.listen()
        self.window_in_tray.start(minimized)  # shows the window unless it starts in the tray
        self.tray_policy.start()
        self.spawn(self.manager.open_initial(connection))
        tune_for_gui()

    async def run_until_quit(self) -> None:
        await self._quit

    def quit(self) -> None:
        if not self._quit.done():
            self._quit.set_result(None)

    def shutdown(self) -> None:
        self.inspectors.close_all()
        self.machines.shutdown()
        if self.tray is not None:
            self.tray.hide()
        self.operations.close()
        self.manager.shutdown()
        self.cli_pool.shutdown()
        self.instance.close()
        self.launches.shutdown()
        self.settings.sync()
        self.crash.uninstall()

    def _on_notice_action(self, action: str) -> None:
        if action == "settings":
            self.show_settings()
        elif action == "start-machine":
            self.tray_policy.start_active_machine()
        else:
            self.spawn(self.manager.act(action))

    def settings_dialog(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self.window)
        dialog.add_section(DockerSocketSection(dialog))
        dialog.add_section(TraySettingsSection(dialog, self.tray is not None))
        return dialog

    def show_settings(self) -> None:
        dialog = self.settings_dialog()
        if dialog.exec():
            theme.apply(self.settings.theme)
            self.spawn(self.manager.open_initial(self.manager.requested))

    def show_docker_socket(self) -> None:
        if self._docker_panel is None:
            self._docker_panel = DockerSocketPanel(self.manager, self.window)
        self._docker_panel.show()
        self._docker_panel.raise_()

    def add_remote(self) -> None:
        dialog = RemoteConnectionDialog(self.remotes, self.spawn, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def manage_machines(self) -> None:
        if self._manage_dialog is None:
            self._manage_dialog = ManageMachinesDialog(
                self.manager, self.machines, self.remotes, self.spawn, self.window
            )
            self._manage_dialog.add_remote_requested.connect(self.add_remote)
        self._manage_dialog.show()
        self._manage_dialog.raise_()
        self.spawn(self.machines.refresh())

    def _notify(self, title: str, text: str, error: bool) -> None:
        if self.tray is not None:
            self.tray.notify(title, text, error)

    def _about(self) -> None:
        QMessageBox.about(
            self.window,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>A light, native companion for Podman.",
        )

    def _open_log(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_file())))

    def _show_crash(self, summary: str, log_file: str) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(f"{APP_NAME}: unexpected error")
        box.setText("Something went wrong inside the app. It keeps running.")
        box.setInformativeText(f"{summary}\n\nThe details are in the log file:\n{log_file}")
        box.setModal(False)
        box.show()


def _install_sigint(qapp: QApplication, on_interrupt: Callable[[], None]) -> None:
    """Ctrl+C in the terminal quits cleanly, with no polling timer (a wakeup fd instead)."""
    if sys.platform == "win32":
        signal.signal(signal.SIGINT, lambda *_: on_interrupt())
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, qapp)

    def drain() -> None:
        try:
            reader.recv(64)
        except OSError:
            pass
        on_interrupt()

    notifier.activated.connect(drain)
    qapp._pdc_signal_sockets = (reader, writer, notifier)  # keep them alive


def run_gui(
    connection: str = "", minimized: bool = False, debug: bool = False, inspect: str = ""
) -> int:
    log_file = log.setup(paths.log_file(), debug)
    problem = missing_display()
    if problem:
        print(f"{APP_ID}: {problem}", file=sys.stderr)
        return 1
    import qasync

    prepare_qt_environment()
    QApplication.setApplicationName(APP_ID)
    QApplication.setApplicationDisplayName(APP_NAME)
    QApplication.setDesktopFileName(APP_ID)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "app.svg")))
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    app = Application(qapp, str(log_file or paths.log_file()))
    _install_sigint(qapp, app.quit)
    qapp.aboutToQuit.connect(app.quit)
    _log.info("%s %s starting", APP_NAME, __version__)
    try:
        app.start(connection, minimized, inspect)
        loop.run_until_complete(app.run_until_quit())
    finally:
        app.shutdown()
        app.window.hide()
        loop.close()
    _log.info("exited")
    return 0
