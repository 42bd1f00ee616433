"""Networks through the window, against the real isolated Podman: create a dual-stack
network with several subnets, static IPv4 and IPv6 addresses, connect and disconnect a
container live, checks that stop bad input before Podman is asked, and a prune that
removes exactly what its preview listed.

Subnets and bridge names are picked at random: the kernel's interfaces and addresses are
shared with every other Podman on the machine, and a subnet already routed on the host
is refused (docs/podman-notes.md, "Networks").
"""

from __future__ import annotations

import json
import random

import pytest
from PySide6.QtCore import Qt

from app.controllers.inspector_manager import InspectorManager
from app.controllers.network_actions import NetworkActions
from app.engine import networks
from app.engine.endpoint import Endpoint
from app.engine.network_records import NetworkSpec, SubnetSpec
from app.ui.confirmation import Answer
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.network_connect_dialog import NetworkConnectDialog
from app.ui.network_details_dialog import NetworkDetailsDialog
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import mnemonic_clashes, problems
from tests.ui.conftest import spawn
from tests.ui.test_main_window import open_and_wait

WAIT = 15_000


def _v4() -> str:
    """A random /24 in 10.0.0.0/8, away from Podman's own 10.88 and 10.89."""
    return f"10.{random.randint(100, 250)}.{random.randint(0, 255)}.0/24"


def _v6() -> str:
    words = (random.randint(16, 255), random.randint(1, 0xFFFF), random.randint(1, 0xFFFF))
    return "fd{:02x}:{:x}:{:x}::/64".format(*words)


def _bridge() -> str:
    return f"pdcn{random.randint(0, 0xFFFFFF):06x}"


def _create(podman, *args: str) -> None:
    """``podman network create ARGS``, once more when Podman lost a race with another
    Podman on this machine: it reads the host's interfaces while one of theirs goes
    away ("route ip+net: no such network interface")."""
    for attempt in range(3):
        try:
            podman.cli("network", "create", *args)
            return
        except RuntimeError as exc:
            if "no such network interface" not in str(exc) or attempt == 2:
                raise


def _inspect(podman, kind: str, name: str) -> dict:
    return json.loads(podman.cli(kind, "inspect", name))[0]


@pytest.fixture
def networked(qtbot, podman, shell):
    manager, window = shell
    actions = NetworkActions(lambda: manager.session, window.resource_actions)
    view = window.views["networks"]
    view.use_controller(actions, spawn)
    session = open_and_wait(qtbot, manager, podman.uri)
    window.show_page("networks")
    return manager, window, view, actions, session


def _fill_rows(dialog, rows: list[tuple[str, ...]]) -> None:
    for values in rows:
        row = dialog.add_subnet_row()
        for edit, value in zip(row.edits, values, strict=False):
            edit.setText(value)


def test_dual_stack_network_with_two_ipv4_subnets_and_one_ipv6_through_the_dialog(
    qtbot, podman, networked
):
    _manager, _window, view, _actions, session = networked
    a, b, c = _v4(), _v4(), _v6()
    while b == a:
        b = _v4()
    prefix_a = a.rsplit(".", 1)[0]
    dialog = view.create_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("dual")
    dialog.interface.setText(_bridge())
    _fill_rows(
        dialog,
        [(a, f"{prefix_a}.1", f"{prefix_a}.100", f"{prefix_a}.199"), (b,), (c,)],
    )
    # Typing the IPv6 subnet turned IPv6 on, and the dialog says so.
    assert dialog.ipv6.isChecked()
    assert "IPv6 subnet" in dialog.ipv6_note.text() and dialog.ipv6_note.isVisible()
    dialog.labels.setPlainText("team=web")
    assert dialog.action_button.isEnabled(), dialog.problems()
    assert not problems(dialog) + mnemonic_clashes(dialog)
    line = dialog.command_text
    assert line.count("--subnet=") == 3 and "--ipv6" in line and "--label=team=web" in line
    assert f"--ip-range={prefix_a}.100-{prefix_a}.199" in line
    with qtbot.waitSignal(dialog.performed, timeout=WAIT) as made:
        dialog.action_button.click()
    assert made.args[0].name == "dual"

    found = _inspect(podman, "network", "dual")
    assert found["ipv6_enabled"] is True
    assert found["labels"] == {"team": "web"}
    assert found["network_interface"] == dialog.interface.text()
    subnets = {s["subnet"]: s for s in found["subnets"]}
    assert set(subnets) == {a, b, c}
    assert subnets[a]["gateway"] == f"{prefix_a}.1"
    assert subnets[a]["lease_range"] == {
        "start_ip": f"{prefix_a}.100",
        "end_ip": f"{prefix_a}.199",
    }
    # The page lists it (re-listed before the dialog closed), with all three subnets.
    listed = {n.name: n for n in session.items("networks").values()}
    assert set(listed["dual"].subnets) == {a, b, c}


