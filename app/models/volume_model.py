"""The volume list, keyed by name, with the containers that mount each volume.

Who uses a volume is not in the volume list: the window learns it separately
(Client.volume_users) and hands it over with set_users.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from PySide6.QtCore import QObject

from app.models import humanize
from app.models.resource_model import TIME_SAMPLE, Column, ResourceModel


class VolumeModel(ResourceModel):
    kind = "volumes"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._users: dict[Hashable, tuple[str, ...]] = {}
        self.users_known = False
        self.columns = (
            Column("name", "Name", lambda v: v.name, stretch=True),
            Column("driver", "Driver", lambda v: v.driver, hidden=True),
            Column(
                "used_by",
                "Used by",
                lambda v: ", ".join(self._users.get(v.name, ())),
                sort=lambda v: len(self._users.get(v.name, ())),
                tooltip=lambda v: ", ".join(self._users.get(v.name, ())),
            ),
            # Where Podman keeps the data: on a machine, a path inside its VM.
            Column(
                "mountpoint",
                "Mount point",
                lambda v: v.mountpoint,
                tooltip=lambda v: v.mountpoint,
                hidden=True,
                max_width=360,
            ),
            Column(
                "created",
                "Created",
                lambda v: humanize.since(v.created),
                sort=lambda v: humanize.timestamp(v.created),
                tooltip=lambda v: humanize.local_time(v.created),
                sample=TIME_SAMPLE,
            ),
        )

    def users(self, name: Hashable) -> tuple[str, ...]:
        return self._users.get(name, ())

    def set_users(self, users: Mapping[Hashable, tuple[str, ...]]) -> None:
        """Who mounts each volume; repaints only the rows whose users changed."""
        changed = [
            self.row_of(name)
            for name in set(users) | set(self._users)
            if users.get(name, ()) != self._users.get(name, ()) and self.row_of(name) >= 0
        ]
        self._users = dict(users)
        self.users_known = True
        column = self.column_index("used_by")
        self._emit_rows(changed, column, column)

    def unused(self) -> list[Any]:
        return [v for v in self.items().values() if not self._users.get(v.name)]
