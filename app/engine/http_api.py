"""Plain HTTP to a Podman endpoint, for what podman-py lacks or gets wrong.

podman-py cannot stream events over named pipes, has no attach or interactive exec,
and fails on some list results (docs/podman-notes.md, "podman-py"). Everything the engine
says to the API without podman-py goes through this one module.
"""

from __future__ import annotations

import http.client
import io
import json
import select
import socket
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from app.engine.endpoint import Endpoint
from app.engine.errors import (
    ApiError,
    ConnectionLost,
    Unreachable,
    describe_os_error,
    error_for_status,
)

# Podman accepts a newer version prefix than it implements; v4.0.0 is the oldest
# libpod API the app supports and the one every call below exists in.
LIBPOD_PREFIX = "/v4.0.0/libpod"


class EndpointConnection(http.client.HTTPConnection):
    """An HTTPConnection whose transport is an :class:`Endpoint` stream."""

    def __init__(self, endpoint: Endpoint, timeout: float | None = 30.0) -> None:
        super().__init__("d", timeout=timeout)  # the Host header Podman expects is any name
        self.endpoint = endpoint

    def connect(self) -> None:
        try:
            self.sock = self.endpoint.connect(self.timeout)
        except (OSError, ValueError) as exc:
            why = describe_os_error(exc)
            raise Unreachable(f"Cannot reach Podman at {self.endpoint}: {why}", why) from exc


def url(path: str, params: dict[str, Any] | None) -> str:
    if params:
        clean = {k: v for k, v in params.items() if v is not None}
        for key, value in clean.items():
            if isinstance(value, bool):
                clean[key] = "true" if value else "false"
            elif isinstance(value, dict | list):
                clean[key] = json.dumps(value)
        if clean:
            return f"{path}?{urlencode(clean)}"
    return path


def api_error(body: bytes, status: int) -> ApiError:
    """The typed error for an error answer, with Podman's message and cause from its body."""
    try:
        data = json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return error_for_status(status, text or f"HTTP {status}")
    if isinstance(data, dict):
        cause = str(data.get("cause") or "")
        return error_for_status(status, str(data.get("message") or cause or data), cause)
    return error_for_status(status, str(data))


def request(
    endpoint: Endpoint,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    timeout: float | None = 30.0,
) -> Any:
    """Send one request and return the decoded JSON answer (None for an empty body).

    Raises ConnectionLost when the endpoint cannot be reached and an ApiError subclass,
    carrying Podman's own message, for an error status.
    """
    payload = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    _headers, data = _exchange(endpoint, method, url(path, params), payload, headers, timeout)
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


def ping_headers(endpoint: Endpoint, timeout: float | None = 30.0) -> dict[str, str]:
    """The headers of ``GET /_ping`` (names in lower case): Podman names its version and
    libpod API version there (``Libpod-Api-Version``, ``Server: Libpod/4.3.1 (linux)``)
    for ~1 ms of its time. Raises as :func:`request` does."""
    got, _data = _exchange(endpoint, "GET", "/_ping", None, {}, timeout)
    return {name.lower(): value.strip() for name, value in got}


