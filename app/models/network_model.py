"""The network list: name, driver, subnets (IPv4 and IPv6), DNS, and who is attached.

Who is attached is not in the network list: it comes from the container list the
session already holds (each container lists its networks), handed over with set_users.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

from PySide6.QtCore import QObject

from app.engine.dto import ContainerSummary, NetworkSummary
from app.models import humanize
from app.models.resource_model import TIME_SAMPLE, Column, ResourceModel

# Podman's default network: it cannot be removed.
DEFAULT_NETWORK = "podman"


def _flags(n: NetworkSummary) -> str:
    flags = []
    if n.ipv6_enabled:
        flags.append("IPv6")
    if n.internal:
        flags.append("internal")
    return ", ".join(flags)


def network_users(containers: Iterable[ContainerSummary]) -> dict[str, tuple[str, ...]]:
    """Network name -> who is attached to it, sorted: container names, and a pod as
    "pod NAME" (its containers share the network its infra container joined, and only
    the infra container lists it)."""
    users: dict[str, set[str]] = {}
    for c in containers:
        who = f"pod {c.pod_name}" if c.is_infra and c.pod_name else c.name
        for network in c.networks:
            users.setdefault(network, set()).add(who)
    return {network: tuple(sorted(names)) for network, names in users.items()}


class NetworkModel(ResourceModel):
    kind = "networks"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._users: dict[str, tuple[str, ...]] = {}
        self.columns = (
            Column("name", "Name", lambda n: n.name, stretch=True),
            Column("driver", "Driver", lambda n: n.driver),
            Column("subnets", "Subnets", lambda n: ", ".join(n.subnets)),
            Column("dns", "DNS", lambda n: "enabled" if n.dns_enabled else "off"),
            Column(
                "used_by",
                "Used by",
                lambda n: ", ".join(self._users.get(n.name, ())),
                sort=lambda n: len(self._users.get(n.name, ())),
                tooltip=lambda n: "\n".join(self._users.get(n.name, ())),
            ),
            Column("flags", "Options", _flags, hidden=True),
            Column(
                "created",
                "Created",
                lambda n: humanize.since(n.created),
                sort=lambda n: humanize.timestamp(n.created),
                tooltip=lambda n: humanize.local_time(n.created),
                hidden=True,
                sample=TIME_SAMPLE,
            ),
            Column("id", "Network ID", lambda n: n.id[:12], tooltip=lambda n: n.id, hidden=True),
        )

    def users(self, key: Hashable) -> tuple[str, ...]:
        item = self.item(key)
        return self._users.get(item.name, ()) if item is not None else ()

    def set_users(self, users: Mapping[str, tuple[str, ...]]) -> None:
        """Who is attached to each network (by name); repaints only the rows that changed."""
        changed = [
            self.row_of(key)
            for key, item in self.items().items()
            if users.get(item.name, ()) != self._users.get(item.name, ())
        ]
        self._users = dict(users)
        column = self.column_index("used_by")
        self._emit_rows(changed, column, column)
