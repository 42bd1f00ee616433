"""Settings → Tray & machines: keeping the app in the tray when the window closes,
notifications, and starting the default machine at launch."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QWidget

from app.controllers.settings import Settings
from app.ui.settings_dialog import SettingsSection


class TraySettingsSection(SettingsSection):
    title = "Tray & machines"

    def __init__(self, parent: QWidget | None = None, tray_available: bool = True) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.close_to_tray = QCheckBox("&Keep running in the tray when the window closes", self)
        self.close_to_tray.setObjectName("closeToTray")
        self.close_to_tray.setToolTip("Only where the desktop has a system tray")
        self.close_to_tray.setEnabled(tray_available)
        form.addRow(self.close_to_tray)
        self.notifications = QCheckBox("Show &notifications", self)
        self.notifications.setObjectName("notifications")
        explain = QLabel(
            "When a machine has started or failed to start, and when a container exits "
            "with a non-zero code.",
            self,
        )
        explain.setWordWrap(True)
        self.start_default = QCheckBox("&Start the default machine when the app starts", self)
        self.start_default.setObjectName("startDefaultMachine")
        form.addRow(self.notifications)
        form.addRow(explain)
        form.addRow(self.start_default)
        if not tray_available:
            missing = QLabel(
                "This desktop has no system tray: notifications cannot be shown, and "
                "closing the window quits the app.",
                self,
            )
            missing.setObjectName("noTray")
            missing.setWordWrap(True)
            form.addRow(missing)

    def load(self, settings: Settings) -> None:
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.notifications.setChecked(settings.notifications_enabled)
        self.start_default.setChecked(settings.start_default_machine)

    def save(self, settings: Settings) -> None:
        settings.close_to_tray = self.close_to_tray.isChecked()
        settings.notifications_enabled = self.notifications.isChecked()
        settings.start_default_machine = self.start_default.isChecked()
