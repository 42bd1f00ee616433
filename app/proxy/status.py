"""The proxy's state as plain data: what the GUI's panel and status bar show."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class UpstreamState(enum.Enum):
    """Where the upstream (the Podman socket, directly or over SSH) stands."""

    CONNECTING = "connecting"  # first attempt in progress
    UP = "up"
    DOWN = "down"  # lost or unreachable; retrying with backoff
    FAILED = "failed"  # refused for good (host key, login): needs the user, see last_error
    STOPPED = "stopped"

    @property
    def usable(self) -> bool:
        return self is UpstreamState.UP


class ProxyState(enum.Enum):
    STARTING = "starting"
    LISTENING = "listening"
    STOPPED = "stopped"
    FAILED = "failed"  # the listener could not be opened; see last_error


@dataclass(frozen=True)
class ProxyStatus:
    """A snapshot; every field is safe to show (no secrets)."""

    state: ProxyState
    listening: str  # the listener's URI ("" until it is open)
    upstream: str  # the upstream's URI
    upstream_state: UpstreamState
    active_clients: int = 0
    total_clients: int = 0
    bytes_to_upstream: int = 0  # bytes clients sent, forwarded to Podman
    bytes_to_clients: int = 0  # bytes Podman sent, forwarded to clients
    failed_clients: int = 0  # clients answered with 502
    reconnects: int = 0  # times the upstream came back after being lost
    last_error: str = ""
