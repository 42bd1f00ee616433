"""The `podman machine` list, keyed by name, plus why it may be empty."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import QObject, Qt

from app.engine.cli.machines import Machine, MachineAvailability, MachineListing
from app.models import dots, humanize
from app.models.resource_model import Column, ResourceModel

_STATE_COLORS = {"running": dots.GREEN, "starting": dots.AMBER, "stopped": dots.GREY}


class MachineModel(ResourceModel):
    """Signals: count_changed(int). ``availability``/``message`` say why there are no rows."""

    kind = "machines"
    columns = (
        Column("name", "Name", lambda m: m.name, stretch=True),
        Column("vm_type", "VM type", lambda m: m.vm_type),
        Column("state", "State", lambda m: m.state.capitalize()),
        Column(
            "cpus", "CPUs", lambda m: str(m.cpus or ""), sort=lambda m: m.cpus, right_aligned=True
        ),
        Column(
            "memory",
            "Memory",
            lambda m: humanize.size(m.memory) if m.memory else "",
            sort=lambda m: m.memory,
            right_aligned=True,
        ),
        Column(
            "disk",
            "Disk",
            lambda m: humanize.size(m.disk_size) if m.disk_size else "",
            sort=lambda m: m.disk_size,
            right_aligned=True,
        ),
        Column("default", "Default", lambda m: "Default" if m.default else ""),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.availability: MachineAvailability | None = None
        self.message = ""

    def set_listing(self, listing: MachineListing) -> None:
        self.availability, self.message = listing.availability, listing.message
        self.set_items({m.name: m for m in listing.machines})

    def extra_data(self, key: Hashable, item: Machine, column: Column, role: int) -> Any:
        if column.name == "state" and role == Qt.ItemDataRole.DecorationRole:
            return dots.dot(_STATE_COLORS.get(item.state, dots.GREY))
        return None
