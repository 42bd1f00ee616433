"""Machine lifecycle from the app: the controller and the Machines dialog.

`podman machine` cannot run here (no VM can boot, and it refuses root), so these tests
use the podman test double, tests/data/podman_double.py, whose outputs are transcribed
from Podman 4 and Podman 5 (tests/data/podman_machine_outputs.json names the sources).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from app.controllers.machine_controller import MachineController
from app.controllers.notifications import Notifier
from app.controllers.remote_connection import RemoteConnectionController
from app.controllers.settings import Settings
from app.engine import discovery
from app.engine.cli import machine_cli
from app.engine.cli.machine_cli import MachineSpec
from app.engine.cli.machines import MachineAvailability
from app.engine.cli.podman_cli import PodmanCli
from app.engine.connection import Connection
from app.engine.discovery import Discovery
from app.support.concurrency import Pool
from app.ui.machine_actions import ManageMachinesDialog
from tests.ui.conftest import spawn

DOUBLE = Path(__file__).resolve().parents[1] / "data" / "podman_double.py"


class NoSessionManager(QObject):
    session_changed = Signal(object)
    discovery_changed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.session = None
        self.discovery = Discovery([])

    async def refresh_discovery(self) -> None:
        self.discovery_changed.emit(self.discovery)

    def upstream_needs_retry(self) -> bool:
        return False


def double_cli(tmp_path: Path, version: str, **extra: str) -> PodmanCli:
    env = {
        **os.environ,
        "PODMAN_DOUBLE_DIR": str(tmp_path / "double"),
        "PODMAN_DOUBLE_VERSION": version,
        **extra,
    }
    return PodmanCli(str(DOUBLE), env=env)


def make_controller(tmp_path: Path, version: str, **extra: str) -> MachineController:
    cli = double_cli(tmp_path, version, **extra)
    controller = MachineController(lambda: cli)
    controller.podman_version = "4.3.1" if version == "4" else "5.2.0"
    return controller


@pytest.fixture
def remotes(qloop):
    pool = Pool("test-cli", 1)
    yield RemoteConnectionController(PodmanCli, pool)
    pool.shutdown()


def manage_dialog(qtbot, controller, remotes, manager=None) -> ManageMachinesDialog:
    dialog = ManageMachinesDialog(manager or NoSessionManager(), controller, remotes, spawn)
    qtbot.addWidget(dialog)
    return dialog


def _finish(qtbot, controller, start):
    with qtbot.waitSignal(controller.finished, timeout=20_000) as done:
        assert start()
    return done.args


def _listing(qtbot, controller):
    with qtbot.waitSignal(controller.listing_changed, timeout=10_000) as listed:
        spawn(controller.refresh())
    return listed.args[0]


@pytest.mark.parametrize("version", ["4", "5"])
def test_init_start_stop_remove_with_output_and_notifications(qtbot, qloop, tmp_path, version):
    controller = make_controller(tmp_path, version)
    lines: list[str] = []
    controller.output.connect(lines.append)
    settings = Settings(tmp_path / "settings.ini")
    shown: list[tuple[str, str, bool]] = []
    notifier = Notifier(settings, NoSessionManager(), controller, lambda *a: shown.append(a))

    spec = MachineSpec("dev", cpus=2, memory_mib=2048, disk_gib=20)
    assert _finish(qtbot, controller, lambda: controller.init(spec)) == ["init", "dev", True, ""]
    flag = "--image-path" if version == "4" else "--image"
    assert lines[0] == "$ podman machine init --cpus 2 --memory 2048 --disk-size 20 dev"
    assert flag not in lines[0] and "Machine init complete" in lines
    (machine,) = _listing(qtbot, controller).machines
    assert (machine.name, machine.state, machine.disk_size) == ("dev", "stopped", 20 * 1024**3)

    assert _finish(qtbot, controller, lambda: controller.start("dev"))[2]
    assert lines[-1] == 'Machine "dev" started successfully'
    assert _listing(qtbot, controller).machines[0].running
    assert shown == [("Machine started", "dev is running", False)]

    steps = []
    controller.progress.connect(lambda label, step, total: steps.append((step, total)))
    assert _finish(qtbot, controller, lambda: controller.restart("dev"))[2]
    assert steps == [(1, 2), (2, 2)]
    assert _finish(qtbot, controller, lambda: controller.stop("dev"))[2]
    assert lines[-1] == 'Machine "dev" stopped successfully'
    assert _finish(qtbot, controller, lambda: controller.set_rootful("dev", True))[2]
    _listing(qtbot, controller)
    assert controller.rootful == {"dev": True}  # read back with `machine inspect`
    assert _finish(qtbot, controller, lambda: controller.remove("dev"))[2]
    assert _listing(qtbot, controller).machines == []
    assert notifier.parent() is None  # kept alive by this test, as the app keeps its own


def test_a_failed_start_is_said_and_notified(qtbot, qloop, tmp_path):
    controller = make_controller(tmp_path, "5")
    settings = Settings(tmp_path / "settings.ini")
    shown = []
    notifier = Notifier(settings, NoSessionManager(), controller, lambda *a: shown.append(a))
    for name in ("a", "b"):
        _finish(qtbot, controller, lambda n=name: controller.init(MachineSpec(n)))
    _finish(qtbot, controller, lambda: controller.start("a"))
    action, name, ok, message = _finish(qtbot, controller, lambda: controller.start("b"))
    assert not ok and "only one VM can be active at a time" in message
    assert shown[-1][0] == "Machine failed to start" and shown[-1][2] is True
    settings.notifications_enabled = False
    _finish(qtbot, controller, lambda: controller.start("b"))
    assert len(shown) == 2  # notifications turned off in Settings
    del notifier


def test_cancel_a_hanging_start_from_the_dialog(qtbot, qloop, tmp_path, remotes):
    controller = make_controller(tmp_path, "4", PODMAN_DOUBLE_HOLD="1")
    _finish(qtbot, controller, lambda: controller.init(MachineSpec("dev")))
    dialog = manage_dialog(qtbot, controller, remotes)
    _listing(qtbot, controller)
    dialog.machines.topLevelItem(0).setSelected(True)
    assert dialog.buttons["start"].isEnabled()
    with qtbot.waitSignal(
        controller.output,
        timeout=10_000,
        check_params_cb=lambda line: line.startswith("Starting machine"),
    ):
        dialog.buttons["start"].click()
    assert not dialog.buttons["start"].isEnabled() and not dialog.cancel.isHidden()
    with qtbot.waitSignal(controller.finished, timeout=15_000) as done:
        dialog.cancel.click()
    assert done.args[2:] == [False, "cancelled"]
    assert "✗ start dev: cancelled" in dialog.output.toPlainText()
    assert dialog.cancel.isHidden()


ACTING = ("start", "stop", "restart", "remove", "rootful", "default", "terminal")
REMOTE_ACTING = ("remote-test", "remote-default", "remote-remove")


def _enabled(dialog, keys) -> set[str]:
    return {key for key in keys if dialog.buttons[key].isEnabled()}


def test_manage_machines_buttons_follow_the_selection(qtbot, qloop, tmp_path, remotes):
    controller = make_controller(tmp_path, "5")
    manager = NoSessionManager()
    dialog = manage_dialog(qtbot, controller, remotes, manager)
    dialog.show()
    _listing(qtbot, controller)
    # Empty lists: only Create… and Add… can do anything; each list's place says why,
    # once, and what to do.
    assert _enabled(dialog, ACTING + REMOTE_ACTING) == set()
    assert dialog.buttons["init"].isEnabled() and dialog.buttons["remote-add"].isEnabled()
    assert dialog.machine_stack.currentWidget() is dialog.explanation
    assert dialog.remote_stack.currentWidget() is dialog.no_remotes
    saying = [
        label
        for label in dialog.findChildren(QLabel)
        if "No machines yet" in label.text() and label.isVisibleTo(dialog)
    ]
    assert saying == [dialog.explanation] and "Create…" in dialog.explanation.text()
    assert "Add…" in dialog.no_remotes.text() and dialog.no_remotes.isVisibleTo(dialog)
    # The output pane is named, on screen and for a screen reader, and says what it is for.
    assert dialog.output.accessibleName() == "Command output"
    assert any(label.buddy() is dialog.output for label in dialog.findChildren(QLabel))
    assert dialog.output.placeholderText()

    _finish(qtbot, controller, lambda: controller.init(MachineSpec("dev")))
    _listing(qtbot, controller)
    assert dialog.machine_stack.currentWidget() is dialog.machines
    assert not dialog.explanation.isVisibleTo(dialog)
    assert _enabled(dialog, ACTING) == set()  # a list, but nothing chosen in it
    dialog.machines.topLevelItem(0).setSelected(True)
    assert _enabled(dialog, ACTING) == {"start", "remove", "rootful", "default"}  # stopped
    dialog.machines.clearSelection()
    assert _enabled(dialog, ACTING) == set()

    remote = Connection("devbox", "ssh://me@192.0.2.7:22/run/podman/podman.sock")
    manager.discovery = Discovery([remote])
    manager.discovery_changed.emit(manager.discovery)
    assert dialog.remote_stack.currentWidget() is dialog.remotes
    assert _enabled(dialog, REMOTE_ACTING) == set()
    dialog.remotes.topLevelItem(0).setSelected(True)
    assert _enabled(dialog, REMOTE_ACTING) == set(REMOTE_ACTING)
    manager.discovery_changed.emit(manager.discovery)  # a re-read keeps the selection
    assert dialog.selected_remote() == remote


def test_a_selected_remote_is_tested_over_the_real_sshd(
    qtbot, qloop, tmp_path, remotes, podman, sshd
):
    manager = NoSessionManager()
    remote = Connection("devbox", sshd.uri(podman.socket_path), identity=str(sshd.client_key))
    manager.discovery = Discovery([remote])
    dialog = manage_dialog(qtbot, make_controller(tmp_path, "5"), remotes, manager)
    known_hosts = Path(os.environ["HOME"]) / ".ssh" / "known_hosts"
    known_hosts.parent.mkdir(mode=0o700, exist_ok=True)
    known_hosts.write_text(sshd.known_hosts_line())  # as if accepted before
    try:
        dialog.remotes.topLevelItem(0).setSelected(True)
        dialog.buttons["remote-test"].click()
        version = podman.cli("version", "--format", "{{.Server.Version}}")
        expected = f"✓ devbox: Podman {version} answers"
        qtbot.waitUntil(lambda: expected in dialog.output.toPlainText(), timeout=30_000)
    finally:
        known_hosts.unlink()


def test_root_refusal_is_shown_as_a_state(qtbot, qloop, tmp_path, remotes):
    controller = make_controller(tmp_path, "4", PODMAN_DOUBLE_ROOT="1")
    dialog = manage_dialog(qtbot, controller, remotes)
    listing = _listing(qtbot, controller)
    assert listing.availability is MachineAvailability.REFUSED_AS_ROOT
    text = dialog.explanation.text()
    assert "refuses to manage machines as root" in text and "regular user" in text
    assert not dialog.buttons["init"].isEnabled()


def test_real_podman_refuses_machines_as_root_and_the_app_says_so(qtbot, qloop):
    if os.geteuid() != 0:
        pytest.skip("Linux as root only (CI runs as root); a regular user's podman lists machines")
    controller = MachineController(lambda: PodmanCli())
    listing = _listing(qtbot, controller)
    assert listing.availability is MachineAvailability.REFUSED_AS_ROOT


class MachineManager(NoSessionManager):
    def __init__(self, connections) -> None:
        super().__init__()
        self.discovery = Discovery(connections)
        self.switched = []

    async def switch_to(self, connection) -> bool:
        self.switched.append(connection)
        return True


def test_choosing_a_stopped_machine_starts_it_then_switches(qtbot, qloop, tmp_path):
    from app.engine.connection import Connection
    from app.ui.machine_menu import make_machine_menu

    controller = make_controller(tmp_path, "5")
    _finish(qtbot, controller, lambda: controller.init(MachineSpec("dev")))
    _listing(qtbot, controller)
    conn = Connection(
        "dev", "ssh://core@127.0.0.1:40000/run/user/1000/podman/podman.sock", is_machine=True
    )
    manager = MachineManager([conn])
    menu = make_machine_menu(manager, controller, spawn)
    qtbot.addWidget(menu)
    menu.rebuild()
    assert "Start dev" in [a.text() for a in menu.actions()]
    with qtbot.waitSignal(controller.finished, timeout=20_000):
        next(a for a in menu.actions() if a.objectName() == "switch:dev").trigger()
    qtbot.waitUntil(lambda: manager.switched == [conn], timeout=5_000)


def test_set_as_default_picks_the_root_connection_of_a_rootful_machine(
    qtbot, qloop, tmp_path, remotes
):
    """`podman machine` is the double; `system connection` is the real podman, on a
    private containers.conf holding each machine's two connections."""
    conf = tmp_path / "containers.conf"
    conf.write_text(Path(os.environ["CONTAINERS_CONF"]).read_text())
    cli = double_cli(tmp_path, "5", CONTAINERS_CONF=str(conf))
    controller = MachineController(lambda: cli)
    key = tmp_path / "id"
    key.write_text("podman stores the path only\n")
    for name, port in (("dev", 40001), ("plain", 40002)):
        for conn, where in (
            (name, "core@127.0.0.1:{}/run/user/1000"),
            (f"{name}-root", "root@127.0.0.1:{}/run"),
        ):
            uri = f"ssh://{where.format(port)}/podman/podman.sock"
            assert cli.run(*machine_cli.add_connection_args(conn, uri, str(key))).ok
    _finish(qtbot, controller, lambda: controller.init(MachineSpec("dev", rootful=True)))
    _finish(qtbot, controller, lambda: controller.init(MachineSpec("plain")))
    dialog = manage_dialog(qtbot, controller, remotes)
    _listing(qtbot, controller)
    assert controller.rootful == {"dev": True, "plain": False}

    def set_default(row: int) -> list:
        dialog.machines.clearSelection()
        dialog.machines.topLevelItem(row).setSelected(True)
        with qtbot.waitSignal(controller.finished, timeout=20_000) as done:
            dialog.buttons["default"].click()
        return done.args

    assert set_default(0) == ["default", "dev-root", True, ""]
    connections, problem = discovery.system_connections(cli)
    assert not problem and [c.name for c in connections if c.is_default] == ["dev-root"]
    assert set_default(1) == ["default", "plain", True, ""]
    connections, _problem = discovery.system_connections(cli)
    assert [c.name for c in connections if c.is_default] == ["plain"]
