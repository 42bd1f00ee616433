"""The main window: a sidebar of lists (Containers, Images, …), a search box, the
message bar and the connection status bar; a notice page when there is nothing to list.

It lays out and routes: each list page owns its model and actions, the session feeds
the models with diffs.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.controllers.notices import Notice
from app.controllers.resource_actions import ResourceActions
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.engine.cli.machines import MachineAvailability
from app.models.connection_state import ConnectionState
from app.support.concurrency import TaskSet
from app.ui import status_bar
from app.ui.containers_view import ContainersView
from app.ui.images_view import ImagesView
from app.ui.machines_view import MachinesView
from app.ui.message_bar import MessageBar
from app.ui.networks_view import NetworksView
from app.ui.notice_page import NoticePage
from app.ui.pods_view import PodsView
from app.ui.resource_view import ResourceView
from app.ui.secrets_view import SecretsView
from app.ui.sidebar import Sidebar
from app.ui.volumes_view import VolumesView


class MainWindow(QMainWindow):
    """Signals:
    settings_requested(), quit_requested(), notice_action(str), about_requested(),
    log_requested(), inspect_requested(str container_id)
    """

    settings_requested = Signal()
    quit_requested = Signal()
    notice_action = Signal(str)
    about_requested = Signal()
    log_requested = Signal()
    inspect_requested = Signal(str)

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.resource_actions = actions
        self.setWindowTitle(APP_NAME)
        self.resize(1180, 720)
        self.session: Session | None = None
        self._tasks = TaskSet("main window")
        self.pages = QStackedWidget(self)
        self.browser = self._build_browser()
        self.notice_page = NoticePage(self.pages)
        self.pages.addWidget(self.browser)
        self.pages.addWidget(self.notice_page)
        self.setCentralWidget(self.pages)
        self.notice_page.action_requested.connect(self.notice_action)
        self.connection_status = status_bar.install(self.statusBar())
        self._build_menus()
        self._restore_geometry()
        self.sidebar.select(settings.window_page)

    # -- layout ----------------------------------------------------------------------

    def _build_browser(self) -> QWidget:
        browser = QWidget(self.pages)
        self.sidebar = Sidebar(browser)
        self.views: dict[str, ResourceView] = {
            "containers": ContainersView(self.settings, self.resource_actions),
            "images": ImagesView(self.settings, self.resource_actions),
            "volumes": VolumesView(self.settings, self.resource_actions),
            "machines": MachinesView(self.settings),
            "pods": PodsView(self.settings, self.resource_actions),
            "networks": NetworksView(self.settings, self.resource_actions),
            "secrets": SecretsView(self.settings, self.resource_actions),
        }
        self.stack = QStackedWidget(browser)
        self.message_bar = MessageBar(browser)
        self.resource_actions.failed.connect(
            lambda failure: self.message_bar.post("error", failure.text)
        )
        for kind, view in self.views.items():
            self.stack.addWidget(view)
            view.message_posted.connect(self.message_bar.post)
            view.model.count_changed.connect(lambda n, k=kind: self._on_count(k, n))
        self.containers = self.views["containers"]
        self.containers.inspect_requested.connect(self.inspect_requested)
        self.views["pods"].show_containers.connect(self._show_pod_containers)

        self.title = QLabel(browser)
        self.title.setObjectName("pageTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.search = QLineEdit(browser)
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self._on_search)
        QShortcut(QKeySequence("Escape"), self.search, self.search.clear).setContext(
            Qt.ShortcutContext.WidgetShortcut
        )
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.search)

        right = QVBoxLayout()
        right.setContentsMargins(12, 10, 12, 4)
        right.setSpacing(6)
        right.addLayout(header)
        right.addWidget(self.message_bar)
        right.addWidget(self.stack, 1)
        layout = QHBoxLayout(browser)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addLayout(right, 1)
        self.sidebar.page_selected.connect(self.show_page)
        # Delete acts on the list, not on the search box's text.
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.stack)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.activated.connect(lambda: self.current_view().remove_selected())
        return browser

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        settings = QAction("&Settings…", self, shortcut=QKeySequence.StandardKey.Preferences)
        settings.triggered.connect(self.settings_requested)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_requested)
        file_menu.addAction(settings)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        find = QAction("&Find…", self, shortcut=QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        refresh = QAction("&Reload Lists", self, shortcut=QKeySequence("F5"))
        refresh.setToolTip("Ask Podman for every list now (they also update by themselves)")
        refresh.triggered.connect(self.reload)
        view_menu.addAction(find)
        view_menu.addAction(refresh)
        view_menu.addSeparator()
        for kind, view in self.views.items():
            action = QAction(view.title, self)
            action.triggered.connect(lambda _=False, k=kind: self.sidebar.select(k))
            view_menu.addAction(action)
        self.help_menu = help_menu = self.menuBar().addMenu("&Help")
        open_log = QAction("Open &Log File", self)
        open_log.triggered.connect(self.log_requested)
        about = QAction(f"&About {APP_NAME}", self)
        about.triggered.connect(self.about_requested)
        help_menu.addAction(open_log)
        help_menu.addAction(about)
        self.find_action, self.reload_action = find, refresh

    def add_menu(self, menu: QMenu) -> None:
        """Add ``menu`` to the menu bar before Help, which stays last (platform convention)."""
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)

    # -- pages and search ------------------------------------------------------------

    def current_view(self) -> ResourceView:
        return self.stack.currentWidget()

    def show_page(self, kind: str) -> None:
        view = self.views[kind]
        self.stack.setCurrentWidget(view)
        if self.sidebar.current_kind() != kind:
            self.sidebar.select(kind)
        self.title.setText(view.title)
        self.search.setPlaceholderText(f"Search {view.title.lower()}  (Ctrl+F)")
        view.set_filter_text(self.search.text())
        if kind == "machines" and view.model.availability is None:
            self._tasks.spawn(view.refresh())

    def _on_search(self, text: str) -> None:
        self.current_view().set_filter_text(text)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _show_pod_containers(self, pod_name: str) -> None:
        self.show_page("containers")
        self.containers.set_scope("pod", pod_name)

    def _on_count(self, kind: str, count: int) -> None:
        view = self.views[kind]
        if kind == "containers":
            count = self.containers.visible_count()
        known = view.model.loaded and getattr(view.model, "availability", None) in (
            None,
            MachineAvailability.OK,
        )
        self.sidebar.set_count(kind, count if known else None)

    def reload(self) -> None:
        """F5: list everything now (the lists also update by themselves)."""
        if self.session is not None:
            self._tasks.spawn(self.session.reconcile())
            self._tasks.spawn(self.views["volumes"].refresh_users())
        self._tasks.spawn(self.views["machines"].refresh())

    # -- what the manager tells us ---------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.message_bar.clear()
        self.message_bar.set_sticky("", "")
        for view in self.views.values():
            view.set_session(session)
        for kind in self.views:
            if kind != "machines":
                self.sidebar.set_count(kind, None)
        self.connection_status.set_retryable(session is not None and session.proxy is not None)
        if session is None:
            self.connection_status.set_connection("", "")
            self.connection_status.set_version("")
            self.connection_status.set_state(ConnectionState.UNAVAILABLE, "No connection")
            return
        self.connection_status.set_connection(
            session.connection.name, session.connection.describe()
        )
        self.connection_status.set_version("")
        self.connection_status.set_state(session.state, session.reason)
        session.state_changed.connect(self._on_state)
        session.version_known.connect(lambda v: self.connection_status.set_version(v.version))
        session.resources_changed.connect(self._on_resources)
        session.event_received.connect(self.containers.model.apply_event)
        host = session.connection.port_host
        self.containers.model.port_host = host
        self.pages.setCurrentWidget(self.browser)
        self._on_state(session.state, session.reason)

    def _on_resources(self, kind: str, diff: Any) -> None:
        view = self.views.get(kind)
        if view is not None:
            view.model.apply_diff(diff)

    def _on_state(self, state: ConnectionState, reason: str) -> None:
        self.connection_status.set_state(state, reason)
        for view in self.views.values():
            view.set_connected(state.can_act())
        if state is ConnectionState.LOST:
            why = f" ({reason})" if reason else ""
            self.message_bar.set_sticky(
                "warning",
                f"Podman is not answering{why}. The lists show the last known state, greyed; "
                "they come back by themselves when Podman does.",
            )
        elif state is ConnectionState.CONNECTED:
            self.message_bar.set_sticky("", "")
        if state is ConnectionState.UNSUPPORTED:
            from app.controllers import notices

            self.show_notice(notices.too_old(reason))
        elif self.pages.currentWidget() is self.notice_page and state.can_act():
            self.pages.setCurrentWidget(self.browser)

    def show_notice(self, notice: Notice | None) -> None:
        if notice is None:
            self.pages.setCurrentWidget(self.browser)
            return
        self.notice_page.show_notice(notice)
        self.pages.setCurrentWidget(self.notice_page)
        if self.session is None:
            self.connection_status.set_state(ConnectionState.UNAVAILABLE, notice.title)

    # -- geometry and layout ---------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)

    def save_layout(self) -> None:
        """Remember size, position, the page, and each list's columns and sort order."""
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_page = self.sidebar.current_kind()
        for view in self.views.values():
            view.save_state()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self.sidebar.refresh_icons()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_layout()
        self.quit_requested.emit()
        event.accept()
