"""What the window says about a connection that has never answered: what was tried,
why it failed, and what fixes it, fitted to the kind of connection.

Plain data (a ``Notice``); the connection manager decides when it shows. Unlike a
connection that answered and was lost, there are no last known lists to keep showing,
so the page takes their place until Podman answers (docs/architecture.md).
"""

from __future__ import annotations

import html
import os
import re
from urllib.parse import urlparse

from app.controllers.notices import Command, Notice
from app.engine.connection import Connection, machine_name_of

KIND = "not-connected"

# The sockets systemd's podman.socket units listen on: the user unit at
# $XDG_RUNTIME_DIR/podman/podman.sock, the system (rootful) unit at /run/podman/podman.sock.
_USER_SOCKET = re.compile(r"^/run/user/\d+/podman/podman\.sock$")
_SYSTEM_SOCKET = "/run/podman/podman.sock"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def not_connected(
    connection: Connection,
    reason: str,
    retrying: bool = True,
    as_root: bool | None = None,
) -> Notice:
    """The page for ``connection``, which never answered, with ``reason`` (plain words).

    ``retrying``: whether the app keeps trying by itself (an SSH login that was refused
    waits for Retry). ``as_root``: whether the app runs as root (commands need no sudo).
    """
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    name = connection.name
    commands = _commands(connection, as_root)
    paragraphs = [
        f"<b>Tried:</b> {_tried(connection)}.",
        f"<b>Why it failed:</b> {html.escape(_sentence(reason))}",
        (
            "The app keeps trying every few seconds, and shows the lists as soon as Podman answers."
            if retrying
            else "The app does not try again by itself: press Retry once it is fixed."
        ),
    ]
    if commands:
        paragraphs.append("<b>To fix it:</b>")
    actions = []
    if connection.is_machine:
        actions.append(("start-machine", "Start machine"))
    actions += [("retry-connection", "Retry"), ("choose-connection", "Choose another connection…")]
    return Notice(
        KIND,
        f"Not connected to “{name}”",
        "".join(f"<p>{p}</p>" for p in paragraphs),
        actions,
        commands,
    )


def _tried(connection: Connection) -> str:
    where = f"<code>{html.escape(connection.describe())}</code>"
    if connection.is_ssh:
        socket_path = html.escape(connection.ssh_target().socket_path)
        where = f"Podman's socket <code>{socket_path}</code> on {where}, over SSH"
    else:
        where = f"Podman's service at {where}"
    if connection.name == connection.uri:  # given as an address: the name says nothing more
        return where
    kind = (
        "the Podman machine"
        if connection.is_machine
        else "the remote host"
        if connection.is_ssh
        else "the connection"
    )
    return f"{kind} “{html.escape(connection.name)}”: {where}"


def _sentence(text: str) -> str:
    text = text.strip() or "Podman did not answer"
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _commands(connection: Connection, as_root: bool) -> list[Command]:
    sudo = "" if as_root else "sudo "
    if connection.is_machine:
        name = machine_name_of(connection)
        return [
            Command(
                "Start the machine (the Start machine button does the same):",
                f"podman machine start {name}",
            )
        ]
    if connection.is_ssh:
        target = connection.ssh_target()
        identity = f"-i {connection.identity} " if connection.identity else ""
        login = f"ssh {identity}-p {target.port} {target.user}@{target.host}"
        commands = [Command("Check that you can log in to the host:", login)]
        unit = _unit_command(target.socket_path, "sudo " if target.user != "root" else "")
        if unit:
            commands.append(Command(f"On {target.host}, start Podman's socket:", unit))
        return commands
    scheme = connection.scheme
    if scheme == "unix":
        path = urlparse(connection.uri).path if "://" in connection.uri else connection.uri
        rootful = path == _SYSTEM_SOCKET and not as_root
        commands = []
        unit = _unit_command(path, sudo, local=True)
        if unit:
            purpose = "Start Podman's socket (systemd then starts Podman when asked):"
            commands.append(Command(purpose, unit))
        service = f"{sudo if rootful else ''}podman system service --time=0 unix://{path}"
        by_hand = "Or run the service" if commands else "Run the service"
        commands.append(Command(f"{by_hand} in a terminal, until you stop it:", service))
        return commands
    if scheme == "tcp":
        host = urlparse(connection.uri).hostname or ""
        where = "in a terminal" if host in _LOOPBACK else f"on {host}"
        service = f"podman system service --time=0 {connection.uri}"
        return [Command(f"Run the service {where}, until you stop it:", service)]
    if scheme == "npipe":
        return [Command("Start the Podman machine that serves this pipe:", "podman machine start")]
    return []


def _unit_command(path: str, sudo: str, local: bool = False) -> str:
    """The systemctl command that starts the podman.socket unit listening at ``path``
    (``local``: a path on this computer, where $XDG_RUNTIME_DIR says where the user's is)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "") if local else ""
    user_socket = runtime and path == os.path.join(runtime, "podman", "podman.sock")
    if user_socket or _USER_SOCKET.match(path):
        return "systemctl --user start podman.socket"
    if path == _SYSTEM_SOCKET:
        return f"{sudo}systemctl start podman.socket"
    return ""
