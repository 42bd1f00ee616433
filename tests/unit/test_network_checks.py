"""The checks of the network forms, before Podman is asked, and what a create sends."""

from __future__ import annotations

from app.controllers import network_checks as checks
from app.engine.network_records import NetworkSpec, SubnetSpec, attachment_from_inspect


def test_subnet_rows_parse_and_hold_their_gateway_and_range() -> None:
    rows = [
        SubnetSpec("10.5.0.0/24", "10.5.0.1", "10.5.0.10", "10.5.0.20"),
        SubnetSpec("10.6.0.0/24", "10.7.0.1"),
        SubnetSpec("10.8.0.0/24", "", "10.8.0.10", "10.9.0.20"),
        SubnetSpec("10.10.0.0/24", "", "10.10.0.30", "10.10.0.20"),
        SubnetSpec("10.11.0.0/24", "", "10.11.0.30"),
        SubnetSpec("nonsense"),
        SubnetSpec("10.12.0.0/24", "10.12.0.0"),
        SubnetSpec("", "10.1.1.1"),
    ]
    assert checks.subnet_problems(rows, ipv6=False, taken=()) == [
        "",
        "The gateway 10.7.0.1 is not inside 10.6.0.0/24.",
        "The range 10.8.0.10–10.9.0.20 is not inside 10.8.0.0/24.",
        "The range's first address comes after its last.",
        "A range needs both its first and its last address.",
        "A subnet in CIDR form, such as 10.89.1.0/24 or fd00:1::/64.",
        "The gateway 10.12.0.0 is the subnet's own network or broadcast address.",
        "A subnet is needed for this gateway or range.",
    ]


def test_overlaps_with_each_other_and_other_networks_and_ipv6_needs_ipv6() -> None:
    rows = [SubnetSpec("10.5.0.0/16"), SubnetSpec("10.5.3.0/24"), SubnetSpec("fd00:5::/64")]
    taken = [("podman", "10.88.0.0/16"), ("old", "fd00:5::/48")]
    assert checks.subnet_problems(rows, ipv6=False, taken=taken) == [
        "",
        "Overlaps subnet 1 (10.5.0.0/16).",
        "An IPv6 subnet needs IPv6 turned on.",
    ]
    assert checks.subnet_problems(rows[2:], ipv6=True, taken=taken) == [
        "Overlaps fd00:5::/48, used by network “old”."
    ]
    # IPv4 and IPv6 never overlap each other; the default network's 10.88/16 stays free.
    assert checks.subnet_problems([SubnetSpec("10.89.0.0/24")], True, taken) == [""]


def test_names_interfaces_static_addresses_and_dns_servers() -> None:
    assert checks.name_problem("", []) == "A name is needed."
    assert checks.name_problem("-x", []).startswith("Letters, digits")
    assert checks.name_problem("web", ["web"]) == "A network named “web” exists already."
    assert checks.name_problem("web.1_a-b", ["web"]) == ""
    assert checks.interface_problem("", "bridge") == ""
    assert checks.interface_problem("", "macvlan").startswith("A parent interface is needed")
    assert checks.interface_problem("a-very-long-name-indeed", "bridge")
    subnets = ("10.5.0.0/24", "fd00:5::/64")
    assert checks.static_address_problem("10.5.0.9", 4, subnets) == ""
    assert checks.static_address_problem("fd00:5::9", 6, subnets) == ""
    assert checks.static_address_problem("10.6.0.9", 4, subnets) == (
        "10.6.0.9 is not inside 10.5.0.0/24."
    )
    assert checks.static_address_problem("fd00:5::9", 4, subnets).startswith("An IPv4 address")
    assert checks.static_address_problem("10.5.0.0", 4, subnets) == (
        "10.5.0.0 is the subnet's own address."
    )
    assert checks.static_address_problem("fd00::1", 6, ("10.5.0.0/24",)) == (
        "This network has no IPv6 subnet."
    )
    assert checks.dns_servers_problem("1.1.1.1, 2606:4700::1111") == ""
    assert checks.dns_servers_problem("1.1.1.1 dns.example") == "Not an IP address: dns.example."
    assert checks.parse_labels("a=1\n\nb\n c = d=e ") == (("a", "1"), ("b", ""), ("c", "d=e"))


def test_the_body_and_the_command_say_the_same() -> None:
    spec = NetworkSpec(
        "dual",
        interface="br-dual",
        ipv6=True,
        subnets=(
            SubnetSpec("10.5.0.0/24", "10.5.0.1", "10.5.0.10", "10.5.0.20"),
            SubnetSpec("fd00:5::/64"),
        ),
        dns=False,
        labels=(("team", "web"),),
    )
    assert spec.body() == {
        "name": "dual",
        "driver": "bridge",
        "ipv6_enabled": True,
        "internal": False,
        "dns_enabled": False,
        "network_interface": "br-dual",
        "subnets": [
            {
                "subnet": "10.5.0.0/24",
                "gateway": "10.5.0.1",
                "lease_range": {"start_ip": "10.5.0.10", "end_ip": "10.5.0.20"},
            },
            {"subnet": "fd00:5::/64"},
        ],
        "labels": {"team": "web"},
    }
    assert spec.command() == (
        "podman network create --interface-name=br-dual --ipv6 --subnet=10.5.0.0/24 "
        "--gateway=10.5.0.1 --ip-range=10.5.0.10-10.5.0.20 --subnet=fd00:5::/64 "
        "--disable-dns --label=team=web dual"
    )
    macvlan = NetworkSpec("lan", driver="macvlan", interface="eth0")
    assert macvlan.command() == "podman network create --driver=macvlan --opt=parent=eth0 lan"


def test_an_attachment_reads_both_families_and_drops_podmans_own_alias() -> None:
    inspect = {
        "Id": "0123456789ab" + "c" * 52,
        "Name": "web",
        "State": {"Status": "running"},
        "NetworkSettings": {
            "Networks": {
                "dual": {
                    "IPAddress": "10.5.0.9",
                    "IPPrefixLen": 24,
                    "GlobalIPv6Address": "fd00:5::9",
                    "GlobalIPv6PrefixLen": 64,
                    "Aliases": ["api", "0123456789ab"],
                }
            }
        },
    }
    found = attachment_from_inspect(inspect, "dual")
    assert (found.ipv4, found.ipv6, found.aliases) == (
        ("10.5.0.9/24",),
        ("fd00:5::9/64",),
        ("api",),
    )
    assert attachment_from_inspect(inspect, "other") is None


def test_secondary_addresses_keep_their_prefix() -> None:
    # As Podman 4.3 on netavark reports a network with two IPv4 subnets (measured).
    inspect = {
        "Id": "f" * 64,
        "Name": "web",
        "NetworkSettings": {
            "Networks": {
                "dual": {
                    "IPAddress": "10.5.0.2",
                    "IPPrefixLen": 24,
                    "SecondaryIPAddresses": [{"Addr": "10.6.0.42", "PrefixLength": 24}],
                }
            }
        },
    }
    assert attachment_from_inspect(inspect, "dual").ipv4 == ("10.5.0.2/24", "10.6.0.42/24")
