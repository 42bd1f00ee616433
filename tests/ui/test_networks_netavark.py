"""Networks on the netavark backend, through the window: the issue's dual-stack network
with TWO IPv4 subnets and one IPv6 subnet, a container on it with static IPv4 and IPv6
addresses, a second network connected and disconnected live, and aardvark-dns resolving
one container's name for another.

Every other test Podman runs CNI, whose bridge plugin cannot start a container on a
network with two IPv4 subnets; these run on ``netavark_podman``, a private store on
netavark (docs/podman-notes.md, "Networks"). Subnets and bridge names are random, as in
tests/ui/test_networks.py: interfaces and routes are shared with every Podman here.
"""

from __future__ import annotations

import ipaddress
import json

import pytest

from app.controllers.inspector_manager import InspectorManager
from app.controllers.network_actions import NetworkActions
from app.engine import networks
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError
from app.engine.http_api import LIBPOD_PREFIX, request
from app.engine.network_records import NetworkSpec, SubnetSpec
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.network_connect_dialog import NetworkConnectDialog
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import mnemonic_clashes, problems
from tests.ui.conftest import spawn
from tests.ui.test_main_window import open_and_wait
from tests.ui.test_networks import _answer, _bridge, _fill_rows, _v4, _v6

WAIT = 15_000


def _inspect(podman, kind: str, name: str) -> dict:
    return json.loads(podman.cli(kind, "inspect", name))[0]


def _create(podman, spec: NetworkSpec) -> None:
    """Create through the API, once more when Podman lost a race with another Podman on
    this machine (as ``_create`` in tests/ui/test_networks.py does for the CLI)."""
    for attempt in range(3):
        try:
            networks.create_network(Endpoint.parse(podman.uri), spec)
            return
        except ApiError as exc:
            if "no such network interface" not in str(exc) or attempt == 2:
                raise


def _distinct_v4(n: int) -> list[str]:
    found: list[str] = []
    while len(found) < n:
        subnet = _v4()
        if subnet not in found:
            found.append(subnet)
    return found


@pytest.fixture
def on_netavark(qtbot, netavark_podman, shell):
    manager, window = shell
    actions = NetworkActions(lambda: manager.session, window.resource_actions)
    view = window.views["networks"]
    view.use_controller(actions, spawn)
    session = open_and_wait(qtbot, manager, netavark_podman.uri)
    window.show_page("networks")
    return manager, window, view, actions, session


def test_the_bed_runs_netavark_and_the_session_podman_cni(netavark_podman, podman):
    # Podman would pick netavark by itself for a new empty store now that it is
    # installed: each bed names its backend, and Podman reports that one.
    def backend(bed) -> str:
        return request(Endpoint.parse(bed.uri), "GET", f"{LIBPOD_PREFIX}/info")["host"][
            "networkBackend"
        ]

    assert backend(netavark_podman) == "netavark"
    assert backend(podman) == "cni"


