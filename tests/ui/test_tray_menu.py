"""The tray menu's contents for given states, built offscreen (a QMenu needs no tray)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu

from app.controllers.machine_controller import MachineController
from app.controllers.resource_actions import ResourceActions
from app.engine.cli.machines import Machine, MachineAvailability, MachineListing
from app.engine.cli.podman_cli import PodmanCli
from app.engine.connection import Connection
from app.engine.discovery import Discovery
from app.engine.dto import ContainerSummary, PortMapping
from app.models.connection_state import ConnectionState
from app.ui import icons
from app.ui.machine_menu import MachineSwitcher, group_connections, make_machine_menu
from app.ui.tray import TrayState, tray_icon, tray_state
from app.ui.tray_menu import MAX_CONTAINERS, TrayMenu
from tests.ui.conftest import spawn

LOCAL = Connection("local", "unix:///run/podman/podman.sock", source="local")
MACHINE = Connection(
    "podman-machine-default",
    "ssh://core@127.0.0.1:40000/run/user/501/podman/podman.sock",
    is_machine=True,
    is_default=True,
)
MACHINE_ROOT = Connection(
    "podman-machine-default-root",
    "ssh://root@127.0.0.1:40000/run/podman/podman.sock",
    is_machine=True,
)
REMOTE = Connection("devbox", "ssh://me@devbox.example:22/run/user/1000/podman/podman.sock")


class FakeClient:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def stop_container(self, cid: str) -> None:
        self.calls.append(("stop", cid))

    def restart_container(self, cid: str) -> None:
        self.calls.append(("restart", cid))


class FakeSession:
    def __init__(self, connection, state, containers=()) -> None:
        self.connection, self.state, self.reason = connection, state, ""
        self._containers = {c.id: c for c in containers}
        self.client = FakeClient()

    def items(self, kind: str) -> dict:
        return dict(self._containers) if kind == "containers" else {}

    async def call(self, fn, *args):
        return fn(*args)

    async def reconcile(self, kinds=None) -> bool:
        return True


class FakeManager(QObject):
    session_changed = Signal(object)
    discovery_changed = Signal(object)
    switch_failed = Signal(str, str)

    def __init__(self, connections, session) -> None:
        super().__init__()
        self.discovery = Discovery(list(connections))
        self.session = session
        self.switched: list[Connection] = []
        self.ssh_refused = False
        self.retries = 0

    async def switch_to(self, connection: Connection) -> bool:
        self.switched.append(connection)
        return True

    def upstream_needs_retry(self) -> bool:
        return self.ssh_refused

    def retry_upstream(self) -> bool:
        self.retries += 1
        return True


def actions_on(manager: FakeManager) -> ResourceActions:
    return ResourceActions(lambda: manager.session)


def container(n: int, state: str = "running", ports=()) -> ContainerSummary:
    return ContainerSummary(id=f"{n:064x}", name=f"web-{n:02d}", state=state, ports=ports)


@pytest.fixture
def controller(qtbot, tmp_path):
    ctl = MachineController(lambda: PodmanCli(str(tmp_path / "no-podman")))
    ctl.listing = MachineListing(
        MachineAvailability.OK, [Machine("podman-machine-default", default=True, running=True)]
    )
    ctl.refresh = _no_refresh  # the listing is the state under test
    return ctl


async def _no_refresh():
    await asyncio.sleep(0)


def texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def depth(menu: QMenu) -> int:
    """How many menus deep ``menu`` goes: 1 without submenus."""
    return 1 + max((depth(a.menu()) for a in menu.actions() if a.menu()), default=0)


def test_switcher_groups_local_machines_with_their_root_twin_and_remotes():
    listing = MachineListing(MachineAvailability.OK, [Machine("other", running=False)])
    groups = group_connections([REMOTE, MACHINE_ROOT, LOCAL, MACHINE], listing)
    assert [g.title for g in groups] == [
        "This computer",
        "Machine podman-machine-default",
        "Machine other",
        "Remote",
    ]
    assert [c.name for c in groups[1].connections] == [MACHINE.name, MACHINE_ROOT.name]
    assert groups[2].connections == [] and groups[2].machine.name == "other"


def test_menu_for_a_connected_machine_with_many_containers(qtbot, qloop, controller):
    ports = (PortMapping("", 8080, 80),)
    running = [container(n, ports=ports if n == 0 else ()) for n in range(MAX_CONTAINERS + 3)]
    session = FakeSession(MACHINE, ConnectionState.CONNECTED, [*running, container(99, "exited")])
    manager = FakeManager([LOCAL, MACHINE, MACHINE_ROOT, REMOTE], session)
    menu = TrayMenu(MachineSwitcher(manager, controller, spawn), actions_on(manager))
    qtbot.addWidget(menu)
    shown = texts(menu)
    assert shown[0] == "podman-machine-default — Connected"
    assert "Machine podman-machine-default\tRunning" in shown
    assert "Stop podman-machine-default" in shown
    checked = [a for a in menu.actions() if a.isChecked()]
    assert [a.objectName() for a in checked] == ["switch:podman-machine-default"]
    assert checked[0].text().endswith("\tConnected")
    assert f"Running Containers ({MAX_CONTAINERS + 3})" in shown
    assert shown[-3:] == ["Show Window", "Settings…", "Quit"]
    containers = menu.findChild(QMenu, "runningContainers")
    # Two levels, never three: each container's actions sit in the containers menu,
    # named, one group per container (a third level opens over its parent).
    assert depth(menu) == 2
    listed = texts(containers)
    assert listed[:5] == ["Stop web-00", "Restart web-00", "Open http://localhost:8080"] + [
        "Stop web-01",
        "Restart web-01",
    ]
    assert [t for t in listed if t.startswith("Stop ")] == [
        f"Stop web-{n:02d}" for n in range(MAX_CONTAINERS)
    ]
    assert listed[-1] == f"Show All {MAX_CONTAINERS + 3}…"
    stop = next(a for a in containers.actions() if a.objectName() == "stop:web-00")
    stop.trigger()
    qtbot.waitUntil(lambda: session.client.calls == [("stop", running[0].id)], timeout=5000)
    # Choosing another connection asks the manager to switch (which keeps the default).
    next(a for a in menu.actions() if a.objectName() == "switch:devbox").trigger()
    qtbot.waitUntil(lambda: manager.switched == [REMOTE], timeout=5000)


def test_menu_with_no_connection_and_machines_refused_as_root(qtbot, qloop, controller):
    controller.listing = MachineListing(MachineAvailability.REFUSED_AS_ROOT, message="as root")
    manager = FakeManager([LOCAL], None)
    menu = TrayMenu(MachineSwitcher(manager, controller, spawn), actions_on(manager))
    qtbot.addWidget(menu)
    shown = texts(menu)
    assert shown[0] == "No connection"
    assert "Running Containers (0)" in shown
    assert not menu.findChild(QMenu, "runningContainers").isEnabled()
    assert not any(t.startswith(("Start ", "Stop ")) for t in shown)


def test_menu_while_the_machine_starts_and_the_connection_is_lost(qtbot, qloop, controller):
    controller.listing = MachineListing(
        MachineAvailability.OK, [Machine("podman-machine-default", starting=True)]
    )
    session = FakeSession(MACHINE, ConnectionState.LOST, [container(1)])
    manager = FakeManager([MACHINE, MACHINE_ROOT], session)
    menu = TrayMenu(MachineSwitcher(manager, controller, spawn), actions_on(manager))
    qtbot.addWidget(menu)
    shown = texts(menu)
    assert shown[0] == "podman-machine-default — Connection lost"
    assert "Machine podman-machine-default\tStarting" in shown
    containers = menu.findChild(QMenu, "runningContainers")
    stop = next(a for a in containers.actions() if a.objectName() == "stop:web-01")
    assert not stop.isEnabled()  # nothing is sent while the connection is down


def test_a_refused_ssh_offers_retry_under_the_active_connection(qtbot, qloop, controller):
    session = FakeSession(REMOTE, ConnectionState.UNAVAILABLE)
    session.reason = "The host key of devbox.example is not known and it was not accepted."
    manager = FakeManager([LOCAL, REMOTE], session)
    menu = make_machine_menu(manager, controller, spawn)
    qtbot.addWidget(menu)
    menu.rebuild()
    assert "retryUpstream" not in [a.objectName() for a in menu.actions()]
    manager.ssh_refused = True
    menu.rebuild()
    names = [a.objectName() for a in menu.actions()]
    assert names[names.index("switch:devbox") + 1] == "retryUpstream"
    retry = menu.actions()[names.index("retryUpstream")]
    assert retry.toolTip() == session.reason
    retry.trigger()
    assert manager.retries == 1


def test_tray_states_and_icons():
    assert tray_state(None) is TrayState.STOPPED
    assert tray_state(ConnectionState.CONNECTED) is TrayState.RUNNING
    assert tray_state(ConnectionState.CONNECTED, machine_busy=True) is TrayState.STARTING
    assert tray_state(ConnectionState.CONNECTING) is TrayState.STARTING
    assert tray_state(ConnectionState.UNAVAILABLE) is TrayState.ERROR
    images = {s: tray_icon(s).pixmap(32, 32).toImage() for s in TrayState}
    assert len({img.pixelColor(24, 24).name() for img in images.values()}) == 4


def test_the_tray_shows_the_app_icon_with_the_state_in_its_dot(qapp):
    app_icon = icons.app_icon()
    app_image = app_icon.pixmap(32, 32).toImage()
    tray_image = tray_icon(TrayState.RUNNING).pixmap(32, 32).toImage()
    differ = [
        (x, y)
        for x in range(32)
        for y in range(32)
        if app_image.pixelColor(x, y) != tray_image.pixelColor(x, y)
    ]
    # The same picture as the window's and About's; only around the dot (at 23, 23 of
    # 32, a little larger in the tray) does it differ.
    assert differ and all((x - 23) ** 2 + (y - 23) ** 2 <= 8**2 for x, y in differ)


def test_toolbar_menu_and_screenshot_of_the_tray_menu(qtbot, qloop, controller):
    ports = (PortMapping("", 8080, 80),)
    session = FakeSession(
        MACHINE, ConnectionState.CONNECTED, [container(0, ports=ports), container(1), container(2)]
    )
    manager = FakeManager([LOCAL, MACHINE, MACHINE_ROOT, REMOTE], session)
    toolbar_menu = make_machine_menu(manager, controller, spawn)
    qtbot.addWidget(toolbar_menu)
    toolbar_menu.rebuild()
    assert "Stop podman-machine-default" in texts(toolbar_menu)
    menu = TrayMenu(MachineSwitcher(manager, controller, spawn), actions_on(manager))
    qtbot.addWidget(menu)
    menu.aboutToShow.emit()  # as when it opens: rebuilt from the current state
    menu.resize(menu.sizeHint())
    menu.grab().save(str(Path("/tmp/pdc-tray-menu.png")))
    sub = menu.findChild(QMenu, "runningContainers")
    sub.resize(sub.sizeHint())
    sub.grab().save(str(Path("/tmp/pdc-tray-containers.png")))
