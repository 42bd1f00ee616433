"""A container's logs: the frame decoder, resume without repeats, and a follower thread.

Without a TTY Podman multiplexes stdout and stderr with Docker's 8-byte frame headers
(stream type, three zero bytes, big-endian length); with a TTY the body is raw. Podman
4.3's libpod endpoint frames even TTY output, so the decoder sniffs the first bytes
rather than trusting Config.Tty. Timestamps are always asked for: they are what a
resumed stream (``since=``) is lined up on, whether or not the view shows them.
"""

from __future__ import annotations

import struct
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.errors import ConnectionLost
from app.engine.http_api import LIBPOD_PREFIX, Stream, open_stream
from app.engine.streams.reader import DEFAULT_BACKOFF, StateCallback, StreamReader, StreamState
from app.engine.streams.records import (
    STDERR,
    STDIN,
    STDOUT,
    LogLine,
    Record,
    parse_rfc3339_ns,
    to_line,
)
from app.support import log

_log = log.get("logs")

_HEADER = struct.Struct(">BxxxL")
_READ_SIZE = 256 * 1024
# A followed stream is read in pieces of up to 16 KB gathered for up to 5 ms (see
# Stream.chunks): a 20 MB flood then takes ~2,000 reads instead of ~180,000, and the
# GUI thread's worst heartbeat gap in the flood test fell from 48-65 ms to 30-42 ms
# (an idle process's own: ~30 ms). Larger pieces hold the interpreter lock longer per
# parse: 64 KB was worse.
_GATHER_SIZE = 16 * 1024
_GATHER_S = 0.005


def record_timestamp(data: bytes) -> bytes:
    """The timestamp a record starts with (b"" if none)."""
    cut = data.find(b" ", 0, 48)
    if cut >= 20 and data[4:5] == b"-" and data[10:11] == b"T":
        return data[:cut]
    return b""


def _is_header(buf: bytearray, pos: int) -> bool:
    return buf[pos] in (STDIN, STDOUT, STDERR) and buf[pos + 1 : pos + 4] == b"\0\0\0"