def test_checks_stop_overlaps_and_a_gateway_outside_before_podman_is_asked(
    qtbot, podman, networked
):
    _manager, _window, view, _actions, session = networked
    taken = _v4()
    _create(podman, "--subnet", taken, "taken")
    # Podman 4.3 sends no event for a network the CLI creates: list again.
    listed = spawn(session.reconcile(("networks",)))
    qtbot.waitUntil(listed.done, timeout=WAIT)
    before = podman.cli("network", "ls", "-q").split()
    dialog = view.create_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("taken")
    mine = _v4()
    while mine == taken:
        mine = _v4()
    inside_taken = taken.replace(".0/24", ".128/25")
    _fill_rows(
        dialog,
        [
            (inside_taken,),  # inside another network's subnet
            (mine, "192.0.2.1"),  # a gateway outside its subnet
            (mine.replace("/24", "/25"),),  # overlaps row 2
            ("10.1.2.3/24",),  # host bits set
        ],
    )
    reasons = [row.problem.text() for row in dialog.rows]
    assert reasons[0] == f"Overlaps {taken}, used by network “taken”."
    assert reasons[1] == f"The gateway 192.0.2.1 is not inside {mine}."
    assert reasons[2].startswith("Overlaps subnet 2")
    assert reasons[3] == "Host bits are set: the subnet is 10.1.2.0/24."
    assert dialog.fields[0].error_label.text() == "A network named “taken” exists already."
    assert not dialog.action_button.isEnabled()
    dialog.submit()  # Ctrl+Return: shows the reasons, sends nothing
    assert not dialog.busy
    # Fixed rows make the form right; nothing was sent meanwhile.
    dialog.name.setText("fixed")
    dialog.remove_subnet_row(dialog.rows[0])
    dialog.rows[0].gateway.setText(mine.replace(".0/24", ".1"))
    dialog.remove_subnet_row(dialog.rows[1])
    dialog.remove_subnet_row(dialog.rows[1])
    assert [r.problem.text() for r in dialog.rows] == [""]
    assert dialog.action_button.isEnabled(), dialog.problems()
    assert podman.cli("network", "ls", "-q").split() == before


def test_static_addresses_both_families_and_a_second_network_live(qtbot, podman, networked):
    manager, window, view, actions, session = networked
    endpoint = Endpoint.parse(podman.uri)
    v4, v6, other = _v4(), _v6(), _v4()
    while other == v4:
        other = _v4()
    spec = NetworkSpec(
        "front", interface=_bridge(), ipv6=True, subnets=(SubnetSpec(v4), SubnetSpec(v6))
    )
    networks.create_network(endpoint, spec)
    networks.create_network(
        endpoint, NetworkSpec("back", interface=_bridge(), subnets=(SubnetSpec(other),))
    )
    ip4 = v4.replace(".0/24", ".42")
    ip6 = v6.replace("::/64", "::42")
    podman.cli(
        "run", "-d", "--name", "web", "--network", "front", "--ip", ip4, "--ip6", ip6,
        TEST_IMAGE, "sleep", "600",
    )  # fmt: skip
    cid = podman.cli("inspect", "--format", "{{.Id}}", "web")
    got = _inspect(podman, "container", "web")["NetworkSettings"]["Networks"]["front"]
    assert (got["IPAddress"], got["GlobalIPv6Address"]) == (ip4, ip6)
    listed = spawn(session.reconcile(("networks", "containers")))
    qtbot.waitUntil(listed.done, timeout=WAIT)

    # The window shows both: the network's details and the container's inspector.
    # Enter on the row opens its details, as a double-click does.
    front = next(k for k, n in session.items("networks").items() if n.name == "front")
    view.tree.setFocus()
    view.tree.setCurrentIndex(
        view.proxy.mapFromSource(view.model.index(view.model.row_of(front), 0))
    )
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    details = next(w for w in view.findChildren(NetworkDetailsDialog) if w.name == "front")
    qtbot.waitUntil(details.loaded.is_set, timeout=WAIT)
    row = details.containers.topLevelItem(0)
    assert (row.text(0), row.text(2), row.text(3)) == ("web", f"{ip4}/24", f"{ip6}/64")
    assert [details.subnets.topLevelItem(i).text(0) for i in range(2)] == [v4, v6]
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
    shown = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert {f"{ip4}/24", f"{ip6}/64"} <= shown
    inspectors.close_all()

    # Connect a second network live, with a static address and an alias.
    ip_back = other.replace(".0/24", ".7")
    connect = NetworkConnectDialog(actions, spawn, window, container_id=cid)
    qtbot.addWidget(connect)
    connect.show()
    assert not problems(connect) + mnemonic_clashes(connect)
    connect.network.setCurrentText("front")
    assert "is on front already" in connect.problems()[0][1]
    connect.network.setCurrentText("back")
    connect.ipv4.setText(v4.replace(".0/24", ".9"))  # front's subnet, not back's
    assert f"not inside {other}" in connect.fields[2].reason()
    connect.ipv4.setText(ip_back)
    connect.aliases.setText("api")
    assert connect.command_text == (f"podman network connect --ip={ip_back} --alias=api back web")
    with qtbot.waitSignal(connect.performed, timeout=WAIT):
        connect.action_button.click()
    joined = _inspect(podman, "container", "web")["NetworkSettings"]["Networks"]
    assert joined["back"]["IPAddress"] == ip_back and "api" in joined["back"]["Aliases"]
    assert "back" in session.items("containers")[cid].networks

    # Disconnect it from the details of "back", after a confirmation naming both.
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
    assert set(left) == {"front"}
    assert back.containers.topLevelItem(0).text(0) == "(no container is on this network)"


