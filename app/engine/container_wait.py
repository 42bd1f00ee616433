"""Waiting for a container to exit, cancellably (``podman wait``).

Podman's ``/containers/ID/wait`` answers only when the condition is met, so it is held
as a stream: a cancel shuts its socket down and the waiting thread returns at once.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from app.engine.endpoint import Endpoint
from app.engine.errors import ConnectionLost
from app.engine.http_api import LIBPOD_PREFIX, open_stream
from app.support.concurrency import Cancelled, CancelToken


def wait_container(
    endpoint: Endpoint,
    container_id: str,
    *,
    on_progress: Callable[[Any], None] = lambda _p: None,
    cancel: CancelToken | None = None,
) -> int:
    """Wait until the container has exited and return its exit code.

    A container that already exited answers at once. Raises Cancelled when ``cancel``
    fired (the container keeps running), NotFound for an unknown container.
    """
    cancel = cancel or CancelToken()
    cancel.check()
    try:
        stream = open_stream(
            endpoint,
            f"{LIBPOD_PREFIX}/containers/{quote(container_id, safe='')}/wait",
            params={"condition": "exited"},
            method="POST",
            # Podman may hold the headers back until the condition is met: the cancel
            # has to reach the socket before they come.
            wait_for_headers=True,
            on_socket=lambda sock: cancel.on_cancel(lambda: _shut(sock)),
        )
        cancel.on_cancel(stream.close)
        try:
            body = b"".join(stream.chunks())
        finally:
            stream.close()
    except (ConnectionLost, OSError):
        if cancel.cancelled:
            raise Cancelled() from None
        raise
    cancel.check()
    try:
        return int(json.loads(body or b"0"))
    except (TypeError, ValueError):
        return -1


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