def test_two_ipv4_subnets_and_one_ipv6_with_static_addresses_and_a_second_network_live(
    qtbot, netavark_podman, on_netavark
):
    manager, window, view, actions, session = on_netavark
    podman = netavark_podman
    a, b, other = _distinct_v4(3)
    c = _v6()

    # The network, made in the create dialog.
    dialog = view.create_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("dual")
    dialog.interface.setText(_bridge())
    _fill_rows(dialog, [(a,), (b,), (c,)])
    assert dialog.ipv6.isChecked() and dialog.dns.isChecked()
    # Podman 4.3 drops a network's DNS servers, netavark or not: the field stays off.
    assert not dialog.dns_servers.isEnabled()
    assert dialog.action_button.isEnabled(), dialog.problems()
    with qtbot.waitSignal(dialog.performed, timeout=WAIT):
        dialog.action_button.click()
    found = _inspect(podman, "network", "dual")
    assert [s["subnet"] for s in found["subnets"]] == [a, b, c]
    assert found["dns_enabled"] is True  # CNI here says false: no dnsname plugin

    # A running container joins it through the connect dialog with a static IPv4
    # address in the SECOND IPv4 subnet and a static IPv6 address.
    cid = podman.cli("run", "-d", "--name", "web", TEST_IMAGE, "sleep", "600")
    listed = spawn(session.reconcile(("networks", "containers")))
    qtbot.waitUntil(listed.done, timeout=WAIT)
    ip4 = b.replace(".0/24", ".42")
    ip6 = c.replace("::/64", "::42")
    connect = NetworkConnectDialog(actions, spawn, window, container_id=cid)
    qtbot.addWidget(connect)
    connect.show()
    connect.network.setCurrentText("dual")
    connect.ipv4.setText(ip4)
    connect.ipv6.setText(ip6)
    assert not connect.problems(), connect.problems()
    # The preview wraps a long line with backslashes; the words are what count.
    assert connect.command_text.replace("\\\n", " ").split() == (
        f"podman network connect --ip={ip4} --ip6={ip6} dual web".split()
    )
    with qtbot.waitSignal(connect.performed, timeout=WAIT):
        connect.action_button.click()

    # Inspect: exactly the static addresses asked for; netavark also gives the first
    # IPv4 subnet, which got no static address, one of its own.
    got = _inspect(podman, "container", "web")["NetworkSettings"]["Networks"]["dual"]
    secondary = [(s["Addr"], s["PrefixLength"]) for s in got["SecondaryIPAddresses"]]
    assert secondary == [(ip4, 24)]
    assert (got["GlobalIPv6Address"], got["GlobalIPv6PrefixLen"]) == (ip6, 64)
    auto = got["IPAddress"]
    assert ipaddress.ip_address(auto) in ipaddress.ip_network(a)
    inside = podman.cli("exec", "web", "ip", "addr", "show", "eth1")
    assert f"inet {ip4}/24" in inside and f"inet6 {ip6}/64" in inside

    # The window shows both: the network's details and the container's inspector.
    details = view.details_dialog("dual")
    qtbot.addWidget(details)
    qtbot.waitUntil(details.loaded.is_set, timeout=WAIT)
    row = details.containers.topLevelItem(0)
    assert (row.text(0), row.text(2), row.text(3)) == ("web", f"{auto}/24, {ip4}/24", f"{ip6}/64")
    assert [details.subnets.topLevelItem(i).text(0) for i in range(3)] == [a, b, c]
    details.show()
    assert not problems(details) + mnemonic_clashes(details)
    inspectors = InspectorManager(
        manager, lambda s, ref: ContainerInspector(s, ref, window.resource_actions)
    )
    with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
        inspectors.open("web")
    inspector = opened.args[0]
    qtbot.waitUntil(lambda: inspector.container_id != "", timeout=WAIT)
    table = inspector.summary.findChild(object, "summaryTable:Networks")
    shown = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    assert {("dual", f"{ip4}/24"), ("dual", f"{ip6}/64"), ("dual", f"{auto}/24")} <= shown
    inspectors.close_all()

    # A second network, connected live with a static address and then disconnected
    # from its details after a confirmation.
    _create(
        podman,
        NetworkSpec("back", interface=_bridge(), subnets=(SubnetSpec(other),)),
    )
    listed = spawn(session.reconcile(("networks",)))
    qtbot.waitUntil(listed.done, timeout=WAIT)
    ip_back = other.replace(".0/24", ".7")
    second = NetworkConnectDialog(actions, spawn, window, container_id=cid)
    qtbot.addWidget(second)
    second.network.setCurrentText("back")
    second.ipv4.setText(ip_back)
    with qtbot.waitSignal(second.performed, timeout=WAIT):
        second.action_button.click()
    joined = _inspect(podman, "container", "web")["NetworkSettings"]["Networks"]
    assert joined["back"]["IPAddress"] == ip_back
    assert f"inet {ip_back}/24" in podman.cli("exec", "web", "ip", "-4", "addr")
    back = view.details_dialog("back")
    qtbot.addWidget(back)
    qtbot.waitUntil(back.loaded.is_set, timeout=WAIT)
    asked = []
    back.confirm = lambda c: _answer(asked, c, True)
    back.containers.setCurrentItem(back.containers.topLevelItem(0))
    done = spawn(back.disconnect_selected())
    qtbot.waitUntil(done.done, timeout=WAIT)
    assert done.result() is True
    assert asked[0].text == "Disconnect container “web” from network “back”?"
    left = _inspect(podman, "container", "web")["NetworkSettings"]["Networks"]
    assert set(left) == {"podman", "dual"}
    assert ip_back not in podman.cli("exec", "web", "ip", "-4", "addr")


def test_containers_find_each_other_by_name_through_aardvark_dns(netavark_podman):
    podman = netavark_podman
    subnet = _v4()
    _create(
        podman,
        NetworkSpec("named", interface=_bridge(), dns=True, subnets=(SubnetSpec(subnet),)),
    )
    podman.cli("run", "-d", "--name", "db", "--network", "named", TEST_IMAGE, "sleep", "600")
    address = _inspect(podman, "container", "db")["NetworkSettings"]["Networks"]["named"][
        "IPAddress"
    ]
    answer = podman.cli(
        "run", "--rm", "--network", "named", TEST_IMAGE, "nslookup", "db"
    )  # fmt: skip
    assert f"Address: {address}" in answer
    # The network's gateway answers DNS, and the name is reachable.
    gateway = subnet.replace(".0/24", ".1")
    assert f"Server:\t\t{gateway}" in answer
    podman.cli("run", "--rm", "--network", "named", TEST_IMAGE, "ping", "-c1", "-W2", "db")
