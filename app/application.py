"""Startup wiring for the GUI: logging, one instance, the event loop, the window.

Each part lives in its own module; this file only connects them.
"""

from __future__ import annotations

import asyncio
import html
import signal
import socket
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING

from PySide6.QtCore import QSocketNotifier, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton

from app import APP_ID, APP_NAME, __version__
from app.controllers.autostart import Autostart
from app.controllers.cleanup import Cleanup
from app.controllers.connection_manager import ConnectionManager
from app.controllers.container_runner import ContainerRunner
from app.controllers.crash import CrashHandler
from app.controllers.image_actions import ImageActions
from app.controllers.inspector_manager import InspectorManager
from app.controllers.launch_requests import LaunchRequests
from app.controllers.machine_controller import MachineController
from app.controllers.network_actions import NetworkActions
from app.controllers.notifications import Notifier
from app.controllers.operations import Operations
from app.controllers.pods import PodController
from app.controllers.remote_connection import RemoteConnectionController
from app.controllers.resource_actions import ResourceActions
from app.controllers.secret_actions import SecretActions
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.controllers.single_instance import InstanceServer
from app.controllers.system_overview import SystemOverview
from app.controllers.transfers import Transfers
from app.controllers.tray_policy import TrayPolicy
from app.controllers.volume_actions import VolumeActions
from app.controllers.welcome import Welcome
from app.engine import exec_session
from app.engine.errors import PodmanError
from app.support import log, paths
from app.support.concurrency import SUBPROCESS_WORKERS, Pool, TaskSet
from app.support.display import missing_display
from app.support.responsiveness import prepare_qt_environment, tune_for_gui
from app.ui import accessibility, icons, theme
from app.ui.connection_button import add_connection_toolbar
from app.ui.machine_menu import MachineMenu, MachineSwitcher
from app.ui.main_window import MainWindow
from app.ui.proxy_prompts import DialogPrompts
from app.ui.system_page import SystemPage
from app.ui.transfers_panel import TransfersPanel
from app.ui.tray import Tray
from app.ui.tray_menu import TrayMenu
from app.ui.welcome_page import WelcomePage
from app.ui.window_in_tray import WindowInTray

if TYPE_CHECKING:  # windows and dialogs are imported when first opened (launch time)
    from app.ui.docker_socket_panel import DockerSocketPanel
    from app.ui.inspector.container_inspector import ContainerInspector
    from app.ui.kube_play_dialog import KubePlayDialog
    from app.ui.kube_yaml_viewer import KubeYamlViewer
    from app.ui.machine_actions import ManageMachinesDialog
    from app.ui.network_connect_dialog import NetworkConnectDialog
    from app.ui.pod_create_dialog import PodCreateDialog
    from app.ui.pull_dialog import PullDialog
    from app.ui.registry_login import LoginDialog, RegistriesDialog
    from app.ui.run_dialog import RunDialog
    from app.ui.settings_dialog import SettingsDialog

