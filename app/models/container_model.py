"""The container list: state with health, a status text that stays current, ports as links.

One cheap timer keeps "Up 5 minutes" and "3 hours ago" current: every tick it emits a
single dataChanged over the time-relative columns, nothing more.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from app.engine.dto import ContainerSummary
from app.models import dots, humanize
from app.models.container_status import ContainerStatus
from app.models.resource_model import LINK_ROLE, TIME_SAMPLE, Column, ResourceModel

TICK_MS = 30_000
# What the usual exit codes mean, for the State column's tooltip.
_EXIT_MEANINGS = {
    0: "it finished normally",
    125: "Podman could not run it",
    126: "its command could not be run",
    127: "its command was not found",
    130: "it was interrupted (Ctrl+C)",
    137: "it was killed (SIGKILL), or ran out of memory",
    143: "it was asked to stop (SIGTERM)",
}


def status_text(c: ContainerSummary, at=None) -> str:
    """ "Up 5 minutes", "Exited (1) 3 minutes ago", "Created": what `podman ps` prints."""
    at = at or humanize.now()
    state = ContainerStatus.from_state(c.state)
    health = f" ({c.health})" if c.health else ""
    if state in (ContainerStatus.RUNNING, ContainerStatus.PAUSED) and c.started_at:
        up = f"Up {humanize.duration((at - c.started_at).total_seconds())}"
        return up + (" (Paused)" if state is ContainerStatus.PAUSED else health)
    if state in (ContainerStatus.EXITED, ContainerStatus.STOPPED):
        when = humanize.ago(c.exited_at, at)
        return f"Exited ({c.exit_code}) {when}".strip()
    if c.status:
        return c.status
    return state.label


def _changed_at(c: ContainerSummary):
    """When the container last started or stopped (None: never started)."""
    state = ContainerStatus.from_state(c.state)
    if state in (ContainerStatus.EXITED, ContainerStatus.STOPPED):
        return c.exited_at
    return c.started_at


def since_text(c: ContainerSummary) -> str:
    """ "5 minutes ago": since when the container is in its state ("" if never started)."""
    if ContainerStatus.from_state(c.state) is ContainerStatus.CREATED:
        return ""
    return humanize.since(_changed_at(c))


def _since_tooltip(c: ContainerSummary) -> str:
    when = humanize.local_time(_changed_at(c))
    return f"{status_text(c)}\n{when}" if when else status_text(c)


def state_text(c: ContainerSummary, status: ContainerStatus) -> str:
    """ "Running", "Exited (137)", "Running (unhealthy)", "Stopping…"."""
    if status.is_transition():
        return status.label
    if status in (ContainerStatus.EXITED, ContainerStatus.STOPPED):
        return f"{status.label} ({c.exit_code})"
    return status.label + (f" ({c.health})" if c.health else "")


def state_tooltip(c: ContainerSummary, status: ContainerStatus) -> str:
    if status in (ContainerStatus.EXITED, ContainerStatus.STOPPED):
        meaning = _EXIT_MEANINGS.get(c.exit_code, "")
        return f"Exit code {c.exit_code}" + (f": {meaning}" if meaning else "")
    return f"Health: {c.health}" if c.health else ""


def port_text(c: ContainerSummary) -> str:
    parts = []
    for p in c.ports:
        host = p.host_port if p.count == 1 else f"{p.host_port}-{p.host_port + p.count - 1}"
        inner = (
            p.container_port
            if p.count == 1
            else f"{p.container_port}-{p.container_port + p.count - 1}"
        )
        proto = "" if p.protocol == "tcp" else f"/{p.protocol}"
        parts.append(f"{host}→{inner}{proto}")
    return ", ".join(parts)


def _span(port: int, count: int) -> str:
    return str(port) if count == 1 else f"{port}-{port + count - 1}"


def port_urls(c: ContainerSummary, host: str = "localhost") -> list[str]:
    """http://HOST:PORT for each published TCP port (docs/architecture.md, "Ports")."""
    return [f"http://{host}:{p.host_port}" for p in c.ports if p.protocol == "tcp" and p.host_port]


def _short_image(c: ContainerSummary) -> str:
    return c.image.removeprefix("docker.io/library/").removeprefix("localhost/")


class ContainerModel(ResourceModel):
    """Containers by id. Pending transitions are ContainerStatus values."""

    kind = "containers"
    # State says what a container is ("Exited (1)"), Since says from when: together
    # they hold what `podman ps` prints as STATUS, each part once.
    columns = (
        Column("name", "Name", lambda c: c.name, tooltip=lambda c: c.command, stretch=True),
        Column("state", "State", lambda c: "", sort=lambda c: c.state, sample="Stopped (137)"),
        Column(
            "status",
            "Since",
            since_text,
            sort=lambda c: humanize.timestamp(_changed_at(c)),
            tooltip=lambda c: _since_tooltip(c),
            sample=TIME_SAMPLE,
        ),
        Column("image", "Image", _short_image, tooltip=lambda c: c.image),
        Column(
            "ports",
            "Ports",
            port_text,
            tooltip=lambda c: "\n".join(map(str, c.ports)),
            max_width=220,
        ),
        Column("project", "Project", lambda c: c.compose_project, hidden=True),
        Column("pod", "Pod", lambda c: c.pod_name, hidden=True),
        Column(
            "created",
            "Created",
            lambda c: humanize.since(c.created),
            sort=lambda c: humanize.timestamp(c.created),
            tooltip=lambda c: humanize.local_time(c.created),
            hidden=True,
            sample=TIME_SAMPLE,
        ),
        Column("id", "ID", lambda c: c.id[:12], tooltip=lambda c: c.id, hidden=True),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port_host = "localhost"
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self.count_changed.connect(self._on_count)

    def has_state_column(self) -> bool:
        return True

    def status(self, key: Hashable) -> ContainerStatus:
        pending = self.pending(key)
        if pending is not None:
            return pending
        item = self.item(key)
        return ContainerStatus.from_state(item.state) if item else ContainerStatus.UNKNOWN

    def text(self, key: Hashable, item: Any, column: Column) -> str:
        if column.name == "state":
            return state_text(item, self.status(key))
        return super().text(key, item, column)

    def extra_data(self, key: Hashable, item: Any, column: Column, role: int) -> Any:
        if column.name == "state":
            if role == Qt.ItemDataRole.DecorationRole:
                status = self.status(key)
                color = dots.GREY if self.stale else status.color
                if item.health == "unhealthy" and not status.is_transition():
                    color = dots.RED
                return dots.dot(color, hollow=status.is_transition())
            if role == Qt.ItemDataRole.ToolTipRole:
                return state_tooltip(item, self.status(key)) or None
        if column.name == "ports" and item.ports:
            if role == LINK_ROLE:
                return port_urls(item, self.port_host)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setUnderline(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole and not self.stale:
                return QGuiApplication.palette().color(QPalette.ColorRole.Link)
        return None

    def _on_count(self, count: int) -> None:
        if count and not self._tick.isActive():
            self._tick.start()
        elif not count:
            self._tick.stop()

    def _on_tick(self) -> None:
        if not self.rowCount():
            return
        first, last = self.column_index("status"), self.column_index("created")
        self.dataChanged.emit(self.index(0, first), self.index(self.rowCount() - 1, last))
