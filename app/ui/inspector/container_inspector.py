"""The container inspector: one window per container, with its actions and seven tabs.

It follows the session's events: a state change refreshes the header and tabs, and a
removed container leaves the window saying so, its actions disabled. Its buttons act
through the resource-actions controller, so a transition ("Stopping…") and a refusal show
here and in the main window alike, wherever the action started.

Signals:
    loaded(dict): the inspect JSON was (re)read and shown.
    removed(): the container is gone (removed, or never existed).
    closed(): the window closed and stopped its streams.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.controllers.container_files import ContainerFiles
from app.controllers.container_logs import ContainerLogs
from app.controllers.container_stats import ContainerStats
from app.controllers.container_terminal import ContainerTerminal
from app.controllers.operations import Operations
from app.controllers.resource_actions import ActionFailure, ResourceActions
from app.controllers.session import Session
from app.engine.connection import Connection
from app.engine.dto import ProcessTable
from app.engine.errors import NotFound, PodmanError
from app.engine.streams.events import PodmanEvent
from app.models import dots
from app.models.connection_state import ConnectionState
from app.models.container_status import ContainerStatus as S
from app.support import log
from app.support.concurrency import TaskSet
from app.ui import confirmation
from app.ui.accessibility import name_built_in_parts
from app.ui.inspector.files_tab import FilesTab
from app.ui.inspector.inspect_tab import InspectTab
from app.ui.inspector.logs_tab import LogsTab
from app.ui.inspector.not_running import RunState
from app.ui.inspector.processes_tab import ProcessesTab
from app.ui.inspector.stats_tab import StatsTab
from app.ui.inspector.summary_tab import SummaryTab, ports
from app.ui.inspector.terminal_tab import TerminalTab
from app.ui.removal_confirmation import confirm_removal

_log = log.get("ui")


def port_urls(attrs: dict, connection: Connection) -> list[str]:
    """http:// addresses of the container's published TCP ports."""
    host = connection.port_host
    urls = []
    for port, _address, host_port in ports(attrs):
        if port.endswith("/udp") or not host_port:
            continue
        url = f"http://{host}:{host_port}"
        if url not in urls:
            urls.append(url)
    return urls


