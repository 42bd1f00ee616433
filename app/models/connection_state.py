"""The state of the active connection, and what each state allows."""

from __future__ import annotations

from enum import Enum


class ConnectionState(Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"  # was or could be reachable; the app keeps retrying
    UNSUPPORTED = "unsupported"  # reachable, but Podman is too old
    UNAVAILABLE = "unavailable"  # cannot be used at all (no podman, needs the proxy…)

    @property
    def label(self) -> str:
        return {
            ConnectionState.CONNECTING: "Connecting…",
            ConnectionState.CONNECTED: "Connected",
            ConnectionState.LOST: "Connection lost",
            ConnectionState.UNSUPPORTED: "Unsupported Podman",
            ConnectionState.UNAVAILABLE: "Unavailable",
        }[self]

    def can_act(self) -> bool:
        """Whether actions on containers, images… may be sent."""
        return self is ConnectionState.CONNECTED

    def is_retrying(self) -> bool:
        return self in (ConnectionState.CONNECTING, ConnectionState.LOST)