class LogDecoder:
    """Bytes of a logs response in, records out; feed it chunks of any size.

    Records stay bytes: a container writing 10 MB/s sends far more lines than a window
    shows, so decoding waits until a line is shown. A frame holds one record; a record
    without a final newline is a partial line (k8s-file "P") whose rest comes in the
    next frame of the same stream.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._framed: bool | None = None  # unknown until the first bytes
        self._partial: dict[int, bytes] = {}

    def feed(self, data: bytes) -> list[Record]:
        self._buffer += data
        if self._framed is None:
            if len(self._buffer) < 8:
                return []
            self._framed = _is_header(self._buffer, 0)
        if not self._framed:
            return self._raw()
        out = self._frames()
        if self._framed:
            return out
        return out + self._raw()  # the framing broke: the rest reads as raw text

    def flush(self) -> list[Record]:
        """The partial lines still held, at the end of a stream."""
        out = list(self._partial.items())
        self._partial.clear()
        if self._buffer and self._framed:
            # The stream ended inside a frame: keep what arrived of it.
            _log.warning("the logs stream ended inside a frame (%d bytes)", len(self._buffer))
            if len(self._buffer) > 8:
                out.append((self._buffer[0], bytes(self._buffer[8:]).rstrip(b"\n")))
        elif self._buffer:
            out.append((0, bytes(self._buffer)))
        self._buffer.clear()
        return out

    def _frames(self) -> list[Record]:
        out: list[Record] = []
        buf = self._buffer
        unpack = _HEADER.unpack_from
        pos, end = 0, len(buf)
        while end - pos >= 8:
            if not _is_header(buf, pos):
                # Not a frame header (stream 0-2, three zero bytes): the framing is lost,
                # and what follows is shown as it came rather than dropped.
                _log.warning("the logs stream lost its framing: %.40r", bytes(buf[pos : pos + 8]))
                self._framed = False
                out.extend(self._partial.items())
                self._partial.clear()
                break
            stream, size = unpack(buf, pos)
            stop = pos + 8 + size
            if stop > end:
                break
            payload = bytes(buf[pos + 8 : stop])
            pos = stop
            if not size:
                continue  # an empty frame holds no line
            if not self._partial and payload.find(b"\n") == size - 1:
                out.append((stream, payload[:-1]))  # the usual frame: one whole line
            else:
                self._records(stream, payload, out)
        del buf[:pos]
        return out

    def _raw(self) -> list[Record]:
        cut = self._buffer.rfind(b"\n")
        if cut < 0:
            return []
        lines = bytes(self._buffer[:cut]).split(b"\n")
        del self._buffer[: cut + 1]
        return [(0, line) for line in lines]

    def _records(self, stream: int, payload: bytes, out: list[Record]) -> None:
        for record in payload.splitlines(keepends=True):
            complete = record.endswith(b"\n")
            record = record.rstrip(b"\n")
            held = self._partial.pop(stream, None)
            if held is not None:
                stamp = record_timestamp(record)
                record = held + (record[len(stamp) + 1 :] if stamp else record)
            if complete:
                out.append((stream, record))
            else:
                self._partial[stream] = record


class LogResume:
    """Where a followed stream stopped, so a new one (``since=``) repeats nothing.

    Podman 4.3 writes whole-second timestamps and ``since`` keeps lines strictly after
    it, so a resumed stream starts again at the last second seen; the lines of that
    second already delivered are recognised, in order, and dropped. Only the start of
    a resumed stream is looked at line by line; after that a batch costs one look at
    its last second.

    The last second's lines are remembered by their hashes, not kept: in a flood a
    second is ~36,000 lines, and holding them (~170 bytes each) outlived the GUI's
    skipping of them, adding ~6 MB to the app's peak (bench/logs_bench.py).
    """

    def __init__(self) -> None:
        self.timestamp = b""
        self._time_ns = 0
        self._at_last = array("q")  # hashes of the records delivered at ``timestamp``
        self._skip: deque[int] = deque()
        self._resuming = False
        self.dropped = 0

    def since(self) -> str | None:
        return self.timestamp.decode() if self.timestamp else None

    def rewind(self) -> None:
        """A new stream from ``since()`` begins: expect the last second's lines again."""
        self._skip = deque(self._at_last)
        self._resuming = bool(self.timestamp)

    def filter(self, records: list[Record]) -> list[Record]:
        """The records not delivered before, noting where this batch ends."""
        if self._resuming:
            records = self._filter_resumed(records)
        if records:
            self._note_tail(records)
        return records

    def _filter_resumed(self, records: list[Record]) -> list[Record]:
        out: list[Record] = []
        for i, record in enumerate(records):
            stamp = record_timestamp(record[1])
            if not stamp:
                out.append(record)
            elif stamp == self.timestamp:
                if self._skip and self._skip[0] == hash(record):
                    self._skip.popleft()
                    self.dropped += 1
                else:
                    self._skip.clear()
                    out.append(record)
            elif parse_rfc3339_ns(stamp.decode()) < self._time_ns:
                self.dropped += 1  # before where it stopped: already delivered
            else:
                self._resuming = False
                self._skip.clear()
                out.extend(records[i:])
                break
        return out

    def _note_tail(self, records: list[Record]) -> None:
        stamp = record_timestamp(records[-1][1])
        if not stamp:
            return
        prefix = stamp + b" "
        first = len(records) - 1
        while first > 0 and records[first - 1][1].startswith(prefix):
            first -= 1
        if first == 0 and stamp == self.timestamp:
            self._at_last.extend(map(hash, records))
        else:
            self.timestamp = stamp
            self._time_ns = parse_rfc3339_ns(stamp.decode())
            self._at_last = array("q", map(hash, records[first:]))


def logs_path(container_id: str) -> str:
    return f"{LIBPOD_PREFIX}/containers/{container_id}/logs"