_log = log.get("app")
EXEC_HANG_UP_WAIT_S = 2.0  # at exit, for open terminals' shells to be ended


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
        self.pods = PodController(lambda: self.manager.session, self.operations)
        self.transfers = Transfers(self.operations, self.settings, lambda: self.manager.session)
        self.runner = ContainerRunner(lambda: self.manager.session, self.operations)
        self.window = MainWindow(self.settings, self.resource_actions)
        # Build, save, load, import (as operations), tag, history, details.
        self.image_actions = ImageActions(lambda: self.manager.session, self.operations)
        self.window.views["images"].use_image_actions(self.image_actions, self.spawn)
        self.tray_policy = TrayPolicy(
            self.settings, self.manager, self.machines, self.spawn, self.window.isVisible
        )
        self.crash = CrashHandler(log_file, self._show_crash)
        self.instance = InstanceServer()
        self._quit = asyncio.get_event_loop().create_future()
        self._docker_panel: DockerSocketPanel | None = None
        self._manage_dialog: ManageMachinesDialog | None = None
        self._wire_window()
        self._wire_networks()
        self._wire_pods()
        self._wire_storage()
        self._wire_machines()
        self._wire_tray()
        self._wire_welcome()
        self._wire_transfers()
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
        self.inspectors = InspectorManager(m, self._make_inspector)
        w.inspect_requested.connect(self.inspectors.open)
        w.terminal_requested.connect(self.open_terminal)
        self.launches = LaunchRequests(
            m, self.inspectors, lambda: self.window_in_tray.show_window(), self.spawn
        )
        self.instance.request_received.connect(self.launches.handle)
        w.containers.run_requested.connect(lambda: self.open_run_dialog())
        w.containers.duplicate_requested.connect(self.duplicate_container)
        w.views["images"].run_requested.connect(self.open_run_dialog)

    def _wire_networks(self) -> None:
        """Create, details, connect and prune on the Networks page; "Connect to
        Network…" on a container."""
        self.network_actions = NetworkActions(lambda: self.manager.session, self.resource_actions)
        self.window.views["networks"].use_controller(self.network_actions, self.spawn)
        self.window.views["containers"].connect_network_requested.connect(self.connect_to_network)

    def _make_inspector(self, session: Session, ref: str) -> ContainerInspector:
        # Imported when the first inspector opens: the terminal and its pyte come with it.
        from app.ui.inspector.container_inspector import ContainerInspector

        return ContainerInspector(session, ref, self.resource_actions, operations=self.operations)

    def connect_to_network(self, container_id: str) -> NetworkConnectDialog:
        from app.ui.network_connect_dialog import NetworkConnectDialog

        dialog = NetworkConnectDialog(
            self.network_actions, self.spawn, self.window, container_id=container_id
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _wire_pods(self) -> None:
        """Create pod, play and tear down Kubernetes YAML, and the YAML of pods and
        containers, from the Pods and Containers pages."""
        pods_page = self.window.views["pods"]
        pods_page.create_requested.connect(self.create_pod)
        pods_page.play_requested.connect(self.play_kube)
        pods_page.kube_requested.connect(self.show_kube)
        self.window.views["containers"].kube_requested.connect(self.show_kube)

    def create_pod(self) -> PodCreateDialog:
        from app.ui.pod_create_dialog import PodCreateDialog

        dialog = PodCreateDialog(self.pods, self.spawn, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def play_kube(self, tear_down: bool = False) -> KubePlayDialog:
        from app.ui.kube_play_dialog import KubePlayDialog

        dialog = KubePlayDialog(self.pods, self.spawn, self.window, tear_down=tear_down)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_kube(self, names: list) -> KubeYamlViewer:
        from app.ui.kube_yaml_viewer import KubeYamlViewer

        viewer = KubeYamlViewer(self.pods, names, self.spawn, self.window)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        return viewer

    def _wire_storage(self) -> None:
        """Secrets and volumes made and described, the System page and its clean-up."""
        w, session = self.window, lambda: self.manager.session
        self.secret_actions = SecretActions(session)
        self.volume_actions = VolumeActions(session, self.operations)
        self.cleanup = Cleanup(session, self.operations)
        secrets, volumes = w.views["secrets"], w.views["volumes"]
        secrets.create_requested.connect(self.create_secret)
        secrets.details_requested.connect(lambda key: self.spawn(self.show_secret(key)))
        volumes.create_requested.connect(self.create_volume)
        volumes.details_requested.connect(lambda name: self.spawn(self.show_volume(name)))
        volumes.export_requested.connect(lambda name: self.transfer_volume(name, True))
        volumes.import_requested.connect(lambda name: self.transfer_volume(name, False))
        self.system_page = SystemPage(SystemOverview(session))
        self.system_page.cleanup_requested.connect(self.show_cleanup)
        self.manager.session_changed.connect(self.system_page.set_session)
        w.add_page("system", self.system_page)

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def create_secret(self) -> QDialog:
        from app.ui.create_secret_dialog import CreateSecretDialog

        return self._open(CreateSecretDialog(self.secret_actions, self.spawn, self.window))

    async def show_secret(self, key: str) -> None:
        from app.ui.secret_details_dialog import SecretDetailsDialog

        try:
            details = await self.secret_actions.details(key)
        except PodmanError as exc:
            self.window.post_message("error", f"Could not read the secret: {exc}")
            return
        self._open(SecretDetailsDialog(details, self.window))

    def create_volume(self) -> QDialog:
        from app.ui.create_volume_dialog import CreateVolumeDialog

        return self._open(CreateVolumeDialog(self.volume_actions, self.spawn, self.window))

    async def show_volume(self, name: str) -> None:
        from app.ui.volume_details_dialog import VolumeDetailsDialog

        try:
            details = await self.volume_actions.details(name)
        except PodmanError as exc:
            self.window.post_message("error", f"Could not read volume “{name}”: {exc}")
            return
        dialog = VolumeDetailsDialog(details, self.window)
        dialog.export_requested.connect(lambda n: self.transfer_volume(n, True, details.size))
        dialog.import_requested.connect(lambda n: self.transfer_volume(n, False))
        self._open(dialog)

    def transfer_volume(self, name: str, exporting: bool, size: int | None = None) -> QDialog:
        from app.ui.volume_transfer_dialog import VolumeTransferDialog

        dialog = VolumeTransferDialog(
            self.volume_actions, name, exporting, self.spawn, self.window, size_hint=size
        )
        return self._open(dialog)

    def show_cleanup(self) -> QDialog:
        from app.ui.cleanup_dialog import CleanupDialog

        dialog = CleanupDialog(self.cleanup, self.spawn, self.window)
        dialog.finished.connect(lambda _r: self.system_page.refresh())
        self._open(dialog)
        dialog.replan()
        return dialog

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
        menu.terminal_requested.connect(self.open_terminal)
        menu.show_window_requested.connect(self.window_in_tray.show_window)
        menu.settings_requested.connect(self.show_settings)
        menu.quit_requested.connect(self.quit)
        menu.show_all_requested.connect(lambda: self.window_in_tray.show_page("containers"))
        menu.run_requested.connect(self._run_from_tray)
        self.tray_policy.notification.connect(self._notify)
        self.notifier = Notifier(self.settings, self.manager, self.machines, self._notify)

    def _wire_welcome(self) -> None:
        """The welcome page (first start, Help → Welcome) and its controller."""
        self.welcome = Welcome(self.settings, self.manager, self.operations)
        page = self.welcome_page = WelcomePage(self.welcome.hello_image, self.window.pages)
        self.window.set_welcome_page(page)
        welcome = self.welcome
        welcome.check_changed.connect(page.set_check)
        page.set_check(welcome.check)
        welcome.hello_step.connect(page.set_step)
        welcome.hello_finished.connect(page.show_output)
        welcome.hello_failed.connect(page.show_failure)
        welcome.hello_cancelled.connect(page.hello_cancelled)
        page.hello_requested.connect(welcome.start_hello)
        page.hello_cancel_requested.connect(welcome.cancel_hello)
        page.notice_action.connect(self._on_notice_action)
        page.docker_socket_requested.connect(self.show_docker_socket)
        page.pull_requested.connect(lambda: self.show_pull())
        page.run_requested.connect(self._run_from_welcome)
        page.shell_requested.connect(self._shell_from_welcome)
        page.dismissed.connect(self.close_welcome)
        self.window.welcome_requested.connect(self.show_welcome)

    def welcome_on_first_start(self, plain_launch: bool = True) -> bool:
        """Show the welcome page unless it was dismissed before. A launch that asks for
        something (a connection, an inspector, the tray) gets that instead, and the
        page waits for the next plain start."""
        if self.settings.welcome_done or not plain_launch:
            return False
        self.show_welcome()
        return True

    def show_welcome(self) -> None:
        self.welcome_page.set_hello_image(self.welcome.hello_image)
        self.window.show_welcome()
        self.welcome_page.focus_first()

    def close_welcome(self) -> None:
        """The user is done with it: it no longer opens by itself."""
        self.settings.welcome_done = True
        self.settings.sync()
        self.window.close_welcome()

    def _run_from_welcome(self) -> None:
        self._leave_welcome_for("containers")
        self.open_run_dialog()

    def _leave_welcome_for(self, page: str) -> None:
        self.close_welcome()
        self.window.go_to_page(page)

    def _shell_from_welcome(self) -> None:
        """A shell in the one running container; with several, how to choose; with none,
        what to do first."""
        self._leave_welcome_for("containers")
        session = self.manager.session
        items = session.items("containers").values() if session is not None else ()
        running = [c for c in items if c.state == "running" and not c.is_infra]
        if len(running) == 1:
            self.open_terminal(running[0].id)
        elif running:
            self.window.post_message(
                "info",
                "Right-click a running container and choose Open Terminal: a shell opens "
                "in its inspector.",
            )
        else:
            self.window.post_message(
                "info",
                "No container is running yet: run one (Run… on the toolbar), then choose "
                "Open Terminal on it.",
            )

    def _wire_transfers(self) -> None:
        """Pull, push, registries and the transfers panel (issue 13)."""
        w = self.window
        self.transfers_panel = TransfersPanel(self.operations, w)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.transfers_panel)
        self.transfers_panel.hide()
        toggle = self.transfers_panel.toggleViewAction()
        toggle.setText("&Transfers")
        toggle.setObjectName("viewTransfers")
        toggle.setShortcut("Ctrl+Shift+T")
        w.view_menu.addSeparator()
        w.view_menu.addAction(toggle)
        self.transfers_button = QPushButton("Transfers", w.statusBar())
        self.transfers_button.setObjectName("transfersButton")
        self.transfers_button.setAccessibleName("Show or hide transfers")
        self.transfers_button.setToolTip("Pulls and pushes, running and ended (Ctrl+Shift+T)")
        self.transfers_button.setFlat(True)
        self.transfers_button.clicked.connect(toggle.trigger)
        w.statusBar().addPermanentWidget(self.transfers_button)

        def count(*_args: object) -> None:
            self.transfers_button.setText(self.transfers_panel.count_text())

        self.operations.added.connect(lambda op: op.ended.connect(count))
        self.operations.added.connect(count)
        self.operations.removed.connect(count)
        images = w.views["images"]
        images.pull_requested.connect(self.show_pull)
        images.push_requested.connect(self.show_push)
        images.registries_requested.connect(self.show_registries)
        self.tray_menu.pull_requested.connect(self.show_pull)

    def _transfer_dialog(self, dialog: PullDialog) -> PullDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.login_requested.connect(lambda registry, retry: self.show_login(registry, retry))
        dialog.show()
        return dialog

    def show_pull(self, reference: str = "") -> PullDialog:
        from app.ui.pull_dialog import PullDialog

        self.window_in_tray.show_window()
        return self._transfer_dialog(PullDialog(self.transfers, self.spawn, self.window, reference))

    def show_push(self, image: str, names: list) -> PullDialog:
        from app.ui.push_dialog import PushDialog

        return self._transfer_dialog(
            PushDialog(self.transfers, self.spawn, image, names, self.window)
        )

    def show_login(
        self, registry: str = "", then: Callable[[], object] | None = None
    ) -> LoginDialog:
        from app.ui.registry_login import LoginDialog

        dialog = LoginDialog(self.transfers, self.spawn, self.window, registry)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if then is not None:
            dialog.performed.connect(lambda _registry: then())
        dialog.show()
        return dialog

    def show_registries(self) -> RegistriesDialog:
        from app.ui.registry_login import RegistriesDialog

        dialog = RegistriesDialog(self.transfers, self.spawn, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.login_requested.connect(lambda registry: self.show_login(registry))
        dialog.show()
        return dialog

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
        self.welcome_on_first_start(plain_launch=not (connection or minimized or inspect))
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
        self.welcome.close()
        # Closed terminals hang up their shells through the session, so before it goes.
        exec_session.wait_for_hang_ups(EXEC_HANG_UP_WAIT_S)
        self.machines.shutdown()
        if self.tray is not None:
            self.tray.hide()
        self.operations.close()
        self.pods.close()
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
        from app.ui.docker_socket_section import DockerSocketSection
        from app.ui.settings_dialog import SettingsDialog
        from app.ui.startup_section import StartupSection
        from app.ui.tray_settings_section import TraySettingsSection
        from app.ui.welcome_settings_section import WelcomeSettingsSection

        dialog = SettingsDialog(self.settings, self.window)
        dialog.add_section(DockerSocketSection(dialog))
        dialog.add_section(TraySettingsSection(dialog, self.tray is not None))
        dialog.add_section(WelcomeSettingsSection(dialog))
        dialog.add_section(StartupSection(Autostart(), dialog))
        return dialog

    def open_terminal(self, ref: str) -> None:
        """The container's inspector on its Terminal tab, with a terminal open."""
        window = self.inspectors.open(ref)
        if window is not None:
            window.show_terminal()

    def show_settings(self) -> None:
        dialog = self.settings_dialog()
        if dialog.exec():
            theme.apply(self.settings.theme)
            self.spawn(self.manager.open_initial(self.manager.requested))

    def show_docker_socket(self) -> None:
        from app.ui.docker_socket_panel import DockerSocketPanel

        if self._docker_panel is None:
            self._docker_panel = DockerSocketPanel(self.manager, self.window)
        self._docker_panel.show()
        self._docker_panel.raise_()

    def add_remote(self) -> None:
        from app.ui.remote_connection_dialog import RemoteConnectionDialog

        dialog = RemoteConnectionDialog(self.remotes, self.spawn, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def open_run_dialog(self, image: str = "") -> RunDialog:
        """The Run dialog, its image set to ``image`` (the Images page's Run… gives it)."""
        from app.ui.run_dialog import RunDialog

        return self._show_run_dialog(RunDialog(self.runner, self.spawn, image, None, self.window))

    def duplicate_container(self, container_id: str) -> None:
        """The Run dialog filled from an existing container (read off the GUI thread)."""
        self.spawn(self._duplicate(container_id))

    async def _duplicate(self, container_id: str) -> None:
        from app.ui.run_dialog import RunDialog

        try:
            spec = await self.runner.spec_of(container_id)
        except PodmanError as exc:
            self.window.post_message("error", f"Could not read the container to copy: {exc}")
            return
        self._show_run_dialog(RunDialog(self.runner, self.spawn, "", spec, self.window))

    def _show_run_dialog(self, dialog: RunDialog) -> RunDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.performed.connect(self._after_run)
        dialog.show()
        return dialog

    def _after_run(self, result: tuple[str, bool]) -> None:
        container_id, show_logs = result
        if show_logs:
            inspector = self.inspectors.open(container_id)
            if inspector is not None:
                inspector.tabs.setCurrentWidget(inspector.logs)

    def _run_from_tray(self) -> None:
        self.window_in_tray.show_window()
        self.open_run_dialog()

    def manage_machines(self) -> None:
        from app.ui.machine_actions import ManageMachinesDialog

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
        QMessageBox.about(self.window, f"About {APP_NAME}", about_text(self.manager.session))

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


def about_text(session: Session | None) -> str:
    """About's text: the app's version and the Podman version of the active connection."""
    if session is not None and session.version is not None:
        info = session.version
        podman = (
            f"Connected to Podman {html.escape(info.version)} (API "
            f"{html.escape(info.api_version)}) on {html.escape(session.connection.name)}."
        )
    elif session is not None:
        podman = f"Not connected to {html.escape(session.connection.name)} yet."
    else:
        podman = "No connection is open."
    return (
        f"<b>{APP_NAME}</b> {__version__}<br>A light, native companion for Podman.<p>{podman}</p>"
    )


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
    qapp.setWindowIcon(icons.app_icon())
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
