"""What the window says when there is nothing to show: no Podman, too old, and so on.

Plain data: the window lays a notice out; the connection manager decides which one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    """A command the user can copy and run: what it does, and the command itself."""

    purpose: str
    command: str


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    text: str
    actions: list[tuple[str, str]] = field(default_factory=list)  # (action id, button label)
    commands: list[Command] = field(default_factory=list)  # shown selectable, with Copy


def install_hint() -> str:
    if sys.platform == "darwin":
        return (
            "Install it with Homebrew: <code>brew install podman</code>, then run "
            "<code>podman machine init</code> and <code>podman machine start</code>."
        )
    if sys.platform == "win32":
        return (
            "Install it with <code>winget install RedHat.Podman</code>, then run "
            "<code>podman machine init</code> and <code>podman machine start</code>."
        )
    return (
        "Install it with your package manager, for example "
        "<code>sudo apt-get install podman</code> (Debian, Ubuntu) or "
        "<code>sudo dnf install podman</code> (Fedora)."
    )


def podman_missing() -> Notice:
    return Notice(
        "podman-missing",
        "Podman is not installed",
        "Podman Desktop Companion shows and manages what Podman runs, so it needs Podman "
        f"4.0 or newer. {install_hint()} Then press Retry. If Podman is installed somewhere "
        "unusual, set its path in Settings.",
        [("retry", "Retry"), ("settings", "Settings…")],
    )


def too_old(message: str) -> Notice:
    return Notice(
        "too-old",
        "This Podman is too old",
        f"{message} Older Podman versions lack the API this app uses.",
        [("retry", "Retry")],
    )


def socket_unit(unit_path: str, user: bool) -> Notice:
    scope = "--user " if user else ""
    return Notice(
        "socket-unit",
        "The Podman service is not running",
        "Nothing answers on the local Podman socket. systemd can start the service on "
        f"demand (<code>systemctl {scope}enable --now podman.socket</code>): the docker CLI "
        "and other tools then keep working after this app exits. Or the app can run the "
        "service itself until you quit it.",
        [
            ("enable-socket", "Enable podman.socket"),
            ("own-service", "Run it only while the app is open"),
        ],
    )


def unknown_connection(name: str, known: list[str]) -> Notice:
    names = ", ".join(known) if known else "none"
    return Notice(
        "unknown-connection",
        f"No connection named “{name}”",
        f"Podman knows these connections: {names}. Add connections with "
        "<code>podman system connection add</code>.",
        [("retry", "Retry")],
    )


def no_connection() -> Notice:
    return Notice(
        "no-connection",
        "No Podman connection",
        "Podman has no connections and there is no local Podman socket on this computer. "
        "Start a Podman machine (<code>podman machine init</code>, <code>podman machine "
        "start</code>) or add a remote one with <code>podman system connection add</code>.",
        [("retry", "Retry")],
    )


def service_failed(message: str) -> Notice:
    return Notice(
        "service-failed",
        "Podman's service could not be started",
        f"The app tried to run <code>podman system service</code> and Podman said: {message}",
        [("retry", "Retry")],
    )


def proxy_failed(name: str, message: str) -> Notice:
    return Notice(
        "proxy-failed",
        f"“{name}” cannot be reached",
        f"This connection goes over SSH through the app's socket proxy, which could not "
        f"start: {message}",
        [("retry", "Retry"), ("settings", "Settings…")],
    )
