"""The checks of network forms, before Podman is asked: names, subnets, gateways, ranges,
overlaps, static addresses. Each returns the reason something is wrong ("" when fine),
in words a user can act on. Plain data in and out, the ``ipaddress`` module underneath.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from app.engine.network_records import SubnetSpec

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# libpod's NameRegex: a network name is refused by Podman otherwise.
NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
# Linux interface names: at most 15 bytes, no slash, colon or white space.
INTERFACE = re.compile(r"^[^/:\s]{1,15}$")


def name_problem(name: str, existing: Iterable[str]) -> str:
    if not name:
        return "A name is needed."
    if not NAME.match(name):
        return "Letters, digits, “_”, “.” and “-” only, starting with a letter or digit."
    if name in set(existing):
        return f"A network named “{name}” exists already."
    return ""


def interface_problem(text: str, driver: str) -> str:
    if not text:
        return (
            "A parent interface is needed (the host's device, such as eth0)."
            if (driver != "bridge")
            else ""
        )
    return "" if INTERFACE.match(text) else "An interface name: up to 15 characters, no spaces."


def parse_subnet(text: str) -> tuple[Network | None, str]:
    """The subnet and "", or None and why it does not parse."""
    try:
        net = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        if "has host bits set" in str(exc):
            try:
                fixed = ipaddress.ip_network(text.strip(), strict=False)
            except ValueError:
                fixed = None
            if fixed is not None:
                return None, f"Host bits are set: the subnet is {fixed}."
        return None, "A subnet in CIDR form, such as 10.89.1.0/24 or fd00:1::/64."
    return net, ""


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def subnet_problems(
    subnets: list[SubnetSpec], ipv6: bool, taken: Iterable[tuple[str, str]]
) -> list[str]:
    """One reason per row ("" when the row is fine): the subnet parses, its gateway and
    range lie inside it, IPv6 subnets only with IPv6 on, no overlap with another row or
    with a subnet another network (``taken``: (network, cidr)) already uses."""
    parsed: list[Network | None] = []
    reasons: list[str] = []
    for row in subnets:
        net, why = parse_subnet(row.subnet) if row.subnet.strip() else (None, "")
        parsed.append(net)
        if not row.subnet.strip():
            extra = row.gateway or row.range_start or row.range_end
            reasons.append("A subnet is needed for this gateway or range." if extra else "")
            continue
        reasons.append(why or _inside_problem(net, row))
    others = []
    for network, cidr in taken:
        other, _ = parse_subnet(cidr)
        if other is not None:
            others.append((network, other))
    for i, net in enumerate(parsed):
        if net is None or reasons[i]:
            continue
        if net.version == 6 and not ipv6:
            reasons[i] = "An IPv6 subnet needs IPv6 turned on."
            continue
        for j, earlier in enumerate(parsed[:i]):
            if earlier is not None and earlier.version == net.version and net.overlaps(earlier):
                reasons[i] = f"Overlaps subnet {j + 1} ({earlier})."
                break
        else:
            for network, other in others:
                if other.version == net.version and net.overlaps(other):
                    reasons[i] = f"Overlaps {other}, used by network “{network}”."
                    break
    return reasons


def _inside_problem(net: Network, row: SubnetSpec) -> str:
    if row.gateway:
        gateway = _address(row.gateway)
        if gateway is None:
            return f"The gateway “{row.gateway}” is not an IP address."
        if gateway not in net:
            return f"The gateway {gateway} is not inside {net}."
        if gateway in (net.network_address, net.broadcast_address) and net.num_addresses > 2:
            return f"The gateway {gateway} is the subnet's own network or broadcast address."
    if bool(row.range_start) != bool(row.range_end):
        return "A range needs both its first and its last address."
    if row.range_start:
        start, end = _address(row.range_start), _address(row.range_end)
        if start is None or end is None:
            return "The range's ends must be IP addresses."
        if start not in net or end not in net:
            return f"The range {start}–{end} is not inside {net}."
        if int(start) > int(end):
            return "The range's first address comes after its last."
    return ""


def dns_servers_problem(text: str) -> str:
    bad = [word for word in split_list(text) if _address(word) is None]
    return f"Not an IP address: {', '.join(bad)}." if bad else ""


def labels_problem(text: str) -> str:
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if line.strip() and not key:
            return f"A label needs a key: “{line.strip()}”."
    return ""


def parse_labels(text: str) -> tuple[tuple[str, str], ...]:
    """KEY=VALUE lines (a bare KEY has an empty value)."""
    labels = []
    for line in text.splitlines():
        if line.strip():
            key, _, value = line.partition("=")
            labels.append((key.strip(), value.strip()))
    return tuple(labels)


def split_list(text: str) -> list[str]:
    """Words separated by commas or white space."""
    return [w for w in re.split(r"[,\s]+", text.strip()) if w]


def static_address_problem(text: str, version: int, subnets: Iterable[str]) -> str:
    """A static address of one IP ``version`` must lie inside one of the network's
    subnets of that version, and not be a subnet's own network or gateway address."""
    if not text.strip():
        return ""
    address = _address(text)
    family = "IPv4" if version == 4 else "IPv6"
    if address is None or address.version != version:
        return f"An {family} address, such as {'10.89.0.10' if version == 4 else 'fd00::10'}."
    nets = [n for n in (parse_subnet(s)[0] for s in subnets) if n and n.version == version]
    if not nets:
        return f"This network has no {family} subnet."
    for net in nets:
        if address in net:
            if address == net.network_address:
                return f"{address} is the subnet's own address."
            return ""
    return f"{address} is not inside {' or '.join(str(n) for n in nets)}."