def _exchange(
    endpoint: Endpoint,
    method: str,
    target: str,
    payload: bytes | None,
    headers: dict[str, str],
    timeout: float | None,
) -> tuple[list[tuple[str, str]], bytes]:
    """One request on a connection of its own: the answer's headers and whole body.
    Raises ConnectionLost, or Podman's error for an error status."""
    conn = EndpointConnection(endpoint, timeout)
    try:
        conn.request(method, target, body=payload, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
    except (OSError, http.client.HTTPException) as exc:
        why = describe_os_error(exc)
        raise ConnectionLost(f"Lost the connection to Podman at {endpoint}: {why}", why) from exc
    finally:
        conn.close()
    if resp.status >= 400:
        raise api_error(data, resp.status)
    return resp.getheaders(), data


class Stream:
    """A long-lived response (events, logs, stats) read line by line.

    ``close()`` may be called from another thread: it shuts the socket down so a
    reader blocked in ``lines()`` returns at once.
    """

    def __init__(
        self, conn: EndpointConnection, response: http.client.HTTPResponse, sock: socket.socket
    ) -> None:
        self._conn = conn
        self._response = response
        # http.client drops conn.sock when the response says "Connection: close"; keep ours.
        self._sock = sock
        self._closed = False

    def lines(self) -> Iterator[bytes]:
        """Yield each non-empty line; ends when the server ends the stream or on close()."""
        try:
            while not self._closed:
                line = self._response.readline()
                if not line:
                    return
                line = line.strip()
                if line:
                    yield line
        except (OSError, ValueError, AttributeError, http.client.HTTPException) as exc:
            # close() from another thread can pull the response from under readline().
            if self._closed:
                return
            if isinstance(exc, AttributeError):
                raise
            raise ConnectionLost(f"The stream from Podman broke: {describe_os_error(exc)}") from exc

    def chunks(self, size: int = 256 * 1024, gather_s: float = 0.0) -> Iterator[bytes]:
        """Yield the body as it arrives (binary frames, not lines); ends like lines().

        ``gather_s`` > 0 (a close-delimited body, as HTTP/1.0 streams are): once data
        arrives, up to ``size`` bytes are gathered for at most that long, waiting in the
        kernel. Podman writes a log flood one short line per write, and a plain read
        returns after a few of them: measured 183,000 reads of 187 bytes for a 20 MB
        flood, each one taking the interpreter lock from the GUI thread.
        """
        response = self._response
        gather = gather_s > 0 and _can_gather(self._sock)
        gather = gather and not response.chunked and response.length is None
        try:
            # First what http.client has buffered (all of it: its buffer is this size).
            data: bytes | None = response.read1(max(size, io.DEFAULT_BUFFER_SIZE))
            if gather and data:
                _set_receive_timeout(self._sock, gather_s)
                poller = select.poll()
                poller.register(self._sock, select.POLLIN)
            while not self._closed:
                if data == b"":
                    return
                if data:
                    yield data
                if gather:
                    poller.poll()  # an idle stream sleeps here, with no timeout
                    data = _gather(self._sock, size)
                else:
                    data = response.read1(size)
        except (OSError, ValueError, AttributeError, http.client.HTTPException) as exc:
            if self._closed:
                return
            if isinstance(exc, AttributeError):
                raise
            raise ConnectionLost(f"The stream from Podman broke: {describe_os_error(exc)}") from exc

    def close(self) -> None:
        self._closed = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._conn.close()
        self._sock.close()


def _can_gather(sock: Any) -> bool:
    # Linux returns what came when SO_RCVTIMEO ends a MSG_WAITALL read (unix and TCP);
    # elsewhere that is not verified, so other systems read plainly.
    return isinstance(sock, socket.socket) and sys.platform.startswith("linux")


def _set_receive_timeout(sock: socket.socket, seconds: float) -> None:
    whole = int(seconds)
    micro = int((seconds - whole) * 1_000_000)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", whole, micro))


def _gather(sock: socket.socket, size: int) -> bytes | None:
    """Up to ``size`` bytes of a readable socket: all of them, or what came before the
    receive timeout; b"" at the end of the stream, None if nothing came after all."""
    try:
        return sock.recv(size, socket.MSG_WAITALL)
    except BlockingIOError:
        return None


class _Http10Connection(EndpointConnection):
    """HTTP/1.0: Podman then writes a stream's body plainly instead of one chunk per
    line, which costs as much to parse as the data itself for a log flood."""

    _http_vsn = 10
    _http_vsn_str = "HTTP/1.0"


def open_stream(
    endpoint: Endpoint,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    connect_timeout: float = 10.0,
    wait_for_headers: bool = False,
    http10: bool = False,
    on_socket: Callable[[socket.socket], None] | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | Iterable[bytes] | None = None,
) -> Stream:
    """Open a streaming request (no read timeout once the headers are in).

    ``wait_for_headers``: wait for the headers for ever (Podman sends those of a followed
    logs response only with the container's first output; a build sends them only when
    it has read the whole context). ``on_socket`` gets the socket once connected, so
    another thread can shut it down while the headers are awaited. ``body``: bytes, or an
    iterable of byte blocks sent chunked as they are produced (a build context is never
    held in memory whole).
    """
    conn = (_Http10Connection if http10 else EndpointConnection)(endpoint, connect_timeout)
    try:
        conn.connect()
        sock = conn.sock
        if on_socket is not None:
            on_socket(sock)
        chunked = body is not None and not isinstance(body, bytes | bytearray)
        if chunked:
            sock.settimeout(None)  # the body may take as long as its producer needs
        # An iterable body without a length goes out chunked (http.client decides so).
        conn.request(method, url(path, params), body=body, headers=headers or {})
        if chunked:
            sock.settimeout(connect_timeout)
        if wait_for_headers:
            sock.settimeout(None)
        resp = conn.getresponse()  # headers within connect_timeout, or ConnectionLost
        sock.settimeout(None)  # then the stream may stay quiet for as long as it likes
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        why = describe_os_error(exc)
        raise ConnectionLost(f"Cannot open a stream from {endpoint}: {why}", why) from exc
    except ConnectionLost:
        conn.close()
        raise
    if resp.status >= 400:
        data = resp.read()
        conn.close()
        raise api_error(data, resp.status)
    return Stream(conn, resp, sock)


def hijack(
    endpoint: Endpoint,
    path: str,
    body: Any,
    *,
    params: dict[str, Any] | None = None,
    timeout: float = 10.0,
) -> tuple[socket.socket, bytes]:
    """POST ``body`` (JSON) asking to upgrade the connection to a raw stream; return the
    socket (blocking, no timeout) and the stream bytes that came with the headers.

    Podman answers an exec start or attach with ``Connection: Upgrade`` by "101
    UPGRADED" and then both directions are the process's raw bytes. The headers are read
    here rather than by http.client, whose buffered reader would keep stream bytes that
    arrived with them. An error status raises the typed ApiError with Podman's words.
    """
    conn = EndpointConnection(endpoint, timeout)
    payload = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "Connection": "Upgrade",
        "Upgrade": "tcp",
    }
    try:
        conn.request("POST", url(path, params), body=payload, headers=headers)
        sock = conn.sock
        head, rest = _read_head(sock)
        status, fields = _parse_head(head)
        if status >= 400:
            raise api_error(_read_body(sock, fields, rest), status)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        conn.close()
        why = describe_os_error(exc)
        raise ConnectionLost(f"Cannot open a session with {endpoint}: {why}", why) from exc
    except ApiError:
        conn.close()
        raise
    sock.settimeout(None)
    conn.sock = None  # the socket is the caller's now; closing conn must not close it
    return sock, rest


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(4096)
        if not more:
            raise ConnectionResetError("the service closed the connection before answering")
        data += more
        if len(data) > 65536:
            raise ValueError("the answer's headers are too long")
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise ValueError(f"not an HTTP answer: {lines[0][:80]!r}")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return int(parts[1]), fields


def _read_body(sock: socket.socket, fields: dict[str, str], rest: bytes) -> bytes:
    """An error answer's body: by its length, else (close-delimited) until the end."""
    length = int(fields.get("content-length", "-1") or -1)
    chunked = fields.get("transfer-encoding", "").lower() == "chunked"
    data = rest
    while length < 0 or len(data) < length:
        if chunked and data.endswith(b"0\r\n\r\n"):
            break
        more = sock.recv(65536)
        if not more:
            break
        data += more
    if chunked:
        data = _unchunk(data)
    return data if length < 0 else data[:length]


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return out
