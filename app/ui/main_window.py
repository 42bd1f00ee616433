"""The main window shell: a page per situation, and the connection status bar."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from app import APP_NAME
from app.models.connection_state import ConnectionState
from app.notices import Notice
from app.session import Session
from app.settings import Settings
from app.ui import status_bar
from app.ui.notice_page import NoticePage
from app.ui.overview_page import OverviewPage


class MainWindow(QMainWindow):
    """Signals:
    settings_requested(), quit_requested(), notice_action(str), about_requested(),
    log_requested()
    """

    settings_requested = Signal()
    quit_requested = Signal()
    notice_action = Signal(str)
    about_requested = Signal()
    log_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 700)
        self.pages = QStackedWidget(self)
        self.overview = OverviewPage(self.pages)
        self.notice_page = NoticePage(self.pages)
        self.pages.addWidget(self.overview)
        self.pages.addWidget(self.notice_page)
        self.setCentralWidget(self.pages)
        self.notice_page.action_requested.connect(self.notice_action)
        self.connection_status = status_bar.install(self.statusBar())
        self._build_menus()
        self.session: Session | None = None
        self._restore_geometry()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        settings = QAction("&Settings…", self, shortcut=QKeySequence.StandardKey.Preferences)
        settings.triggered.connect(self.settings_requested)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_requested)
        file_menu.addAction(settings)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        open_log = QAction("Open &Log File", self)
        open_log.triggered.connect(self.log_requested)
        about = QAction(f"&About {APP_NAME}", self)
        about.triggered.connect(self.about_requested)
        help_menu.addAction(open_log)
        help_menu.addAction(about)

    # -- what the manager tells us -------------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.overview.set_session(session)
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
        self.pages.setCurrentWidget(self.overview)

    def _on_state(self, state: ConnectionState, reason: str) -> None:
        self.connection_status.set_state(state, reason)
        if state is ConnectionState.UNSUPPORTED:
            from app import notices

            self.show_notice(notices.too_old(reason))
        elif self.pages.currentWidget() is self.notice_page and state.can_act():
            self.pages.setCurrentWidget(self.overview)

    def show_notice(self, notice: Notice | None) -> None:
        if notice is None:
            self.pages.setCurrentWidget(self.overview)
            return
        self.notice_page.show_notice(notice)
        self.pages.setCurrentWidget(self.notice_page)
        if self.session is None:
            self.connection_status.set_state(ConnectionState.UNAVAILABLE, notice.title)

    # -- geometry ------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.settings.window_geometry = self.saveGeometry()
        self.quit_requested.emit()
        event.accept()
