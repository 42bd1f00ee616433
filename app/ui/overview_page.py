"""What the active connection holds, at a glance: counts that stay live with events.

The main-window issue replaces this with the full lists; until then it is the honest
summary of what the session knows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.session import RESOURCE_KINDS, Session

_TITLES = {
    "containers": "Containers",
    "images": "Images",
    "volumes": "Volumes",
    "pods": "Pods",
    "networks": "Networks",
    "secrets": "Secrets",
}


class OverviewPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        self.heading = QLabel("Connecting…", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.detail = QLabel(self)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)

        counts = QGroupBox("What Podman holds", self)
        grid = QGridLayout(counts)
        self.counts: dict[str, QLabel] = {}
        for index, kind in enumerate(RESOURCE_KINDS):
            value = QLabel("–", counts)
            value.setObjectName(f"count-{kind}")
            vfont = value.font()
            vfont.setPointSizeF(vfont.pointSizeF() * 1.6)
            value.setFont(vfont)
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(_TITLES[kind], counts)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(value, 0, index)
            grid.addWidget(caption, 1, index)
            self.counts[kind] = value
        layout.addWidget(counts)

        self.running = QLabel(self)
        form = QFormLayout()
        form.addRow("Running containers:", self.running)
        layout.addLayout(form)
        layout.addStretch(1)
        self.session: Session | None = None

    def set_session(self, session: Session | None) -> None:
        self.session = session
        for label in self.counts.values():
            label.setText("–")
        self.running.setText("–")
        if session is None:
            return
        conn = session.connection
        self.heading.setText(
            "Local Podman (service run by this app)" if conn.source == "own-service" else conn.name
        )
        detail = conn.describe()
        self.detail.setText(detail if detail != conn.name else "")
        self.detail.setVisible(detail != conn.name)
        session.resources_changed.connect(self._on_changed)

    def _on_changed(self, kind: str, _diff: object) -> None:
        if self.session is None or kind not in self.counts:
            return
        items = self.session.items(kind)
        self.counts[kind].setText(str(len(items)))
        if kind == "containers":
            running = sum(1 for c in items.values() if c.state == "running")
            self.running.setText(str(running))
