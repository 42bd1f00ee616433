"""The state of the active connection, what each state allows, and its one colour.

The status bar's dot, the tray icon and the tray menu all colour a state through
``state_color``, so the same state never shows in two colours.
"""

from __future__ import annotations

from enum import Enum

from app.models import dots


class ConnectionState(Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"  # it answered once and stopped; the app keeps retrying
    NOT_CONNECTED = "not-connected"  # it never answered; the app keeps retrying
    UNSUPPORTED = "unsupported"  # reachable, but Podman is too old
    UNAVAILABLE = "unavailable"  # cannot be used at all (no podman, needs the proxy…)

    @property
    def label(self) -> str:
        return {
            ConnectionState.CONNECTING: "Connecting…",
            ConnectionState.CONNECTED: "Connected",
            ConnectionState.LOST: "Connection lost",
            ConnectionState.NOT_CONNECTED: "Not connected",
            ConnectionState.UNSUPPORTED: "Unsupported Podman",
            ConnectionState.UNAVAILABLE: "Unavailable",
        }[self]

    def can_act(self) -> bool:
        """Whether actions on containers, images… may be sent."""
        return self is ConnectionState.CONNECTED

    def is_retrying(self) -> bool:
        return self in (
            ConnectionState.CONNECTING,
            ConnectionState.LOST,
            ConnectionState.NOT_CONNECTED,
        )


_COLORS = {
    ConnectionState.CONNECTED: dots.GREEN,
    ConnectionState.CONNECTING: dots.AMBER,
    ConnectionState.LOST: dots.RED,
    ConnectionState.NOT_CONNECTED: dots.RED,
    ConnectionState.UNSUPPORTED: dots.RED,
    ConnectionState.UNAVAILABLE: dots.RED,
}


def state_color(state: ConnectionState | None) -> str:
    """The colour of a state wherever it shows; ``None`` (no connection at all) is grey."""
    return dots.GREY if state is None else _COLORS[state]
