"""What every upstream offers the proxy: open a stream to Podman, or say why not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.proxy.status import UpstreamState
from app.proxy.streams import ByteStream

# Called on a proxy thread whenever the upstream's state or error changes.
StateCallback = Callable[[UpstreamState, str], None]


class UpstreamUnavailable(Exception):
    """No stream to Podman could be opened in time; the message says why."""


class Prepared(Protocol):
    """A stream being opened by prepare(); close() gives it up."""

    def close(self) -> None: ...


class Upstream(Protocol):
    uri: str
    state: UpstreamState
    last_error: str
    reconnects: int

    def start(self, on_state: StateCallback) -> None:
        """Begin connecting in the background (returns at once)."""

    def prepare(self) -> Prepared | None:
        """Start opening a stream without blocking, if that can be done (else None)."""

    def open(self, timeout: float, prepared: Prepared | None = None) -> ByteStream:
        """A new stream to Podman (from ``prepared`` if given), waiting up to ``timeout`` s
        for the upstream to be back."""

    def retry(self) -> None:
        """Try again after a failure that needed the user (e.g. a host key just accepted)."""

    def close(self) -> None:
        """Stop connecting; streams already handed out end (their reads see EOF)."""
