"""The main window: a sidebar of lists (Containers, Images, …), a search box, the
message bar and the connection status bar; a notice page when there is nothing to list.

It lays out and routes: each list page owns its model and actions, the session feeds
the models with diffs.
"""

from __future__ import annotations

import time
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
from app.ui import accessibility, status_bar
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
    log_requested(), inspect_requested(str container_id), welcome_requested(),
    terminal_requested(str container_id)
    """

    settings_requested = Signal()
    quit_requested = Signal()
    notice_action = Signal(str)
    about_requested = Signal()
    log_requested = Signal()
    inspect_requested = Signal(str)
    welcome_requested = Signal()
    terminal_requested = Signal(str)

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
        # The welcome page (set_welcome_page) covers the lists or the notice page while it
        # shows; what it covers keeps changing underneath and shows when it closes.
        self.welcome_page: QWidget | None = None
        self._underneath: QWidget = self.browser
        self.notice_page.action_requested.connect(self.notice_action)
        self.notice_page.action_requested.connect(self._on_notice_button)
        self._retry_pressed = False
        self.connection_status = status_bar.install(self.statusBar())
        self._build_menus()
        self._set_focus_order()
        accessibility.finish_window(self)
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
        self.extra_pages: dict[str, QWidget] = {}  # pages that are not lists (System)
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
        self.containers.terminal_requested.connect(self.terminal_requested)
        self.views["pods"].show_containers.connect(self._show_pod_containers)

        self.title = QLabel(browser)
        self.title.setObjectName("pageTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.search = QLineEdit(browser)
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search")
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
        delete.activated.connect(self._delete_selected)
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
        self.view_menu = view_menu = self.menuBar().addMenu("&View")
        find = QAction("&Find…", self, shortcut=QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        refresh = QAction("&Reload Lists", self, shortcut=QKeySequence("F5"))
        refresh.setToolTip("Ask Podman for every list now (they also update by themselves)")
        refresh.triggered.connect(self.reload)
        view_menu.addAction(find)
        view_menu.addAction(refresh)
        # The current page's columns, as its header's right-click menu offers them: the
        # way to them by keyboard.
        self.columns_menu = view_menu.addMenu("Co&lumns")
        self.columns_menu.setObjectName("viewColumns")
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        self._columns_source: QMenu | None = None
        view_menu.addSeparator()
        for number, (kind, view) in enumerate(self.views.items(), start=1):
            action = QAction(f"&{view.title}", self, shortcut=QKeySequence(f"Ctrl+{number}"))
            action.setObjectName(f"page:{kind}")
            action.triggered.connect(lambda _=False, k=kind: self.go_to_page(k))
            view_menu.addAction(action)
        self.page_actions_menu = view_menu
        self.help_menu = help_menu = self.menuBar().addMenu("&Help")
        open_log = QAction("Open &Log File", self)
        open_log.triggered.connect(self.log_requested)
        about = QAction(f"&About {APP_NAME}", self)
        about.triggered.connect(self.about_requested)
        welcome = QAction("&Welcome", self)
        welcome.setObjectName("helpWelcome")
        welcome.setToolTip("Check Podman, run the hello container, find the main tasks")
        welcome.triggered.connect(self.welcome_requested)
        help_menu.addAction(welcome)
        help_menu.addAction(open_log)
        help_menu.addAction(about)
        self.find_action, self.reload_action = find, refresh

    def add_page(self, kind: str, page: QWidget) -> None:
        """A page that is not a list (the System page): in the sidebar after the lists,
        on the next Ctrl+number, without the search box."""
        self.extra_pages[kind] = page
        self.stack.addWidget(page)
        self.sidebar.add_page(kind, page.title)
        number = len(self.views) + len(self.extra_pages)
        action = QAction(f"&{page.title}", self, shortcut=QKeySequence(f"Ctrl+{number}"))
        action.setObjectName(f"page:{kind}")
        action.triggered.connect(lambda _=False: self.sidebar.select(kind))
        self.page_actions_menu.addAction(action)
        controls = getattr(page, "focus_order", lambda: [])()
        for first, second in zip([self.search, *controls], controls, strict=False):
            QWidget.setTabOrder(first, second)  # after the search box, hidden on this page
        if self.settings.window_page == kind:
            self.sidebar.select(kind)

    def _delete_selected(self) -> None:
        view = self.stack.currentWidget()
        if isinstance(view, ResourceView):
            view.remove_selected()

    def _set_focus_order(self) -> None:
        """Tab: sidebar → search → the message bar's Dismiss → the page's toolbar → the
        list (each page in turn: Qt skips the hidden ones) → the status bar's Retry."""
        chain = [self.sidebar, self.search, self.message_bar.dismiss_button]
        for view in self.views.values():
            chain += view.focus_order()
        chain.append(self.connection_status.retry_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _fill_columns_menu(self) -> None:
        """Rebuilt as it opens, from the page shown now (its columns differ per page)."""
        if self._columns_source is not None:
            self._columns_source.deleteLater()
            self._columns_source = None
        self.columns_menu.clear()
        if not isinstance(self.stack.currentWidget(), ResourceView):
            self.columns_menu.addAction("No columns on this page").setEnabled(False)
            return
        self._columns_source = self.current_view().column_header.column_menu()
        for action in self._columns_source.actions():
            self.columns_menu.addAction(action)

    def add_menu(self, menu: QMenu) -> None:
        """Add ``menu`` to the menu bar before Help, which stays last (platform convention)."""
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)

    # -- pages and search ------------------------------------------------------------

    def go_to_page(self, kind: str) -> None:
        """Ctrl+1…Ctrl+7: show a page and put the keyboard in its list."""
        self.sidebar.select(kind)
        self.views[kind].focus_list()

    def current_view(self) -> ResourceView:
        return self.stack.currentWidget()

    def show_page(self, kind: str) -> None:
        page = self.extra_pages.get(kind)
        self.search.setVisible(page is None)
        if page is not None:
            self.stack.setCurrentWidget(page)
            if self.sidebar.current_kind() != kind:
                self.sidebar.select(kind)
            self.title.setText(page.title)
            return
        view = self.views[kind]
        self.stack.setCurrentWidget(view)
        if self.sidebar.current_kind() != kind:
            self.sidebar.select(kind)
        self.title.setText(view.title)
        self.search.setPlaceholderText(f"Search {view.title.lower()}  (Ctrl+F)")
        self.search.setAccessibleName(f"Search {view.title.lower()}")
        view.set_filter_text(self.search.text())
        if kind == "machines" and view.model.availability is None:
            self._tasks.spawn(view.refresh())
        elif self.session is not None:
            self._tasks.spawn(self.session.refresh_if_stale(kind))

    def _on_search(self, text: str) -> None:
        view = self.stack.currentWidget()
        if isinstance(view, ResourceView):
            view.set_filter_text(text)

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
        self._retry_pressed = False
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
            self.connection_status.set_no_connection("No connection")
            return
        page = self.sidebar.current_kind()
        if page in self.views and page != "machines":
            session.first_kinds = (page,)  # the page in view is listed first
        self.connection_status.set_connection(
            session.connection.name, session.connection.describe()
        )
        self.connection_status.set_version("")
        self.connection_status.set_state(session.state, session.reason)
        session.state_changed.connect(self._on_state)
        session.version_known.connect(lambda v: self.connection_status.set_version(v.version))
        session.resources_changed.connect(self._on_resources)
        host = session.connection.port_host
        self.containers.model.port_host = host
        self._show_browser()
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
            # Only a connection that answered is lost (one that never did gets the notice
            # page), so there are last known rows to grey: Podman always lists a network.
            why = f" ({reason})" if reason else ""
            self.message_bar.set_sticky(
                "warning",
                f"Podman is not answering{why}. The lists show the last known state, greyed; "
                "they come back by themselves when Podman does.",
            )
        elif state in (ConnectionState.CONNECTED, ConnectionState.NOT_CONNECTED):
            self.message_bar.set_sticky("", "")
        if state is not ConnectionState.CONNECTING and self._retry_pressed:
            self._retry_pressed = False
            if state is ConnectionState.NOT_CONNECTED and self._showing_notice():
                # Said, or a Retry that failed as fast as a missing socket fails would look
                # as if nothing had happened.
                when = time.strftime("%H:%M:%S")
                self.notice_page.set_status(f"Tried again at {when}: still no answer.")
        if state is ConnectionState.UNSUPPORTED:
            from app.controllers import notices

            self.show_notice(notices.too_old(reason))
        elif self._showing_notice() and state.can_act():
            self._show_browser()

    def show_notice(self, notice: Notice | None) -> None:
        if notice is None:
            self._show_browser()
            return
        appears = not self._showing_notice()
        self.notice_page.show_notice(notice)
        self._show(self.notice_page)
        if appears and not self.welcome_showing():
            # The lists (and whatever had the keyboard there) are gone: the page's first
            # button takes the keyboard, so Tab and Enter act on the page.
            self.notice_page.focus_first_button()
        if self.session is None:
            self.connection_status.set_no_connection(notice.title)

    def set_connection_menu(self, menu: QMenu) -> None:
        """The connection switcher, opened by the notice page's "Choose another connection…"."""
        self.notice_page.set_action_menu("choose-connection", menu)

    def post_message(self, level: str, text: str) -> None:
        """A message for the user: in the message bar, and under the notice page's buttons
        while that page hides the message bar."""
        self.message_bar.post(level, text)
        if self._showing_notice():
            self.notice_page.set_status(text)

    def _on_notice_button(self, action: str) -> None:
        if action == "retry-connection":
            self._retry_pressed = True
            self.notice_page.set_status("Trying again…")

    def _show_browser(self) -> None:
        self._show(self.browser)
        self.notice_page.forget()

    def _showing_notice(self) -> bool:
        """Whether the notice page is up (perhaps under the welcome page)."""
        return self._underneath is self.notice_page

    def _show(self, page: QWidget) -> None:
        self._underneath = page
        if not self.welcome_showing():
            self.pages.setCurrentWidget(page)

    # -- the welcome page ------------------------------------------------------------

    def set_welcome_page(self, page: QWidget) -> None:
        self.welcome_page = page
        self.pages.addWidget(page)

    def welcome_showing(self) -> bool:
        return self.welcome_page is not None and self.pages.currentWidget() is self.welcome_page

    def show_welcome(self) -> None:
        """Cover the lists (or the notice page) with the welcome page."""
        if self.welcome_page is not None:
            self.pages.setCurrentWidget(self.welcome_page)

    def close_welcome(self) -> None:
        """Back to what the welcome page covered: the lists, or the notice page."""
        if self.welcome_showing():
            self.pages.setCurrentWidget(self._underneath)
            if self._underneath is self.notice_page:
                self.notice_page.focus_first_button()
            else:
                self.current_view().focus_list()

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
