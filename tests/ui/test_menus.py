"""The menus and the connection button as the composition root builds them: Help is
the last menu, the Docker socket sits in the Connection menu, the tray's entry to the
window says what it does, and the toolbar button says
which connection is active, what kind it is and its state, to the eye and to a screen
reader, for a local socket and for ssh:// connections over the real sshd (which stands in
for a machine: docs/podman-notes.md, "A machine is an SSH endpoint plus a Podman socket")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QApplication, QPushButton

from app.engine.connection import Connection, connection_from_argument
from app.models import dots
from app.models.connection_state import ConnectionState
from app.ui.connection_button import ConnectionButton, connection_title
from app.ui.docker_socket_panel import DockerSocketPanel
from app.ui.machine_actions import ManageMachinesDialog
from app.ui.remote_connection_dialog import RemoteConnectionDialog
from tests.ui.conftest import spawn


def _open_and_connect(qtbot, manager, connection) -> None:
    # A switch may announce "no session" before the new one.
    with qtbot.waitSignal(
        manager.session_changed, timeout=15_000, check_params_cb=lambda s: s is not None
    ) as opened:
        spawn(manager.open(connection))
    session = opened.args[0]
    if session.state is not ConnectionState.CONNECTED:
        with qtbot.waitSignal(
            session.state_changed,
            timeout=30_000,
            check_params_cb=lambda state, _why: state is ConnectionState.CONNECTED,
        ):
            pass


def _button(app) -> ConnectionButton:
    button = app.window.findChild(QPushButton, "connectionButton")
    assert button is app.connection_button
    return button


def _dot_color(button: QPushButton) -> str:
    image = button.icon().pixmap(12, 12).toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2).name()


def _says(button: QPushButton, text: str) -> None:
    """The text, the accessible name and the tooltip's first line say the same."""
    assert button.text() == text
    assert button.accessibleName() == f"Connection: {text}"
    assert button.toolTip().splitlines()[0] == text


# Offscreen Qt cannot raise a window: not this app's fault.
@pytest.mark.qt_log_ignore("does not support raise")
def test_help_is_the_last_menu_and_the_docker_socket_is_under_connection(qtbot, application):
    app, bar = application, application.window.menuBar()
    titles = [a.text() for a in bar.actions()]
    assert titles == ["&File", "&View", "&Connection", "&Help"]
    menu = app.connection_menu
    for _ in range(2):  # the menu is rebuilt each time it opens: the entry stays
        menu.rebuild()
        docker = menu.actions()[-1]
        assert docker.text() == "&Docker-compatible Socket…"
        assert menu.actions()[-2].isSeparator()
    docker.trigger()
    panel = app.window.findChild(DockerSocketPanel)
    assert panel is not None and panel.isVisible()


@pytest.mark.qt_log_ignore("does not support raise")
def test_the_tray_menu_shows_the_window_by_that_name(qtbot, application):
    app, menu = application, application.tray_menu
    app.window_in_tray.start(minimized=False)
    app.window.hide()  # as when it was closed to the tray
    menu.rebuild()
    show = menu.findChild(QAction, "showWindow")
    assert show is not None and show.text() == "Show Window"
    show.trigger()
    assert app.window.isVisible()
    # Settings… opens the (modal) Settings dialog: close it from inside its own loop.
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    with qtbot.waitSignal(menu.settings_requested, timeout=1_000):
        menu.findChild(QAction, "settings").trigger()
    with qtbot.waitSignal(menu.quit_requested, timeout=1_000):
        menu.findChild(QAction, "quit").trigger()


@pytest.mark.qt_log_ignore("does not support raise")
def test_the_switchers_own_entries_open_their_dialogs(qtbot, application):
    app, menu = application, application.connection_menu
    menu.rebuild()
    with qtbot.waitSignal(app.machines.listing_changed, timeout=10_000):
        next(a for a in menu.actions() if a.objectName() == "manageMachines").trigger()
    assert app.window.findChild(ManageMachinesDialog).isVisible()
    next(a for a in menu.actions() if a.objectName() == "addRemote").trigger()
    dialogs = app.window.findChildren(RemoteConnectionDialog)
    assert [d.isVisible() for d in dialogs] == [True]
    dialogs[0].close()


def test_the_button_names_a_local_connection_its_kind_and_state(qtbot, application, fresh_podman):
    app = application
    button = _button(app)
    _says(button, "No connection")
    assert button.menu() is app.toolbar_menu  # a push button's menu: a full drop-down arrow
    _open_and_connect(qtbot, app.manager, Connection("test-bed", fresh_podman.uri))
    _says(button, "test-bed · local · Connected")
    assert _dot_color(button) == QColor(dots.GREEN).name()
    assert fresh_podman.uri.removeprefix("unix://") in button.toolTip()
    # It never claims more than the session knows: a lost service shows at once.
    fresh_podman.stop_service(kill=True)
    qtbot.waitUntil(lambda: button.text() == "test-bed · local · Connection lost", timeout=20_000)
    assert button.accessibleName() == "Connection: test-bed · local · Connection lost"
    assert _dot_color(button) != QColor(dots.GREEN).name()


def test_the_button_names_a_machine_over_ssh(qtbot, application, podman, sshd):
    app = application
    button = _button(app)
    machine = Connection(
        "podman-machine-default",
        sshd.uri(podman.socket_path),
        identity=str(sshd.client_key),
        is_machine=True,
    )
    _open_and_connect(qtbot, app.manager, machine)
    _says(button, "podman-machine-default · machine · Connected")
    assert f"127.0.0.1:{sshd.port}" in button.toolTip()


def test_the_button_names_a_remote_host(qtbot, application, podman, sshd):
    button = _button(application)
    known_hosts = Path(os.environ["HOME"]) / ".ssh" / "known_hosts"
    known_hosts.parent.mkdir(mode=0o700, exist_ok=True)
    with known_hosts.open("a") as file:  # a remote host's key is asked for unless known
        file.write(sshd.known_hosts_line())
    remote = Connection("devbox", sshd.uri(podman.socket_path), identity=str(sshd.client_key))
    try:
        _open_and_connect(qtbot, application.manager, remote)
        _says(button, "devbox · remote · Connected")
    finally:
        known_hosts.unlink()


def test_a_connection_given_as_a_uri_is_titled_by_its_address_not_its_scheme():
    local = connection_from_argument("unix:///run/user/1000/podman/podman.sock")
    assert connection_title(local) == "/run/user/1000/podman/podman.sock"
    ssh = connection_from_argument("ssh://core@127.0.0.1:2222/run/user/1000/podman/podman.sock")
    assert connection_title(ssh) == "core@127.0.0.1:2222"
    deep = connection_from_argument("unix:///var/lib/some/very/deep/directory/tree/podman.sock")
    title = connection_title(deep)
    assert len(title) <= 40 and title.startswith("/var/lib") and title.endswith("podman.sock")
    assert connection_title(Connection("named", "unix:///x.sock")) == "named"
