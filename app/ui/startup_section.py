"""Settings → Startup: start the app at login, minimized to the tray."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QWidget

from app.controllers.autostart import Autostart
from app.controllers.settings import Settings
from app.support import log
from app.ui.settings_dialog import SettingsSection

_log = log.get("settings")

# Where the user turns it on or off where the app does not write the entry itself.
_ELSEWHERE = {
    "win32": "On Windows the installer's “Start at login” option sets this up; turn it "
    "off under Settings → Apps → Startup.",
    "darwin": "On macOS add the app under System Settings → General → Login Items.",
}


class StartupSection(SettingsSection):
    title = "Startup"

    def __init__(self, autostart: Autostart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.autostart = autostart
        form = QFormLayout(self)
        self.at_login = QCheckBox("Start at &login, minimized to the tray", self)
        self.at_login.setObjectName("startAtLogin")
        self.at_login.setAccessibleName("Start at login, minimized to the tray")
        self.at_login.setEnabled(autostart.supported)
        form.addRow(self.at_login)
        if autostart.supported:
            command = " ".join([*autostart.command, "--minimized"])
            text = f"Adds {autostart.path} to your desktop's startup programs; it runs “{command}”."
        else:
            text = _ELSEWHERE.get(sys.platform, "Not available on this system.")
        self.where = QLabel(text, self)
        self.where.setObjectName("startAtLoginWhere")
        self.where.setWordWrap(True)
        form.addRow(self.where)

    def load(self, settings: Settings) -> None:
        self.at_login.setChecked(self.autostart.supported and self.autostart.enabled())

    def save(self, settings: Settings) -> None:
        if not self.autostart.supported:
            return
        wanted = self.at_login.isChecked()
        if wanted == self.autostart.enabled():
            return
        try:
            self.autostart.set_enabled(wanted)
        except OSError as exc:
            # The dialog shows the real state when it opens again.
            _log.warning("cannot change the autostart entry %s: %s", self.autostart.path, exc)
