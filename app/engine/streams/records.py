"""The plain records of the streams (logs, stats, a reader's state) and their time
helpers: no I/O here, so views may import this module (docs/layers.ini) while the
readers beside it stay out of their reach.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

# -- a reader's state ----------------------------------------------------------------------


class StreamState(enum.Enum):
    """Where a reader is; each change but STOPPED reaches ``on_state(state, reason)``."""

    STOPPED = "stopped"  # not running: not started yet, or stop() was called
    CONNECTING = "connecting"  # opening the stream (reason: the last loss, if any)
    CONNECTED = "connected"  # the stream is open: the cue to reconcile with a full list
    LOST = "lost"  # it broke or could not be opened; it reconnects after a pause
    ENDED = "ended"  # Podman ended it (a container stopped); it waits for ``resume()``


# -- time ----------------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$", re.IGNORECASE
)


def parse_rfc3339_ns(text: str) -> int:
    """Nanoseconds since the epoch of an RFC 3339 time (0 if unreadable); datetime alone
    would drop the last three digits Podman writes."""
    match = _RFC3339.match(text.strip())
    if not match:
        return 0
    whole, fraction, zone = match.groups()
    zone = "+00:00" if zone.upper() == "Z" else zone
    try:
        seconds = int(datetime.fromisoformat(whole + zone).timestamp())
    except ValueError:
        return 0
    return seconds * 1_000_000_000 + int((fraction or "0").ljust(9, "0"))


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def since_param(time_nano: int) -> str:
    """``since=`` for events strictly after ``time_nano``.

    Podman reads a unix timestamp through a float64 (~240 ns off today) but RFC 3339
    exactly, and keeps only events strictly after it (measured on Podman 4.3.1).
    """
    seconds, nanos = divmod(max(0, time_nano), 1_000_000_000)
    # Not fromtimestamp: on Windows it refuses times before 1970 (OSError).
    moment = _EPOCH + timedelta(seconds=seconds)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{nanos:09d}Z"


# -- logs ----------------------------------------------------------------------------------

STDIN, STDOUT, STDERR = 0, 1, 2

Record = tuple[int, bytes]  # (stream, b"TIMESTAMP text") as Podman sent it, no newline


class LogLine(NamedTuple):
    """One line a container wrote: which stream (0 when a TTY merges them), when, what."""

    stream: int
    timestamp: str  # as Podman wrote it ("" when it sent none)
    text: str

    @property
    def time_ns(self) -> int:
        return parse_rfc3339_ns(self.timestamp) if self.timestamp else 0


def split_timestamp(record: str) -> tuple[str, str]:
    """("2026-11-28T12:19:07Z", "text") from a timestamped record; ("", record) otherwise."""
    head, sep, rest = record.partition(" ")
    if sep and len(head) >= 20 and head[4:5] == "-" and head[10:11] == "T":
        return head, rest
    return "", record


def to_row(record: Record) -> tuple[int, str, str]:
    """Decode a record into a plain (stream, timestamp, text) tuple; done only for the
    lines that are shown (see LogDecoder). Plain tuples of strings are untracked by the
    cyclic GC, so a view can keep 100,000 of them without slowing every collection."""
    stream, data = record
    timestamp, text = split_timestamp(data.decode("utf-8", "replace"))
    return (stream, timestamp, text.rstrip("\r"))


def to_line(record: Record) -> LogLine:
    return LogLine(*to_row(record))


# -- stats ---------------------------------------------------------------------------------

# The span of the charts, and so of the history kept: five minutes.
HISTORY_SECONDS = 300


@dataclass(frozen=True, slots=True)
class StatsSample:
    """One reading; byte counters are totals since the container started."""

    at: float  # time.monotonic() when it arrived
    cpu_percent: float
    mem_used: int
    mem_limit: int
    net_rx: int
    net_tx: int
    block_read: int
    block_write: int
    pids: int

    @property
    def mem_percent(self) -> float:
        return 100.0 * self.mem_used / self.mem_limit if self.mem_limit else 0.0


@dataclass(frozen=True, slots=True)
class Rates:
    """Bytes per second between two samples."""

    net_rx: float = 0.0
    net_tx: float = 0.0
    block_read: float = 0.0
    block_write: float = 0.0


class StatsHistory:
    """The samples of the last ``seconds`` and the rates between them."""

    def __init__(self, seconds: float = HISTORY_SECONDS) -> None:
        self.seconds = seconds
        self.samples: deque[StatsSample] = deque()
        self.rates: deque[tuple[float, Rates]] = deque()

    @property
    def latest(self) -> StatsSample | None:
        return self.samples[-1] if self.samples else None

    @property
    def latest_rates(self) -> Rates:
        return self.rates[-1][1] if self.rates else Rates()

    def add(self, sample: StatsSample) -> None:
        prev = self.latest
        if prev is not None and sample.at > prev.at:
            span = sample.at - prev.at

            def rate(new: int, old: int) -> float:
                # A restarted container's counters start again from zero.
                return max(0, new - old) / span

            self.rates.append(
                (
                    sample.at,
                    Rates(
                        rate(sample.net_rx, prev.net_rx),
                        rate(sample.net_tx, prev.net_tx),
                        rate(sample.block_read, prev.block_read),
                        rate(sample.block_write, prev.block_write),
                    ),
                )
            )
        self.samples.append(sample)
        horizon = sample.at - self.seconds
        while self.samples and self.samples[0].at < horizon:
            self.samples.popleft()
        while self.rates and self.rates[0][0] < horizon:
            self.rates.popleft()
