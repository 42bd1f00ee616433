"""Startup wiring for the GUI: logging, one instance, the event loop, the window.

Each part lives in its own module; this file only connects them.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from typing import Any

from PySide6.QtCore import QSocketNotifier, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_ID, APP_NAME, __version__
from app.controllers.connection_manager import ConnectionManager
from app.controllers.crash import CrashHandler
from app.controllers.inspector_manager import InspectorManager
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.controllers.single_instance import InstanceServer, send_to_running
from app.support import log, paths
from app.support.concurrency import TaskSet
from app.support.display import missing_display
from app.support.responsiveness import prepare_qt_environment, tune_for_gui
from app.ui import theme
from app.ui.docker_socket_panel import DockerSocketPanel
from app.ui.docker_socket_section import DockerSocketSection
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.main_window import MainWindow
from app.ui.proxy_prompts import DialogPrompts
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray import TrayLauncher
from app.ui.tray_settings_section import TraySettingsSection

_log = log.get("app")


class Application:
    """Owns the long-lived objects of one GUI run."""

    def __init__(self, qapp: QApplication, log_file: str) -> None:
        self.qapp = qapp
        self.settings = Settings()
        theme.apply(self.settings.theme)
        self.prompts = DialogPrompts(lambda: self.window)
        self.manager = ConnectionManager(self.settings, self.prompts)
        self.resource_actions = ResourceActions(lambda: self.manager.session)
        self.window = MainWindow(self.settings, self.resource_actions)
        self.crash = CrashHandler(log_file, self._show_crash)
        self.instance = InstanceServer()
        self.tasks = TaskSet("app", _log)
        self._quit = asyncio.get_event_loop().create_future()
        self._wire()

    def _wire(self) -> None:
        m, w = self.manager, self.window
        m.session_changed.connect(w.set_session)
        m.notice_changed.connect(w.show_notice)
        w.notice_action.connect(self._on_notice_action)
        w.settings_requested.connect(self.show_settings)
        w.quit_requested.connect(self.quit)
        w.about_requested.connect(self._about)
        w.log_requested.connect(self._open_log)
        self.inspectors = InspectorManager(
            m, lambda session, ref: ContainerInspector(session, ref, self.resource_actions)
        )
        w.inspect_requested.connect(self.inspectors.open)
        self.instance.request_received.connect(self._on_request)
        tools = self.window.menuBar().addMenu("&Tools")
        tools.addAction("&Docker-compatible Socket…", self.show_docker_socket)
        self._docker_panel: DockerSocketPanel | None = None
        # The tray, the machine switcher and machine management (issue 5).
        self.launcher = TrayLauncher(
            self.settings, m, w, self.spawn, self.show_settings, self.quit, parent=w
        )

    def spawn(self, coro: Any) -> None:
        self.tasks.spawn(coro)

    def start(self, connection: str, minimized: bool, inspect: str = "") -> None:
        if inspect:
            self.inspectors.open_on_next_session(inspect)
        self.crash.install()
        asyncio.get_event_loop().set_exception_handler(self.crash.asyncio_handler)
        self.instance.listen()
        self.launcher.start(minimized)  # shows the window unless it starts in the tray
        self.spawn(self.manager.open_initial(connection))
        tune_for_gui()

    async def run_until_quit(self) -> None:
        await self._quit

    def quit(self) -> None:
        if not self._quit.done():
            self._quit.set_result(None)

    def shutdown(self) -> None:
        self.inspectors.close_all()
        self.launcher.shutdown()
        self.manager.shutdown()
        self.instance.close()
        self.settings.sync()
        self.crash.uninstall()

    # -- requests ------------------------------------------------------------------------

    def _on_request(self, request: dict) -> None:
        """A later launch: raise the window, and switch if it named a connection."""
        _log.info("request from another launch: %s", request)
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        connection = request.get("connection") or ""
        inspect = request.get("inspect") or ""
        if connection and connection != self.manager.requested:
            if inspect:
                self.inspectors.open_on_next_session(inspect)
            self.spawn(self.manager.open_initial(connection))
        elif inspect:
            self.inspectors.open(inspect)

    def _on_notice_action(self, action: str) -> None:
        if action == "settings":
            self.show_settings()
        else:
            self.spawn(self.manager.act(action))

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.window)
        dialog.add_section(DockerSocketSection(dialog))
        dialog.add_section(TraySettingsSection(dialog, self.launcher.tray is not None))
        if dialog.exec():
            theme.apply(self.settings.theme)
            self.spawn(self.manager.open_initial(self.manager.requested))

    def show_docker_socket(self) -> None:
        if self._docker_panel is None:
            self._docker_panel = DockerSocketPanel(self.manager, self.window)
        self._docker_panel.show()
        self._docker_panel.raise_()

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


def _install_sigint(qapp: QApplication, on_interrupt: Any) -> None:
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
    if send_to_running({"connection": connection, **({"inspect": inspect} if inspect else {})}):
        print(f"{APP_NAME} is already running; it was brought to the front.", file=sys.stderr)
        return 0
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