def open_logs(
    endpoint: Endpoint,
    container_id: str,
    params: dict[str, Any],
    on_socket: Callable[[Any], None] | None = None,
    connect_timeout: float = 10.0,
) -> Stream:
    """Open a logs response, waiting for its headers for ever.

    Podman sends the headers of a followed logs response only with the first output,
    so a quiet container would look like a dead connection. HTTP/1.0 makes Podman write
    the body plainly instead of one chunk per line. ``on_socket`` receives the socket as
    soon as it is connected, so another thread can shut it down meanwhile.
    """
    try:
        return open_stream(
            endpoint,
            logs_path(container_id),
            params=params,
            connect_timeout=connect_timeout,
            wait_for_headers=True,
            http10=True,
            on_socket=on_socket,
        )
    except ConnectionLost as exc:
        raise ConnectionLost(f"Cannot open the logs: {exc}") from exc


def chunks(stream: Stream, follow: bool = True) -> Iterator[bytes]:
    """The raw body of a stream as it arrives (frames are binary, not lines); a stream
    that is not followed is all there already, and is read in large pieces."""
    if follow:
        return stream.chunks(_GATHER_SIZE, gather_s=_GATHER_S)
    return stream.chunks(_READ_SIZE)


def read_logs(
    endpoint: Endpoint, container_id: str, *, tail: int | None = None, until: str | None = None
) -> list[LogLine]:
    """The logs so far (not followed), the last ``tail`` lines when given.

    ``until`` keeps only lines before that time; Podman applies ``tail`` before
    ``until``, so with ``until`` the tail is taken here, holding at most ``tail`` lines.
    """
    params: dict[str, Any] = {"stdout": True, "stderr": True, "timestamps": True}
    if until:
        params["until"] = until
    elif tail is not None:
        params["tail"] = tail
    kept: deque[Record] = deque(maxlen=tail)
    decoder = LogDecoder()
    stream = open_logs(endpoint, container_id, params)
    try:
        for data in chunks(stream, follow=False):
            kept.extend(decoder.feed(data))
        kept.extend(decoder.flush())
    finally:
        stream.close()
    return [to_line(record) for record in kept]


class LogFollower(StreamReader):
    """Follows a container's logs on its own thread (see StreamReader).

    ``on_records(list[Record])`` gets each read's new lines; ``on_state(StreamState,
    reason)`` gets CONNECTED as soon as the socket connects (Podman sends the headers
    only with the first output), ENDED when the stream ends (the container stopped:
    call ``resume()`` when it runs again) and LOST (then it reconnects with backoff).
    Both run on the follower's thread. A new stream resumes where the last one stopped
    (``since=``), and the lines it repeats are dropped (LogResume).
    """

    what = "the logs"
    logger = _log

    def __init__(
        self,
        endpoint: Endpoint,
        container_id: str,
        on_records: Callable[[list[Record]], None],
        on_state: StateCallback | None = None,
        tail: int = 1000,
        backoff: Iterable[float] = DEFAULT_BACKOFF,
    ) -> None:
        super().__init__(endpoint, f"pdc-logs {container_id[:12]}", on_state, backoff)
        self.container_id = container_id
        self.tail = tail
        self.resume_point = LogResume()
        self._on_records = on_records

    def _hold_socket(self, sock: Any) -> None:
        super()._hold_socket(sock)
        # Podman sends its headers only with the first output, so this is the moment
        # the stream is known to be up.
        self._set_state(StreamState.CONNECTED)

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "follow": True,
            "stdout": True,
            "stderr": True,
            "timestamps": True,
        }
        since = self.resume_point.since()
        if since:
            params["since"] = since
        else:
            params["tail"] = self.tail
        return params

    def _open(self) -> Stream:
        # Lines are matched against the last second seen from the first byte on.
        self.resume_point.rewind()
        return open_logs(
            self.endpoint, self.container_id, self._params(), on_socket=self._hold_socket
        )

    def _read(self, stream: Stream) -> tuple[StreamState, str]:
        decoder = LogDecoder()
        for data in chunks(stream):
            self._deliver(decoder.feed(data))
        self._deliver(decoder.flush())
        return StreamState.ENDED, ""

    def _deliver(self, records: list[Record]) -> None:
        fresh = self.resume_point.filter(records)
        if fresh:
            self._call(self._on_records, fresh)
