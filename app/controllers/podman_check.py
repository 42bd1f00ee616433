"""Whether Podman answers, in the words of the welcome page: what the app already knows
about the connection (the session's state, the connection manager's notice), and the
exact commands that get Podman going on this kind of computer when it does not.

Plain data; nothing here asks Podman again.
"""

from __future__ import annotations

import html
import os
import sys
from dataclasses import dataclass, field

from app.controllers.notices import Command, Notice
from app.engine.connection import Connection, machine_name_of
from app.models.connection_state import ConnectionState

CHECKING, READY, UNREACHABLE = "checking", "ready", "unreachable"
# Notice buttons the welcome page offers as they are; "choose-connection" opens a menu,
# which stays the notice page's.
_PAGE_ACTIONS = ("retry", "retry-connection", "enable-socket", "own-service", "start-machine")


@dataclass(frozen=True)
class PodmanCheck:
    """What the welcome page says about Podman: ``status`` is CHECKING, READY or
    UNREACHABLE; ``text`` is rich text; ``actions`` are notice actions (id, label)."""

    status: str
    title: str
    text: str
    commands: list[Command] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.status == READY


def podman_check(
    connection: Connection | None,
    state: ConnectionState | None,
    reason: str = "",
    version: str = "",
    notice: Notice | None = None,
    platform: str = sys.platform,
    as_root: bool | None = None,
) -> PodmanCheck:
    """The check for the active ``connection`` in ``state`` (None: no session), or for
    the connection manager's ``notice`` (which wins: it says why there is no session)."""
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if notice is not None and notice.kind != "too-old":
        return _from_notice(notice, connection, reason, platform, as_root)
    if connection is None or state is None:
        return PodmanCheck(CHECKING, "Checking Podman…", "Looking for a Podman connection…")
    where = _where(connection)
    if state is ConnectionState.CONNECTED:
        found = f"Podman {html.escape(version)}" if version else "Podman"
        return PodmanCheck(READY, "Podman is ready", f"{found} answers on {where}.")
    if state is ConnectionState.CONNECTING:
        return PodmanCheck(CHECKING, "Checking Podman…", f"Asking {where}…")
    if state is ConnectionState.UNSUPPORTED:
        return PodmanCheck(UNREACHABLE, "This Podman is too old", html.escape(reason))
    title = (
        "Podman stopped answering" if state is ConnectionState.LOST else "Podman cannot be reached"
    )
    text = f"Tried {where}: {html.escape(_sentence(reason))} " + _keeps_trying(state)
    return PodmanCheck(
        UNREACHABLE,
        title,
        text,
        start_commands(connection, platform, as_root),
        [("retry-connection", "Retry")],
    )


def _from_notice(
    notice: Notice, connection: Connection | None, reason: str, platform: str, as_root: bool
) -> PodmanCheck:
    actions = [(a, label) for a, label in notice.actions if a in _PAGE_ACTIONS]
    if notice.kind == "podman-missing":
        text = (
            "The app did not find the <code>podman</code> command. Install Podman, then start it:"
        )
        commands = install_commands(platform) + start_commands(None, platform, as_root)
        return PodmanCheck(UNREACHABLE, notice.title, text, commands, actions)
    if notice.kind == "not-connected" and connection is not None:
        text = f"Tried {_where(connection)}: {html.escape(_sentence(reason))} "
        text += _keeps_trying(None)
        if connection.is_ssh and not connection.is_machine:
            commands = notice.commands  # fitted to the remote host already
        else:
            # The socket units listen at the usual paths only: for another path the
            # notice's "podman system service" line is the one that helps.
            by_hand = [
                Command("Or run the service in a terminal, until you stop it:", c.command)
                for c in notice.commands
                if "system service" in c.command
            ]
            commands = start_commands(connection, platform, as_root) + by_hand
        return PodmanCheck(UNREACHABLE, "Podman cannot be reached", text, commands, actions)
    if notice.kind == "socket-unit":
        commands = start_commands(None, platform, as_root)
        return PodmanCheck(UNREACHABLE, notice.title, notice.text, commands, actions)
    if notice.kind == "no-connection":
        commands = machine_commands(None, init=True)
        return PodmanCheck(UNREACHABLE, notice.title, notice.text, commands, actions)
    return PodmanCheck(UNREACHABLE, notice.title, notice.text, notice.commands, actions)


def _where(connection: Connection) -> str:
    address = f"<code>{html.escape(connection.describe())}</code>"
    if connection.name in (connection.uri, connection.describe()):
        return address  # given as an address: the name says nothing more
    return f"“{html.escape(connection.name)}” ({address})"


def _keeps_trying(state: ConnectionState | None) -> str:
    if state is ConnectionState.UNAVAILABLE:
        return "Press Retry once it is fixed."
    return "The app keeps trying, and this page says so as soon as Podman answers."


def _sentence(text: str) -> str:
    text = text.strip() or "Podman did not answer"
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def install_commands(platform: str = sys.platform) -> list[Command]:
    """How to install Podman here."""
    if platform == "darwin":
        return [Command("Install Podman with Homebrew:", "brew install podman")]
    if platform == "win32":
        return [Command("Install Podman with winget:", "winget install RedHat.Podman")]
    return [
        Command("Install Podman (Debian, Ubuntu):", "sudo apt-get install podman"),
        Command("Or (Fedora):", "sudo dnf install podman"),
    ]


def machine_commands(connection: Connection | None, init: bool) -> list[Command]:
    """Create (``init``) and start the Podman machine ``connection`` names, or the default."""
    name = f" {machine_name_of(connection)}" if connection is not None else ""
    commands = []
    if init:
        commands.append(Command("Create Podman's virtual machine (once):", "podman machine init"))
    commands.append(Command("Start it (again after each restart):", f"podman machine start{name}"))
    return commands


def start_commands(
    connection: Connection | None, platform: str = sys.platform, as_root: bool = False
) -> list[Command]:
    """The commands that start Podman for ``connection`` (None: the local Podman)."""
    if connection is not None and connection.is_machine:
        return machine_commands(connection, init=False)
    if platform in ("darwin", "win32"):
        return machine_commands(None, init=True)
    if connection is not None and connection.is_ssh:
        target = connection.ssh_target()
        return [
            Command(
                f"On {target.host}, start Podman's socket:",
                "systemctl --user enable --now podman.socket",
            )
        ]
    if as_root:
        return [
            Command(
                "Start Podman's socket (systemd then starts Podman when asked):",
                "systemctl enable --now podman.socket",
            )
        ]
    return [
        Command(
            "Start Podman's socket for your user (rootless; systemd then starts Podman "
            "when asked):",
            "systemctl --user enable --now podman.socket",
        ),
        Command(
            "Or the system's socket, for rootful Podman:",
            "sudo systemctl enable --now podman.socket",
        ),
    ]
