"""A request whose body is produced while it is sent (a build context, an image
archive), cancellable at every stage: while the body goes out, while Podman reads it
before answering, and while the answer streams back."""

from __future__ import annotations

import socket
from collections.abc import Iterable

from app.engine.endpoint import Endpoint
from app.engine.errors import ConnectionLost
from app.engine.http_api import Stream, open_stream
from app.support.concurrency import Cancelled, CancelToken


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def upload(
    endpoint: Endpoint,
    path: str,
    body: Iterable[bytes],
    cancel: CancelToken,
    content_type: str = "application/x-tar",
) -> Stream:
    """POST ``body`` (chunked) to ``path`` and return the answer's stream, which a
    cancel closes. Raises Cancelled when ``cancel`` fired before the answer came: the
    socket is shut at once, so a send or a wait for the headers ends there."""
    opened: list[socket.socket] = []

    def on_socket(sock: socket.socket) -> None:
        opened.append(sock)
        cancel.on_cancel(lambda: _shut(sock))

    try:
        stream = open_stream(
            endpoint,
            path,
            method="POST",
            body=body,
            headers={"Content-Type": content_type},
            wait_for_headers=True,
            on_socket=on_socket,
        )
    except Cancelled:  # the body stopped itself: close what http.client left open
        for sock in opened:
            _shut(sock)
            sock.close()
        raise
    except ConnectionLost:
        if cancel.cancelled:
            raise Cancelled() from None
        raise
    cancel.on_cancel(stream.close)
    return stream
