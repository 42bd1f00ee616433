"""A container's resource use: samples parsed from the stats stream, their recent
history with rates, and a reader for the stream.

The libpod stream sends ``{"Error": …, "Stats": [{…}]}`` per interval; the
Docker-compatible one sends Docker's layout. Both parse into the same StatsSample.
For a container that is not running Podman 4.3 keeps sending readings of all zeros
(docs/podman-notes.md, "Stats and processes of a stopped container"): those are no
figures, so they parse into nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError
from app.engine.http_api import LIBPOD_PREFIX, Stream, open_stream
from app.engine.streams.reader import StateCallback, StreamReader, StreamState
from app.engine.streams.records import StatsSample
from app.support import log

_log = log.get("stats")


def _num(value: Any, kind: type = int) -> Any:
    try:
        return kind(value or 0)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        return kind(0)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_stats(data: Mapping[str, Any], at: float | None = None) -> StatsSample | None:
    """A sample from one JSON object of either stream (None if it holds none); a field of
    the wrong type reads as absent."""
    at = time.monotonic() if at is None else at
    if "Stats" in data:
        entries = data.get("Stats")
        if not isinstance(entries, list) or not entries or not isinstance(entries[0], Mapping):
            return None
        s = entries[0]
        if not (_num(s.get("MemLimit")) or _num(s.get("MemUsage")) or _num(s.get("PIDs"))):
            return None  # a stopped container's reading: no memory, no limit, no process
        return StatsSample(
            at,
            _num(s.get("CPU"), float),
            _num(s.get("MemUsage")),
            _num(s.get("MemLimit")),
            _num(s.get("NetInput")),
            _num(s.get("NetOutput")),
            _num(s.get("BlockInput")),
            _num(s.get("BlockOutput")),
            _num(s.get("PIDs")),
        )
    if "cpu_stats" in data:
        return _parse_docker(data, at)
    return None


def _parse_docker(data: Mapping[str, Any], at: float) -> StatsSample:
    cpu, pre = _map(data.get("cpu_stats")), _map(data.get("precpu_stats"))
    delta = _num(_map(cpu.get("cpu_usage")).get("total_usage")) - _num(
        _map(pre.get("cpu_usage")).get("total_usage")
    )
    system = _num(cpu.get("system_cpu_usage")) - _num(pre.get("system_cpu_usage"))
    cpus = _num(cpu.get("online_cpus")) or 1
    percent = 100.0 * delta / system * cpus if system > 0 and delta > 0 else 0.0
    mem = _map(data.get("memory_stats"))
    rx = tx = 0
    for net in _map(data.get("networks")).values():
        rx += _num(_map(net).get("rx_bytes"))
        tx += _num(_map(net).get("tx_bytes"))
    read = write = 0
    io = _map(data.get("blkio_stats")).get("io_service_bytes_recursive")
    for entry in io if isinstance(io, list) else ():
        entry = _map(entry)
        op = str(entry.get("op", "")).lower()
        if op == "read":
            read += _num(entry.get("value"))
        elif op == "write":
            write += _num(entry.get("value"))
    pids = _num(_map(data.get("pids_stats")).get("current"))
    return StatsSample(
        at, percent, _num(mem.get("usage")), _num(mem.get("limit")), rx, tx, read, write, pids
    )


class StatsReader(StreamReader):
    """Reads one container's stats stream on its own thread until stopped (see
    StreamReader): one sample each ``interval`` seconds.

    ``on_sample(StatsSample)`` and ``on_state(StreamState, reason)`` run on the
    reader's thread. A stream that ends (the container stopped) is LOST and opened
    again after ``retry_delay``, so the reader needs no restart when the container
    runs again.
    """

    what = "the stats stream"
    logger = _log

    def __init__(
        self,
        endpoint: Endpoint,
        container_id: str,
        on_sample: Callable[[StatsSample], None],
        on_state: StateCallback | None = None,
        interval: int = 1,
        retry_delay: float = 2.0,
    ) -> None:
        super().__init__(endpoint, f"pdc-stats {container_id[:12]}", on_state, (retry_delay,))
        self.container_id = container_id
        self.interval = interval
        self._on_sample = on_sample

    def _refused(self, exc: ApiError) -> str:
        return exc.message  # "no such container" reads well after "No stats:"

    def _open(self) -> Stream:
        params = {"containers": self.container_id, "stream": True, "interval": self.interval}
        return open_stream(
            self.endpoint,
            f"{LIBPOD_PREFIX}/containers/stats",
            params=params,
            on_socket=self._hold_socket,
        )

    def _read(self, stream: Stream) -> tuple[StreamState, str]:
        for line in stream.lines():
            self._line(line)
        return StreamState.LOST, "The stats stream ended (the container stopped?)"

    def _line(self, line: bytes) -> None:
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            data = None
        if not isinstance(data, dict):
            self.logger.debug("ignoring an unreadable stats line: %.200r", line)
            return
        if data.get("Error"):
            self.logger.debug("stats error for %s: %s", self.container_id, data["Error"])
        sample = parse_stats(data)
        if sample is not None:
            self._call(self._on_sample, sample)
