"""The Docker-compatible socket panel says what serves Docker clients, or why nothing does."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from app.controllers import docker_socket
from app.engine import http_api
from app.engine.connection import Connection
from app.engine.endpoint import Endpoint
from app.models.connection_state import ConnectionState
from app.ui.docker_socket_panel import DockerSocketPanel
from tests.ui.conftest import spawn


def _panel(qtbot, manager, window) -> DockerSocketPanel:
    panel = DockerSocketPanel(manager, window)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_a_tcp_connection_is_not_served_and_the_panel_says_why(qtbot, podman, shell):
    manager, window = shell
    with podman.tcp_service() as uri:
        connection = Connection("tcp-podman", uri, source="argument")
        with qtbot.waitSignal(manager.session_changed, timeout=10_000) as opened:
            spawn(manager.open(connection))
        session = opened.args[0]
        with qtbot.waitSignal(
            session.state_changed,
            timeout=20_000,
            check_params_cb=lambda state, _why: state is ConnectionState.CONNECTED,
        ):
            pass
        panel = _panel(qtbot, manager, window)
        # The socket is on in Settings, yet the manager serves none for a tcp:// connection.
        assert manager.docker_address() and manager.docker_proxy is None
        summary = panel.summary.text()
        assert "No connection is active" not in summary
        assert "tcp-podman" in summary and "TCP socket" in summary
        assert panel.export_line.text() == f"export DOCKER_HOST={uri}"
        assert panel.warning.isVisibleTo(panel)  # that socket has no authentication
        # What the panel hands out is true: a Docker client's first call answers there.
        version = http_api.request(Endpoint.parse(uri), "GET", "/version")
        assert version["Version"] == podman.cli("version", "--format", "{{.Server.Version}}")


def test_with_no_connection_the_panel_says_so(qtbot, shell):
    manager, window = shell
    panel = _panel(qtbot, manager, window)
    assert panel.summary.text() == "Not serving: No connection is active."
    assert panel.export_line.text() == ""
    assert not panel.warning.isVisibleTo(panel)


def test_which_connections_the_app_serves_and_which_docker_uses_directly():
    pipe = Connection("podman-machine-default", "npipe:////./pipe/podman-machine-default")
    assert not docker_socket.served_for(pipe)
    assert "named pipe" in docker_socket.not_served_reason(pipe)
    assert docker_socket.direct_address(pipe) == pipe.uri
    for served in (
        Connection("local", "unix:///run/podman/podman.sock"),
        Connection("devbox", "ssh://core@127.0.0.1:2222/run/user/1000/podman/podman.sock"),
    ):
        assert docker_socket.served_for(served)
        assert docker_socket.not_served_reason(served) == ""
        assert docker_socket.direct_address(served) == ""


def test_the_docker_host_line_shows_from_its_start_and_copies_whole(qtbot, podman, shell):
    manager, window = shell
    with qtbot.waitSignal(manager.session_changed, timeout=10_000):
        spawn(manager.open(Connection("test-bed", podman.uri)))
    panel = _panel(qtbot, manager, window)
    line = panel.export_line
    qtbot.waitUntil(lambda: line.text().startswith("export DOCKER_HOST=unix://"), timeout=10_000)
    assert line.text() == f"export DOCKER_HOST={manager.docker_address()}"
    qtbot.waitUntil(lambda: line.width() >= line.minimumWidth(), timeout=5_000)

    def first_visible() -> int:  # the text position at the field's left edge
        return line.cursorPositionAt(QPoint(line.contentsRect().left() + 4, line.height() // 2))

    assert first_visible() == 0  # "export DOCKER_HOST=", not "…CKER_HOST="
    line.setFixedWidth(160)  # a narrow window: the line scrolls, its start still shows
    qtbot.waitUntil(lambda: line.width() == 160, timeout=5_000)
    assert first_visible() == 0
    panel.findChild(QPushButton, "copyDockerHost").click()
    assert QGuiApplication.clipboard().text() == line.text()
