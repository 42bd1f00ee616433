"""The main window beside the tray icon: a click on the icon shows or hides it, closing
it hides it to the tray when the tray policy says so, and it can start there."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from app.controllers.tray_policy import TrayPolicy
from app.ui.main_window import MainWindow
from app.ui.tray import Tray


class WindowInTray(QObject):
    """Shows, hides and raises the main window for the tray (``tray`` None: no tray)."""

    def __init__(
        self,
        window: MainWindow,
        tray: Tray | None,
        policy: TrayPolicy,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window, self.tray, self.policy = window, tray, policy
        if tray is not None:
            tray.toggle_window_requested.connect(self.toggle_window)
        window.installEventFilter(self)

    @property
    def in_tray(self) -> bool:
        return self.tray is not None and self.tray.icon.isVisible()

    def start(self, minimized: bool) -> None:
        """Show the tray icon, and the window unless it starts in the tray."""
        if self.tray is not None:
            self.tray.show()
        if self.policy.shows_window_at_start(minimized, self.in_tray):
            self.window.show()

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def show_page(self, kind: str) -> None:
        self.show_window()
        self.window.show_page(kind)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and self.policy.hides_on_close(self.in_tray)
        ):
            event.ignore()
            self.window.save_layout()
            self.window.hide()
            self.policy.hidden_to_tray()
            return True
        return False
