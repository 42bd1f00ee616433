"""What the never-connected page says for each kind of connection: the fixes fit it."""

from __future__ import annotations

import pytest

from app.controllers.not_connected import not_connected
from app.engine.connection import Connection


def _commands(notice) -> list[str]:
    return [c.command for c in notice.commands]


def _actions(notice) -> list[str]:
    return [action for action, _label in notice.actions]


def test_a_socket_of_the_users_podman_socket_unit():
    uri = "unix:///run/user/1000/podman/podman.sock"
    notice = not_connected(Connection(uri, uri, source="argument"), "nothing is listening there")
    assert notice.title == f"Not connected to “{uri}”"
    assert _commands(notice) == [
        "systemctl --user start podman.socket",
        f"podman system service --time=0 {uri}",
    ]
    assert _actions(notice) == ["retry-connection", "choose-connection"]
    assert "Nothing is listening there." in notice.text
    assert "keeps trying" in notice.text


@pytest.mark.parametrize(
    ("as_root", "expected"),
    [
        (
            False,
            [
                "sudo systemctl start podman.socket",
                "sudo podman system service --time=0 unix:///run/podman/podman.sock",
            ],
        ),
        (
            True,
            [
                "systemctl start podman.socket",
                "podman system service --time=0 unix:///run/podman/podman.sock",
            ],
        ),
    ],
)
def test_the_rootful_socket_needs_root(as_root, expected):
    local = Connection("local", "unix:///run/podman/podman.sock", source="local")
    notice = not_connected(local, "the connection was refused", as_root=as_root)
    assert _commands(notice) == expected
    assert "the connection “local”" in notice.text


def test_any_other_socket_is_served_by_hand():
    uri = "unix:///tmp/somewhere/api.sock"
    notice = not_connected(Connection(uri, uri, source="argument"), "no such socket")
    assert _commands(notice) == [f"podman system service --time=0 {uri}"]
    assert notice.commands[0].purpose.startswith("Run the service")


def test_tcp_says_where_to_run_the_service():
    remote = Connection("build", "tcp://build.example:8888")
    notice = not_connected(remote, "no answer in time")
    assert _commands(notice) == ["podman system service --time=0 tcp://build.example:8888"]
    assert "on build.example" in notice.commands[0].purpose
    local = Connection("tcp", "tcp://127.0.0.1:8888")
    assert "in a terminal" in not_connected(local, "refused").commands[0].purpose


def test_a_machine_is_started_through_the_app():
    machine = Connection(
        "dev-root", "ssh://root@127.0.0.1:40000/run/podman/podman.sock", is_machine=True
    )
    notice = not_connected(machine, "SSH: Cannot reach the SSH server 127.0.0.1:40000")
    assert _actions(notice) == ["start-machine", "retry-connection", "choose-connection"]
    assert _commands(notice) == ["podman machine start dev"]
    assert "the Podman machine “dev-root”" in notice.text


def test_a_remote_host_offers_the_login_and_its_socket_unit():
    remote = Connection(
        "devbox",
        "ssh://me@devbox.example:2222/run/user/1000/podman/podman.sock",
        identity="/home/me/.ssh/id_ed25519",
    )
    notice = not_connected(remote, "SSH: login refused", retrying=False)
    assert _commands(notice) == [
        "ssh -i /home/me/.ssh/id_ed25519 -p 2222 me@devbox.example",
        "systemctl --user start podman.socket",
    ]
    assert notice.commands[1].purpose.startswith("On devbox.example")
    assert "does not try again by itself" in notice.text


def test_words_from_outside_are_escaped():
    odd = Connection("<b>x</b>", "unix:///tmp/a&b.sock")
    notice = not_connected(odd, "<script>")
    assert "<b>x</b>" not in notice.text and "&lt;b&gt;x&lt;/b&gt;" in notice.text
    assert "&lt;script&gt;" in notice.text and "a&amp;b.sock" in notice.text
