"""Settings → Welcome: the image "Run the hello container" runs, and whether the
welcome page opens by itself at the next start."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.controllers.settings import Settings
from app.ui.settings_dialog import SettingsSection


class WelcomeSettingsSection(SettingsSection):
    title = "Welcome"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.hello_image = QLineEdit(self)
        self.hello_image.setObjectName("helloImage")
        self.hello_image.setPlaceholderText(Settings.hello_image.default)
        self.show_again = QCheckBox("Open the welcome page at the ne&xt start", self)
        self.show_again.setObjectName("welcomeAgain")
        hint = QLabel(
            "The hello image is pulled through Podman, so a mirror in "
            "<code>registries.conf</code> serves it where the registry cannot be reached. "
            "Leave it empty for Podman's own demo. The page is always in Help → Welcome.",
            self,
        )
        hint.setWordWrap(True)
        form.addRow("&Hello image:", self.hello_image)
        form.addRow(self.show_again)
        form.addRow(hint)

    def load(self, settings: Settings) -> None:
        image = settings.hello_image
        self.hello_image.setText("" if image == Settings.hello_image.default else image)
        self.show_again.setChecked(not settings.welcome_done)

    def validate(self) -> str:
        if any(c.isspace() for c in self.hello_image.text().strip()):
            return "An image reference has no spaces (for example quay.io/podman/hello)."
        return ""

    def save(self, settings: Settings) -> None:
        settings.hello_image = self.hello_image.text().strip() or Settings.hello_image.default
        settings.welcome_done = not self.show_again.isChecked()
