"""The pod list: name, state, its containers (the infra container not counted)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import Qt

from app.engine.dto import PodSummary
from app.models import dots, humanize
from app.models.pod_status import PodStatus
from app.models.resource_model import TIME_SAMPLE, Column, ResourceModel


def _members(p: PodSummary) -> list:
    return [c for c in p.containers if c.id != p.infra_id]


def _containers_text(p: PodSummary) -> str:
    members = _members(p)
    running = sum(1 for c in members if c.status == "running")
    if not members:
        return "none"
    names = ", ".join(c.name for c in members)
    return f"{len(members)} ({running} running): {names}"


class PodModel(ResourceModel):
    """Pods by id. Pending transitions are PodStatus values."""

    kind = "pods"
    columns = (
        Column("name", "Name", lambda p: p.name, stretch=True),
        Column("state", "State", lambda p: "", sort=lambda p: p.status.lower(), sample="Degraded"),
        Column(
            "containers",
            "Containers",
            _containers_text,
            sort=lambda p: len(_members(p)),
            tooltip=_containers_text,
            max_width=360,
        ),
        Column(
            "created",
            "Created",
            lambda p: humanize.since(p.created),
            sort=lambda p: humanize.timestamp(p.created),
            tooltip=lambda p: humanize.local_time(p.created),
            sample=TIME_SAMPLE,
        ),
        Column("id", "Pod ID", lambda p: p.id[:12], tooltip=lambda p: p.id, hidden=True),
    )

    def has_state_column(self) -> bool:
        return True

    def status(self, key: Hashable) -> PodStatus:
        pending = self.pending(key)
        if pending is not None:
            return pending
        item = self.item(key)
        return PodStatus.from_status(item.status) if item else PodStatus.UNKNOWN

    def text(self, key: Hashable, item: Any, column: Column) -> str:
        if column.name == "state":
            return self.status(key).label
        return super().text(key, item, column)

    def extra_data(self, key: Hashable, item: Any, column: Column, role: int) -> Any:
        if column.name == "state" and role == Qt.ItemDataRole.DecorationRole:
            status = self.status(key)
            return dots.dot(dots.GREY if self.stale else status.color, status.is_transition())
        return None