class ContainerInspector(QMainWindow):
    loaded = Signal(dict)
    removed = Signal()
    closed = Signal()

    def __init__(
        self,
        session: Session,
        ref: str,
        actions: ResourceActions,
        parent: QWidget | None = None,
        operations: Operations | None = None,
    ) -> None:
        super().__init__(parent)
        # Transfers (the Files tab) run as the app's Operations when it passes them in.
        self._own_operations = operations is None
        self.operations = operations if operations is not None else Operations(self)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.session = session
        self.resource_actions = actions
        self.ref = ref
        self.container_id = ""  # the full id, once Podman answered
        self.name = ref
        self.attrs: dict[str, Any] = {}
        self.status = S.UNKNOWN
        self.gone = False
        self.detached = False
        self.tasks = TaskSet("inspector", _log)
        self._refresh_timer = QTimer(self, singleShot=True, interval=150)
        self._refresh_timer.timeout.connect(lambda: self.tasks.spawn(self.refresh()))
        self.setWindowTitle(f"{ref} — container")
        self.resize(1000, 720)
        self._build()
        session.event_received.connect(self._on_event)
        session.state_changed.connect(self._on_session_state)
        actions.transition_started.connect(self._on_transition_started)
        actions.transition_ended.connect(self._on_transition_ended)
        actions.failed.connect(self._on_failed)
        # Slots passed positionally, never as activated=: PySide6 6.11 leaks the Connection
        # a keyword connection makes (docs/architecture.md, "Connecting signals").
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._on_escape)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)

    # -- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        self.banner = QLabel("", central)
        self.banner.setObjectName("inspectorBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.banner.hide()
        layout.addWidget(self.banner)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        self.name_label = QLabel(self.ref, central)
        self.name_label.setObjectName("inspectorName")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.image_label = QLabel("", central)
        self.image_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        state_row = QHBoxLayout()
        self.state_dot = QLabel(central)
        self.state_label = QLabel("Loading…", central)
        self.state_label.setObjectName("inspectorState")
        state_row.addWidget(self.state_dot)
        state_row.addWidget(self.state_label)
        state_row.addStretch(1)
        titles.addWidget(self.name_label)
        titles.addWidget(self.image_label)
        titles.addLayout(state_row)
        header.addLayout(titles, 1)

        self.start_button = QPushButton("&Start", central)
        self.stop_button = QPushButton("S&top", central)
        self.restart_button = QPushButton("&Restart", central)
        self.pause_button = QPushButton("&Pause", central)
        self.remove_button = QPushButton("Re&move…", central)
        # A push button with a menu, like its neighbours: the style draws a full drop-down
        # arrow beside the text (a tool button squashes its indicator under the text).
        self.port_button = QPushButton("&Open port", central)
        self.port_button.setObjectName("openPort")
        self.port_menu = QMenu(self.port_button)
        self.port_button.setMenu(self.port_menu)
        acts = self.resource_actions
        self.start_button.clicked.connect(lambda: self._act(acts.start_containers))
        self.stop_button.clicked.connect(lambda: self._act(acts.stop_containers))
        self.restart_button.clicked.connect(lambda: self._act(acts.restart_containers))
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.remove_button.clicked.connect(lambda: self.tasks.spawn(self.remove()))
        for button in (
            self.start_button,
            self.stop_button,
            self.restart_button,
            self.pause_button,
            self.port_button,
            self.remove_button,
        ):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        QWidget.setTabOrder(self.pause_button, self.port_button)  # Tab follows the row
        QWidget.setTabOrder(self.port_button, self.remove_button)
        layout.addLayout(header)

        self.tabs = QTabWidget(central)
        self.tabs.setObjectName("inspectorTabs")
        self.summary = SummaryTab()
        self.logs = LogsTab(ContainerLogs(self.session, self.ref, parent=self))
        self.inspect = InspectTab()
        self.stats = StatsTab(ContainerStats(self.session, self.ref, parent=self))
        self.processes = ProcessesTab(self._top)
        self.tabs.addTab(self.summary, "Summary")
        self.tabs.addTab(self.logs, "Logs")
        self.tabs.addTab(self.inspect, "Inspect")
        self.tabs.addTab(self.stats, "Stats")
        self.tabs.addTab(self.processes, "Processes")
        self.terminal = TerminalTab(self._make_terminal)
        self.tabs.addTab(self.terminal, "Terminal")
        self.files = FilesTab(ContainerFiles(self.session, self.operations, parent=self))
        self.tabs.addTab(self.files, "Files")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        name_built_in_parts(self)
        self._update_actions()

    def _on_escape(self) -> None:
        """Escape clears a search that has text (as in the main window), else closes."""
        focused = self.focusWidget()
        if isinstance(focused, QLineEdit) and focused.text():
            focused.clear()
        else:
            self.close()

    def _focus_search(self) -> None:
        search = getattr(self.tabs.currentWidget(), "search", None)
        if search is not None:
            search.setFocus()
            search.selectAll()

    # -- loading -------------------------------------------------------------------------

    def start(self) -> None:
        """Load once the session is connected (it may still be connecting)."""
        if self.session.state is ConnectionState.CONNECTED:
            self.tasks.spawn(self.refresh())
        else:
            self.state_label.setText(f"Connecting to {self.session.connection.name}…")

    async def refresh(self) -> bool:
        """Read the container again; False when it is gone or cannot be read."""
        if self.gone or self.detached:
            return False
        try:
            attrs = await self.resource_actions.inspect_container(self.container_id or self.ref)
        except NotFound:
            self.mark_removed(not self.container_id)
            return False
        except PodmanError as exc:
            self._show_banner(f"Cannot read the container: {exc}")
            return False
        if self.gone or self.detached:
            return False
        first = not self.container_id
        was_running = self.status is S.RUNNING
        self.attrs = attrs
        self.container_id = attrs.get("Id", self.ref)
        self.name = attrs.get("Name") or self.ref
        self.status = S.from_state((attrs.get("State") or {}).get("Status", ""))
        if self.banner.text().startswith("Cannot read"):
            self.banner.hide()
        if first:
            for tab in (self.logs, self.stats):
                tab.container_id = self.container_id
        self._show(attrs)
        if first:
            self.logs.start()
        elif self.status is S.RUNNING and not was_running:
            self.logs.container_started()
        self.loaded.emit(attrs)
        return True

    def _pod_name(self, pod_id: str) -> str:
        if not pod_id:
            return ""
        for key, pod in self.session.items("pods").items():
            if key == pod_id:
                return getattr(pod, "name", "")
        return ""

    def _show(self, attrs: dict) -> None:
        self.setWindowTitle(f"{self.name} — container")
        self.name_label.setText(self.name)
        image = attrs.get("ImageName") or ""
        self.image_label.setText(f"{image}  ·  {str(attrs.get('Image', ''))[:12]}")
        self._show_state()
        self.summary.set_data(attrs, self._pod_name(attrs.get("Pod") or ""))
        self.stats.memory_limited = bool((attrs.get("HostConfig") or {}).get("Memory"))
        run_state = RunState.from_attrs(self.name, self.status, attrs)
        self.stats.set_run_state(run_state)
        self.processes.set_run_state(run_state)
        self.terminal.set_running(self.status is S.RUNNING and not self.gone)
        self.files.set_container(self.container_id, self.status is S.RUNNING)
        self.inspect.set_data(attrs)
        self.port_menu.clear()
        for url in port_urls(attrs, self.session.connection):
            self.port_menu.addAction(url, lambda u=url: self.open_url(u))
        self._update_actions()

    def _show_state(self) -> None:
        state = self.attrs.get("State") or {}
        text = self.status.label
        if self.status in (S.EXITED, S.STOPPED) and "ExitCode" in state:
            text += f" (exit code {state['ExitCode']})"
        health = (state.get("Health") or state.get("Healthcheck") or {}).get("Status")
        if health:
            text += f" · {health}"
        self.state_label.setText(text)
        color = dots.RED if health == "unhealthy" else self.status.color
        self.state_dot.setPixmap(dots.dot(color, self.status.is_transition()).pixmap(12, 12))

    @property
    def _busy(self) -> bool:
        """An action runs on the container (from here, the main window or the tray)."""
        return self.resource_actions.pending("containers", self.container_id) is not None

    def _update_actions(self) -> None:
        live = bool(self.container_id) and not self.gone and not self.detached and not self._busy
        s = self.status
        self.start_button.setEnabled(live and s.can_start())
        self.stop_button.setEnabled(live and s.can_stop())
        self.restart_button.setEnabled(live and s.can_restart())
        self.pause_button.setText("Res&ume" if s is S.PAUSED else "&Pause")
        self.pause_button.setEnabled(live and (s.can_pause() or s.can_unpause()))
        self.remove_button.setEnabled(live and s.can_remove())
        has_ports = bool(self.port_menu.actions())
        self.port_button.setEnabled(live and has_ports and s is S.RUNNING)
        self.port_button.setToolTip("" if has_ports else "No published TCP port")

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    # -- following -----------------------------------------------------------------------

    def _on_event(self, event: PodmanEvent) -> None:
        if event.type != "container" or self.gone or self.detached:
            return
        ours = (self.container_id and event.id == self.container_id) or (
            event.name and event.name == self.name
        )
        if not ours:
            return
        if event.action == "remove":
            self.mark_removed()
        elif self.container_id:
            if event.action in ("start", "restart"):
                self.logs.container_started()  # a quick restart may never read as stopped
            self._refresh_timer.start()

    def _on_session_state(self, state: ConnectionState, reason: str) -> None:
        if self.detached or self.gone:
            return
        if state is ConnectionState.CONNECTED:
            if self.banner.text().startswith("Connection"):
                self.banner.hide()
            self.tasks.spawn(self.refresh())
        elif state in (ConnectionState.LOST, ConnectionState.UNAVAILABLE):
            self._show_banner(f"Connection lost: {reason}. The window updates when it is back.")

    def mark_removed(self, never_existed: bool = False) -> None:
        if self.gone:
            return
        self.gone = True
        connection = self.session.connection.name
        if never_existed:
            text = f"There is no container named or with the id “{self.ref}” on {connection}."
            self.state_label.setText("Not found")
        else:
            text = f"The container {self.name} was removed. What is shown is how it last was."
            self.state_label.setText("Removed")
        self.state_dot.setPixmap(dots.dot(dots.GREY, True).pixmap(12, 12))
        self._show_banner(text)
        self.logs.container_removed()
        self.stats.set_enabled_streaming(False)
        self.processes.set_enabled_refresh(False)
        self.terminal.set_running(False)
        self._update_actions()
        self.removed.emit()

    def detach(self, why: str) -> None:
        """The session went away (the app switched connections): stop, and say so."""
        if self.detached:
            return
        self.detached = True
        self._show_banner(why)
        self._stop_streams()
        self._update_actions()

    # -- actions -------------------------------------------------------------------------

    def _act(self, action: Any) -> None:
        """Run a container action of the controller (``actions.stop_containers``) on this one."""
        if self.container_id and not self._busy and not self.gone and not self.detached:
            action([self.container_id])

    def _pause_or_resume(self) -> None:
        if self.status is S.PAUSED:
            self._act(self.resource_actions.resume_containers)
        else:
            self._act(self.resource_actions.pause_containers)

    def _concerns_me(self, kind: str, keys: list) -> bool:
        live = bool(self.container_id) and not self.gone and not self.detached
        return live and kind == "containers" and self.container_id in keys

    def _on_transition_started(self, kind: str, keys: list, transition: S) -> None:
        if self._concerns_me(kind, keys):
            self.status = transition
            self._show_state()
            self._update_actions()

    def _on_transition_ended(self, kind: str, keys: list) -> None:
        if self._concerns_me(kind, keys):
            self._update_actions()
            self.tasks.spawn(self.refresh())  # what Podman says now (or that it is gone)

    def _on_failed(self, failure: ActionFailure) -> None:
        if not self._concerns_me(failure.kind, [failure.key]):
            return
        if isinstance(failure.error, NotFound):
            self.mark_removed()
        else:
            self._show_banner(failure.text)

    async def remove(self) -> bool:
        """Remove after a confirmation that says what Podman will do (stop it first, if
        it runs); True when it went."""
        if not self.container_id or self._busy or self.gone or self.detached:
            return False
        removal = await confirm_removal(
            self.resource_actions,
            lambda c: confirmation.ask(self, c),
            "containers",
            [self.container_id],
            on_left_out=self._show_banner,
        )
        if removal is None or self.gone or self.detached:
            return False
        failed = await self.resource_actions.remove(removal)
        return not failed

    def open_url(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    def show_terminal(self) -> None:
        """Show the Terminal tab, with a terminal open (once the container runs)."""
        self.tabs.setCurrentWidget(self.terminal)
        if not self.terminal.pages():
            self.terminal.want_terminal()

    def _make_terminal(self) -> ContainerTerminal:
        return ContainerTerminal(self.session, self.container_id or self.ref, parent=self)

    async def _top(self) -> ProcessTable:
        return await self.resource_actions.container_processes(self.container_id or self.ref)

    # -- closing -------------------------------------------------------------------------

    def _stop_streams(self) -> None:
        self._refresh_timer.stop()
        self.logs.close_streams()
        self.stats.set_enabled_streaming(False)
        self.processes.set_enabled_refresh(False)
        self.processes.cancel()
        self.terminal.close_all()
        self.terminal.set_running(False)
        self.files.close_tab()
        self.tasks.cancel_all()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._stop_streams()
        try:
            self.session.event_received.disconnect(self._on_event)
            self.session.state_changed.disconnect(self._on_session_state)
            self.resource_actions.transition_started.disconnect(self._on_transition_started)
            self.resource_actions.transition_ended.disconnect(self._on_transition_ended)
            self.resource_actions.failed.disconnect(self._on_failed)
        except (RuntimeError, TypeError):
            pass
        if self._own_operations:
            self.operations.close()
        self.closed.emit()
        event.accept()
