"""A connection that has never answered: its own state and page (what was tried, why it
failed, what fixes it), a Retry that connects once a real service listens, one colour for
one state in the status bar and the tray, and the page by keyboard alone."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from app.controllers.machine_controller import MachineController
from app.controllers.resource_actions import ResourceActions
from app.controllers.session import Session
from app.controllers.tray_policy import TrayPolicy
from app.engine.cli.machine_cli import MachineSpec
from app.engine.connection import Connection
from app.models.connection_state import ConnectionState, state_color
from app.ui.machine_menu import MachineSwitcher, make_machine_menu
from app.ui.status_bar import ConnectionStatus
from app.ui.tray import Tray, TrayState, tray_icon, tray_state
from app.ui.tray_menu import TrayMenu
from tests.bed.podman import IsolatedPodman
from tests.conftest import ROOT
from tests.ui.accessibility import accessible_name, problems
from tests.ui.conftest import spawn
from tests.ui.test_machine_lifecycle import make_controller

NOT_CONNECTED = ConnectionState.NOT_CONNECTED


def _state(state, reason=None):
    return lambda got, why: got is state and reason in (None, why)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _route_notice_actions(manager, window) -> None:
    """As the app does: a notice's button goes to the connection manager."""
    window.notice_action.connect(lambda action: spawn(manager.act(action)))


def _open_never_answering(qtbot, manager, window, connection):
    """Open ``connection`` (nothing answers there) and wait for its page."""
    with qtbot.waitSignal(manager.session_changed, timeout=15_000) as opened:
        spawn(manager.open(connection))
    session = opened.args[0]
    if session.state is not NOT_CONNECTED:
        with qtbot.waitSignal(
            session.state_changed, timeout=20_000, check_params_cb=_state(NOT_CONNECTED)
        ):
            pass
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.notice_page, timeout=5_000)
    return session


def _dot_color(icon) -> str:
    return icon.pixmap(32, 32).toImage().pixelColor(24, 24).name()


