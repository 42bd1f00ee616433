"""What the Stats and Processes tabs say about a container that is not running: its
state read from the inspect JSON, the words for it, and a page that says them plainly
in place of empty charts or an empty table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.engine.dto import parse_time
from app.models import humanize
from app.models.container_status import ContainerStatus as S

# The states in which a container has processes, and so figures to read. A paused one
# still holds its memory; its CPU reads zero.
_LIVE = (S.RUNNING, S.PAUSED)


@dataclass(frozen=True)
class RunState:
    """A container's state as the Stats and Processes tabs need it."""

    name: str
    status: S
    finished_at: datetime | None = None
    exit_code: int | None = None

    @classmethod
    def from_attrs(cls, name: str, status: S, attrs: Mapping[str, Any]) -> RunState:
        state = attrs.get("State") or {}
        finished = parse_time(state.get("FinishedAt"))
        code = state.get("ExitCode")
        return cls(name, status, finished, code if finished and isinstance(code, int) else None)

    @property
    def running(self) -> bool | None:
        """True while it has processes, False when it has none, None in a transition
        (the state Podman reports next decides)."""
        if self.status in _LIVE:
            return True
        if self.status.is_transition() or self.status is S.UNKNOWN:
            return None
        return False

    def stopped_words(self) -> str:
        """ "stopped 5 minutes ago (at 12:05:10), with exit code 3" and the like."""
        if self.status is S.CREATED:
            return "has not been started yet"
        if self.status in (S.EXITED, S.STOPPED) and self.finished_at is not None:
            words = f"stopped {humanize.ago(self.finished_at)} (at {clock(self.finished_at)})"
            if self.exit_code is not None:
                words += f", with exit code {self.exit_code}"
            return words
        if self.running is False:
            return f"is {self.status.label.lower()}"  # "is dead"
        return "is not running"  # Podman says so before the window has read it again


def clock(moment: datetime) -> str:
    """The local time of day, with the date when it is not today."""
    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


class NotRunningPage(QWidget):
    """A title and a paragraph, centred: what is not there, and what brings it."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.title = QLabel(self)
        self.title.setObjectName(f"{object_name}:title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text = QLabel(self)
        self.text.setObjectName(f"{object_name}:text")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A fixed width keeps word-wrapped text from collapsing to a sliver when centred.
        self.text.setFixedWidth(520)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def say(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)
        # A word-wrapped label in a centred layout under-reports its height: ask for it.
        self.text.setMinimumHeight(self.text.heightForWidth(self.text.width()))