async def _answer(asked: list, confirmation, yes: bool) -> Answer:
    asked.append(confirmation)
    return Answer(yes)


def test_prune_removes_exactly_the_previewed_networks(qtbot, podman, networked):
    _manager, _window, view, _actions, session = networked
    for name in ("idle-a", "idle-b", "used"):
        _create(podman, name)
    podman.cli("create", "--name", "user", "--network", "used", TEST_IMAGE)
    asked = []

    async def confirm(confirmation):
        asked.append(confirmation)
        # Made while the user reads the list: it must not go with the others.
        _create(podman, "late")
        return Answer(True)

    view.confirm = confirm
    done = spawn(view.prune_with_preview())
    qtbot.waitUntil(done.done, timeout=WAIT)
    assert done.result() == []
    assert asked[0].items == ["idle-a", "idle-b"]
    assert asked[0].action == "Remove 2 Networks"
    left = set(podman.cli("network", "ls", "--format", "{{.Name}}").split())
    assert left == {"podman", "used", "late"}


def test_podmans_refusal_is_shown_as_it_is_and_the_form_is_kept(qtbot, podman, networked):
    _manager, _window, view, _actions, _session = networked
    dialog = view.create_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("lan")
    dialog.driver.setCurrentText("macvlan")
    assert not dialog.action_button.isEnabled()  # macvlan needs its parent device
    assert not dialog.dns.isEnabled()
    dialog.interface.setText("nope0")
    assert dialog.command_text == ("podman network create --driver=macvlan --opt=parent=nope0 lan")
    dialog.action_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert not dialog.busy
    assert dialog.error.text() == "parent interface nope0 does not exist"
    assert dialog.isVisible()
    assert (dialog.name.text(), dialog.interface.text()) == ("lan", "nope0")
    assert "lan" not in podman.cli("network", "ls", "--format", "{{.Name}}").split()


def test_a_containers_menu_connects_it_to_a_network(qtbot, podman, application):
    from PySide6.QtWidgets import QApplication

    cid = podman.cli("create", "--name", "box", TEST_IMAGE)
    _create(podman, "side")
    session = open_and_wait(qtbot, application.manager, podman.uri)
    containers = application.window.views["containers"]
    qtbot.waitUntil(lambda: containers.model.row_of(cid) >= 0, timeout=WAIT)
    # The page in view is listed first; networks come once it shows.
    qtbot.waitUntil(
        lambda: "side" in {n.name for n in session.items("networks").values()}, timeout=WAIT
    )
    containers.select_keys([cid])
    assert containers.connect_network in containers.context_actions()
    assert containers.connect_network.isEnabled()
    containers.connect_network.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, NetworkConnectDialog))
    assert dialog.container.currentData() == cid
    dialog.network.setCurrentText("side")
    with qtbot.waitSignal(dialog.performed, timeout=WAIT):
        dialog.action_button.click()
    assert "side" in _inspect(podman, "container", "box")["NetworkSettings"]["Networks"]
