"""What the welcome page says about Podman, from what the app already knows."""

from __future__ import annotations

from app.controllers import notices
from app.controllers.not_connected import not_connected
from app.controllers.podman_check import CHECKING, READY, UNREACHABLE, podman_check
from app.engine.connection import Connection
from app.models.connection_state import ConnectionState

LOCAL = Connection("local", "unix:///run/user/1000/podman/podman.sock", source="local")
MACHINE = Connection(
    "dev", "ssh://core@127.0.0.1:40000/run/user/1000/podman/podman.sock", is_machine=True
)


def _commands(check) -> list[str]:
    return [c.command for c in check.commands]


def test_a_connected_session_is_ready_with_its_version() -> None:
    check = podman_check(LOCAL, ConnectionState.CONNECTED, version="4.3.1")
    assert check.status == READY and check.ready
    assert "Podman 4.3.1 answers on “local”" in check.text
    assert check.commands == [] and check.actions == []


def test_no_session_yet_and_connecting_are_checking() -> None:
    assert podman_check(None, None).status == CHECKING
    assert podman_check(LOCAL, ConnectionState.CONNECTING).status == CHECKING


def test_local_linux_gets_the_user_and_the_rootful_socket_units() -> None:
    notice = not_connected(LOCAL, "nothing is listening there", as_root=False)
    check = podman_check(
        LOCAL, ConnectionState.NOT_CONNECTED, "nothing is listening there", notice=notice,
        platform="linux", as_root=False,
    )  # fmt: skip
    assert check.status == UNREACHABLE
    assert "Nothing is listening there." in check.text
    commands = _commands(check)
    assert commands[:2] == [
        "systemctl --user enable --now podman.socket",
        "sudo systemctl enable --now podman.socket",
    ]
    assert ("retry-connection", "Retry") in check.actions
    assert all(a != "choose-connection" for a, _ in check.actions)  # a menu: the notice page's


def test_macos_and_windows_get_the_machine_commands() -> None:
    for platform in ("darwin", "win32"):
        check = podman_check(None, None, notice=notices.podman_missing(), platform=platform)
        commands = _commands(check)
        assert commands[-2:] == ["podman machine init", "podman machine start"], commands
        assert commands[0] in ("brew install podman", "winget install RedHat.Podman")


def test_a_stopped_machine_is_started_by_name() -> None:
    check = podman_check(MACHINE, ConnectionState.NOT_CONNECTED, "SSH: connection refused")
    assert _commands(check) == ["podman machine start dev"]


def test_podman_missing_on_linux_says_how_to_install_then_start() -> None:
    check = podman_check(
        None, None, notice=notices.podman_missing(), platform="linux", as_root=True
    )
    commands = _commands(check)
    assert commands[0] == "sudo apt-get install podman"
    assert commands[-1] == "systemctl enable --now podman.socket"  # root: no sudo, no --user
    assert check.title == "Podman is not installed"
