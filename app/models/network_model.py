"""The network list: name, driver, subnets (IPv4 and IPv6), DNS."""

from __future__ import annotations

from app.engine.dto import NetworkSummary
from app.models import humanize
from app.models.resource_model import Column, ResourceModel

# Podman's default network: it cannot be removed.
DEFAULT_NETWORK = "podman"


def _flags(n: NetworkSummary) -> str:
    flags = []
    if n.ipv6_enabled:
        flags.append("IPv6")
    if n.internal:
        flags.append("internal")
    return ", ".join(flags)


class NetworkModel(ResourceModel):
    kind = "networks"
    columns = (
        Column("name", "Name", lambda n: n.name),
        Column("driver", "Driver", lambda n: n.driver),
        Column("subnets", "Subnets", lambda n: ", ".join(n.subnets)),
        Column("dns", "DNS", lambda n: "enabled" if n.dns_enabled else "off"),
        Column("flags", "Options", _flags),
        Column(
            "created",
            "Created",
            lambda n: humanize.since(n.created),
            sort=lambda n: humanize.timestamp(n.created),
            tooltip=lambda n: humanize.local_time(n.created),
        ),
        Column("id", "Network ID", lambda n: n.id[:12], tooltip=lambda n: n.id),
    )