def test_nothing_listening_gets_its_own_page_and_retry_connects(qtbot, fresh_podman, shell):
    manager, window = shell
    _route_notice_actions(manager, window)
    fresh_podman.stop_service()
    path = fresh_podman.base / "later.sock"
    uri = f"unix://{path}"
    session = _open_never_answering(qtbot, manager, window, Connection(uri, uri, source="argument"))

    # Not "lost": it never answered, so there is nothing greyed to promise.
    assert not session.ever_connected
    status = window.connection_status.state_label.text()
    assert status.startswith("Not connected: nothing is listening there") and "lost" not in status
    assert not window.message_bar.isVisible()
    page = window.notice_page
    assert page.title.text() == f"Not connected to “{uri}”"
    assert f"Podman's service at <code>{uri}</code>" in page.text.text()  # what was tried
    assert "Nothing is listening there (no such socket)." in page.text.text()  # why
    service = f"podman system service --time=0 {uri}"
    assert [c.command for c in manager.notice.commands] == [service]  # what fixes it
    assert [f.text() for f in page.commands.findChildren(QLineEdit)] == [service]
    assert set(page.action_buttons) == {"retry-connection", "choose-connection"}

    # The service starts where the app looks; Retry connects and the page goes at once.
    fresh_podman.start_service(path)
    with qtbot.waitSignal(
        session.state_changed, timeout=15_000, check_params_cb=_state(ConnectionState.CONNECTED)
    ):
        qtbot.mouseClick(page.action_buttons["retry-connection"], Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.browser
    assert manager.notice is None
    assert window.connection_status.state_label.text() == "Connected"
    assert window.sidebar.count_text("images") == "1"  # the lists came with it
    assert manager.session is session  # the same session, retried


def test_retry_tries_at_once_not_at_the_next_automatic_attempt(qtbot, qloop, fresh_podman):
    fresh_podman.stop_service()
    path = fresh_podman.base / "retry.sock"
    uri = f"unix://{path}"
    # The next automatic attempt is a minute away: only Retry can connect in time.
    session = Session(Connection(uri, uri, source="argument"), events_backoff=(60.0,))
    try:
        with qtbot.waitSignal(
            session.state_changed, timeout=10_000, check_params_cb=_state(NOT_CONNECTED)
        ):
            session.start()
        fresh_podman.start_service(path)
        with qtbot.waitSignal(
            session.state_changed, timeout=15_000, check_params_cb=_state(ConnectionState.CONNECTED)
        ):
            session.retry()
        assert session.ever_connected
    finally:
        session.close()


def _tcp(port: int) -> Connection:
    return Connection("build-box", f"tcp://127.0.0.1:{port}")


def _ssh_remote(port: int) -> Connection:
    return Connection("devbox", f"ssh://me@127.0.0.1:{port}/run/user/1000/podman/podman.sock")


def _ssh_machine(port: int) -> Connection:
    uri = f"ssh://core@127.0.0.1:{port}/run/user/1000/podman/podman.sock"
    return Connection("podman-machine-default", uri, is_machine=True)


@pytest.mark.parametrize(
    ("make", "command", "actions"),
    [
        (_tcp, "podman system service --time=0 tcp://127.0.0.1:{port}", []),
        (_ssh_remote, "ssh -p {port} me@127.0.0.1", []),
        (_ssh_machine, "podman machine start podman-machine-default", ["start-machine"]),
    ],
    ids=["tcp", "ssh-remote", "ssh-machine"],
)
def test_every_kind_of_connection_that_never_answers_gets_the_page(
    qtbot, shell, make, command, actions
):
    manager, window = shell
    port = _free_port()  # nothing listens there
    connection = make(port)
    session = _open_never_answering(qtbot, manager, window, connection)
    assert session.state is NOT_CONNECTED
    assert window.notice_page.title.text() == f"Not connected to “{connection.name}”"
    assert command.format(port=port) in [c.command for c in manager.notice.commands]
    expected = [*actions, "retry-connection", "choose-connection"]
    assert list(window.notice_page.action_buttons) == expected
    assert window.connection_status.state_label.text().startswith("Not connected: ")


def test_a_service_lost_after_answering_keeps_its_lists_and_no_page(qtbot, shell):
    """Lost is not "never connected": the lists stay (greyed) and no page hides them."""
    manager, window = shell
    empty = IsolatedPodman(ROOT / "empty-podman")
    empty.start_service()
    try:
        with qtbot.waitSignal(manager.session_changed, timeout=15_000) as opened:
            spawn(manager.open(Connection("empty", empty.uri)))
        session = opened.args[0]
        if session.state is not ConnectionState.CONNECTED:
            with qtbot.waitSignal(
                session.state_changed,
                timeout=20_000,
                check_params_cb=_state(ConnectionState.CONNECTED),
            ):
                pass
        with qtbot.waitSignal(
            session.state_changed, timeout=15_000, check_params_cb=_state(ConnectionState.LOST)
        ):
            empty.stop_service(kill=True)
        assert window.pages.currentWidget() is window.browser and manager.notice is None
        assert window.connection_status.state_label.text().startswith("Connection lost")
        assert window.views["networks"].model.rowCount() == 1  # Podman's default network
        assert "the last known state, greyed" in window.message_bar.text()
    finally:
        manager.shutdown()
        empty.destroy()


def test_one_state_one_colour_in_the_status_bar_and_the_tray(qtbot, shell, tmp_path):
    # Every state, as the status bar's dot and the tray icon's dot show it.
    status = ConnectionStatus()
    qtbot.addWidget(status)
    for state in [None, *ConnectionState]:
        if state is None:
            status.set_no_connection("No connection")
        else:
            status.set_state(state, "why")
        tray = tray_state(state)
        assert status.dot.color() == tray.color == state_color(state), state
        assert _dot_color(tray_icon(tray)) == state_color(state), state
    assert len({s.color for s in TrayState}) == 4

    # And on a real socket where nothing listens: red in the bar, the icon and its menu.
    manager, window = shell
    controller = MachineController(manager.cli)
    menu = TrayMenu(
        MachineSwitcher(manager, controller, spawn), ResourceActions(lambda: manager.session)
    )
    qtbot.addWidget(menu)
    tray = Tray(manager, controller, menu)
    uri = f"unix://{tmp_path / 'nothing.sock'}"
    _open_never_answering(qtbot, manager, window, Connection(uri, uri, source="argument"))
    red = state_color(NOT_CONNECTED)
    assert window.connection_status.dot.color() == red
    assert tray.state is TrayState.ERROR and _dot_color(tray.icon.icon()) == red
    menu.rebuild()
    header = next(a for a in menu.actions() if a.objectName() == "activeConnection")
    assert header.text().endswith("Not connected")
    assert header.icon().pixmap(12, 12).toImage().pixelColor(6, 6).name() == red


def test_the_page_works_by_keyboard_alone(qtbot, shell):
    manager, window = shell
    _route_notice_actions(manager, window)
    switcher = make_machine_menu(manager, MachineController(manager.cli), spawn)
    window.set_connection_menu(switcher)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    path = ROOT / "runtime" / "podman" / "podman.sock"  # the user's socket: nothing there
    uri = f"unix://{path}"
    session = _open_never_answering(qtbot, manager, window, Connection(uri, uri, source="argument"))
    page = window.notice_page
    assert not problems(page), problems(page)

    # The page takes the keyboard as it replaces the lists; Tab reaches every control.
    retry = page.action_buttons["retry-connection"]
    assert QApplication.focusWidget() is retry
    reached, widget = [], retry
    for _ in range(40):
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is retry:
            break
        reached.append(widget)
    on_page = [w for w in reached if page.isAncestorOf(w)]
    names = {accessible_name(w) for w in on_page}
    assert {"Choose another connection", "Copy systemctl --user start podman.socket"} <= names
    assert f"Copy podman system service --time=0 {uri}" in names
    assert "Start Podman's socket (systemd then starts Podman when asked)" in names  # a field

    # Copy by keyboard puts the command on the clipboard, and says so.
    copy = next(w for w in on_page if accessible_name(w).startswith("Copy podman system"))
    qtbot.keyClick(copy, Qt.Key.Key_Space)
    assert QGuiApplication.clipboard().text() == f"podman system service --time=0 {uri}"
    assert page.status.text().startswith("Copied: ")

    # "Choose another connection…" opens the switcher; Retry tries again at once.
    choose = page.action_buttons["choose-connection"]
    assert isinstance(choose, QPushButton) and choose.menu() is switcher
    retry.setFocus()
    trying = _state(ConnectionState.CONNECTING, "trying again")
    with qtbot.waitSignal(session.state_changed, timeout=5_000, check_params_cb=trying):
        qtbot.keyClick(retry, Qt.Key.Key_Space)
    with qtbot.waitSignal(
        session.state_changed, timeout=10_000, check_params_cb=_state(NOT_CONNECTED)
    ):
        pass
    assert page.status.text().startswith("Tried again at ")
    assert QApplication.focusWidget() is retry  # the same page: the keyboard stays put


def test_start_machine_on_the_page_starts_it_and_tries_again(qtbot, shell, tmp_path):
    """Through the machine controller (the podman double: no VM boots here)."""
    manager, window = shell
    controller = make_controller(tmp_path, "5")
    with qtbot.waitSignal(controller.finished, timeout=20_000):
        assert controller.init(MachineSpec("dev"))
    policy = TrayPolicy(manager.settings, manager, controller, spawn, window.isVisible)
    policy.message.connect(window.post_message)
    # As the app routes them: "Start machine" to the policy, the rest to the manager.
    window.notice_action.connect(
        lambda a: policy.start_active_machine() if a == "start-machine" else spawn(manager.act(a))
    )
    uri = f"ssh://core@127.0.0.1:{_free_port()}/run/user/1000/podman/podman.sock"
    session = _open_never_answering(qtbot, manager, window, Connection("dev", uri, is_machine=True))
    start = window.notice_page.action_buttons["start-machine"]
    assert start.text() == "Start machine"
    finished = []
    controller.finished.connect(lambda *args: finished.append(list(args)))
    # Once the machine runs, the connection is tried at once, not at its next attempt.
    trying = _state(ConnectionState.CONNECTING, "trying again")
    with qtbot.waitSignal(session.state_changed, timeout=20_000, check_params_cb=trying):
        qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
        assert window.notice_page.status.text() == "Starting dev…"
    assert finished == [["start", "dev", True, ""]]
    log = (tmp_path / "double" / "calls.log").read_text()
    assert '["machine", "start", "dev"]' in log
