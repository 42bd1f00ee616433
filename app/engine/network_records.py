"""Plain records of networks: what a create sends, what a network's details show.

No I/O here, so the views may import this module whole (docs/layers.ini); the calls
that send and fetch them are in app/engine/networks.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.engine.command_line import CommandLine

DRIVERS = ("bridge", "macvlan", "ipvlan")


@dataclass(frozen=True)
class SubnetSpec:
    """One subnet of a network: a CIDR, and optionally its gateway and the range Podman
    hands addresses out of (``lease_range``)."""

    subnet: str
    gateway: str = ""
    range_start: str = ""
    range_end: str = ""

    def body(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"subnet": self.subnet}
        if self.gateway:
            entry["gateway"] = self.gateway
        if self.range_start or self.range_end:
            entry["lease_range"] = {"start_ip": self.range_start, "end_ip": self.range_end}
        return entry

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> SubnetSpec:
        lease = d.get("lease_range") or {}
        return cls(
            subnet=str(d.get("subnet") or ""),
            gateway=str(d.get("gateway") or ""),
            range_start=str(lease.get("start_ip") or ""),
            range_end=str(lease.get("end_ip") or ""),
        )


@dataclass(frozen=True)
class NetworkSpec:
    """A network to create, as the create dialog fills it in."""

    name: str
    driver: str = "bridge"
    interface: str = ""  # bridge: the bridge's name; macvlan/ipvlan: the parent device
    ipv6: bool = False
    subnets: tuple[SubnetSpec, ...] = ()
    internal: bool = False
    dns: bool = True
    dns_servers: tuple[str, ...] = ()  # Podman 4.4 and later with netavark
    labels: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict[str, Any]:
        """The libpod ``/networks/create`` body (a ``types.Network``)."""
        body: dict[str, Any] = {
            "name": self.name,
            "driver": self.driver,
            "ipv6_enabled": self.ipv6,
            "internal": self.internal,
            "dns_enabled": self.dns,
        }
        if self.interface:
            body["network_interface"] = self.interface
        if self.subnets:
            body["subnets"] = [s.body() for s in self.subnets]
        if self.dns_servers:
            body["network_dns_servers"] = list(self.dns_servers)
        if self.labels:
            body["labels"] = dict(self.labels)
        if self.options:
            body["options"] = dict(self.options)
        return body

    def command(self) -> str:
        """The equivalent ``podman network create`` line."""
        line = CommandLine("network", "create")
        if self.driver != "bridge":
            line.option("--driver", self.driver)
        if self.interface and self.driver == "bridge":
            line.option("--interface-name", self.interface)
        elif self.interface:
            line.option("--opt", f"parent={self.interface}")
        line.flag("--ipv6", self.ipv6)
        for subnet in self.subnets:
            # Podman pairs --gateway and --ip-range with the --subnet before them.
            line.option("--subnet", subnet.subnet)
            line.option("--gateway", subnet.gateway)
            if subnet.range_start and subnet.range_end:
                line.option("--ip-range", f"{subnet.range_start}-{subnet.range_end}")
        line.flag("--internal", self.internal)
        # Podman runs DNS for bridges only: for the others the flag would say nothing.
        line.flag("--disable-dns", not self.dns and self.driver == "bridge")
        line.options("--dns", self.dns_servers)
        line.options("--label", [f"{k}={v}" if v else k for k, v in self.labels])
        line.options("--opt", [f"{k}={v}" for k, v in self.options])
        return str(line.arg(self.name))


@dataclass(frozen=True)
class Attachment:
    """One container on a network, with the addresses it has there (none while it is
    not running: Podman gives them only to a running container)."""

    container_id: str
    name: str
    state: str = ""
    ipv4: tuple[str, ...] = ()  # address/prefix
    ipv6: tuple[str, ...] = ()
    mac: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkDetails:
    """A network's inspect data and who is on it."""

    id: str
    name: str
    driver: str = "bridge"
    interface: str = ""
    subnets: tuple[SubnetSpec, ...] = ()
    ipv6: bool = False
    internal: bool = False
    dns: bool = False
    dns_servers: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, str] = field(default_factory=dict)
    ipam_driver: str = ""
    created: str = ""
    attachments: tuple[Attachment, ...] = ()

    @classmethod
    def from_api(
        cls, d: Mapping[str, Any], attachments: tuple[Attachment, ...] = ()
    ) -> NetworkDetails:
        return cls(
            id=str(d.get("id") or ""),
            name=str(d.get("name") or ""),
            driver=str(d.get("driver") or "bridge"),
            interface=str(d.get("network_interface") or ""),
            subnets=tuple(SubnetSpec.from_api(s) for s in d.get("subnets") or ()),
            ipv6=bool(d.get("ipv6_enabled")),
            internal=bool(d.get("internal")),
            dns=bool(d.get("dns_enabled")),
            dns_servers=tuple(str(s) for s in d.get("network_dns_servers") or ()),
            labels={str(k): str(v) for k, v in (d.get("labels") or {}).items()},
            options={str(k): str(v) for k, v in (d.get("options") or {}).items()},
            ipam_driver=str((d.get("ipam_options") or {}).get("driver") or ""),
            created=str(d.get("created") or ""),
            attachments=attachments,
        )


def secondary_address(extra: Mapping[str, Any]) -> str:
    """ "ADDRESS/PREFIX" of a ``SecondaryIPAddresses`` entry: Podman names the prefix
    ``PrefixLength`` where Docker says ``PrefixLen`` (docs/podman-notes.md, "Networks")."""
    prefix = extra.get("PrefixLength", extra.get("PrefixLen", ""))
    return f"{extra.get('Addr')}/{prefix}"


def attachment_from_inspect(inspect: Mapping[str, Any], network: str) -> Attachment | None:
    """The container's place on ``network`` from its inspect data; None if not on it."""
    networks = (inspect.get("NetworkSettings") or {}).get("Networks") or {}
    entry = networks.get(network)
    if entry is None:
        return None
    ipv4, ipv6 = [], []
    if entry.get("IPAddress"):
        ipv4.append(f"{entry['IPAddress']}/{entry.get('IPPrefixLen', '')}")
    for extra in entry.get("SecondaryIPAddresses") or ():
        ipv4.append(secondary_address(extra))
    if entry.get("GlobalIPv6Address"):
        ipv6.append(f"{entry['GlobalIPv6Address']}/{entry.get('GlobalIPv6PrefixLen', '')}")
    for extra in entry.get("SecondaryIPv6Addresses") or ():
        ipv6.append(secondary_address(extra))
    short = str(inspect.get("Id") or "")[:12]
    return Attachment(
        container_id=str(inspect.get("Id") or ""),
        name=str(inspect.get("Name") or "").lstrip("/"),
        state=str((inspect.get("State") or {}).get("Status") or ""),
        ipv4=tuple(ipv4),
        ipv6=tuple(ipv6),
        mac=str(entry.get("MacAddress") or ""),
        # Podman adds the short id as an alias of its own: only the user's are shown.
        aliases=tuple(a for a in entry.get("Aliases") or () if a != short),
    )


def connect_command(
    network: str, container: str, ipv4: str = "", ipv6: str = "", aliases: tuple[str, ...] = ()
) -> str:
    """The equivalent ``podman network connect`` line."""
    line = CommandLine("network", "connect").option("--ip", ipv4).option("--ip6", ipv6)
    return str(line.options("--alias", aliases).arg(network, container))
