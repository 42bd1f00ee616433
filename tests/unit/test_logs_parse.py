"""The logs body decoder (framed and raw) and the resume that repeats nothing."""

from __future__ import annotations

import struct

from app.engine.streams.logs import LogDecoder, LogResume, record_timestamp
from app.engine.streams.records import STDERR, STDOUT, LogLine, split_timestamp, to_line


def frame(stream: int, text: str) -> bytes:
    data = text.encode()
    return struct.pack(">BxxxL", stream, len(data)) + data


def decode(decoder: LogDecoder, data: bytes) -> list[LogLine]:
    return [to_line(record) for record in decoder.feed(data)]


def test_frames_split_stdout_and_stderr_whatever_the_chunking():
    body = (
        frame(STDOUT, "2026-11-28T12:19:07Z hello\n")
        + frame(STDERR, "2026-11-28T12:19:07Z oops\n")
        + frame(STDOUT, "2026-11-28T12:19:08Z \x1b[31mred\x1b[0m é\n")
    )
    for size in (1, 3, 8, 9, len(body)):
        decoder = LogDecoder()
        lines = []
        for i in range(0, len(body), size):
            lines += decode(decoder, body[i : i + size])
        assert lines == [
            LogLine(STDOUT, "2026-11-28T12:19:07Z", "hello"),
            LogLine(STDERR, "2026-11-28T12:19:07Z", "oops"),
            LogLine(STDOUT, "2026-11-28T12:19:08Z", "\x1b[31mred\x1b[0m é"),
        ]


def test_raw_tty_body_is_split_on_newlines_and_crlf_is_dropped():
    decoder = LogDecoder()
    lines = decode(decoder, b"2026-11-28T12:19:07Z tty line\r\n2026-11-28T12:19:08Z par")
    assert lines == [LogLine(0, "2026-11-28T12:19:07Z", "tty line")]
    assert decode(decoder, b"tial\r\n") == [LogLine(0, "2026-11-28T12:19:08Z", "partial")]


def test_a_partial_line_joins_the_next_frame_of_its_stream():
    decoder = LogDecoder()
    body = frame(STDOUT, "2026-11-28T12:19:07Z no newline ") + frame(
        STDOUT, "2026-11-28T12:19:07Z yet\n"
    )
    assert decode(decoder, body) == [LogLine(STDOUT, "2026-11-28T12:19:07Z", "no newline yet")]
    assert decode(decoder, frame(STDOUT, "2026-11-28T12:19:09Z end")) == []
    assert [to_line(r) for r in decoder.flush()] == [LogLine(STDOUT, "2026-11-28T12:19:09Z", "end")]


def test_nanosecond_timestamps_and_lines_without_one():
    assert split_timestamp("2026-11-28T12:19:07.123456789Z x y") == (
        "2026-11-28T12:19:07.123456789Z",
        "x y",
    )
    assert split_timestamp("no timestamp here") == ("", "no timestamp here")
    assert record_timestamp(b"2026-11-28T12:19:07Z x") == b"2026-11-28T12:19:07Z"
    assert record_timestamp(b"plain words here") == b""
    assert LogLine(1, "2026-11-28T12:19:07.5Z", "").time_ns % 1_000_000_000 == 500_000_000


def rec(stream: int, stamp: str, text: str) -> tuple[int, bytes]:
    return (stream, f"{stamp} {text}".encode())


def test_resume_drops_the_lines_of_the_last_second_already_delivered():
    resume = LogResume()
    first = [
        rec(1, "2026-11-28T12:00:00Z", "a"),
        rec(1, "2026-11-28T12:00:01Z", "b"),
        rec(2, "2026-11-28T12:00:01Z", "c"),
    ]
    assert resume.filter(first) == first
    assert resume.since() == "2026-11-28T12:00:01Z"
    # The new stream starts again at 12:00:01: b and c again, then the rest.
    resume.rewind()
    again = [
        rec(1, "2026-11-28T12:00:01Z", "b"),
        rec(2, "2026-11-28T12:00:01Z", "c"),
        rec(1, "2026-11-28T12:00:01Z", "d"),
        rec(1, "2026-11-28T12:00:02Z", "e"),
    ]
    assert [to_line(r).text for r in resume.filter(again)] == ["d", "e"]
    assert resume.dropped == 2
    assert resume.since() == "2026-11-28T12:00:02Z"


def test_resume_across_batches_and_a_genuinely_repeated_line():
    resume = LogResume()
    resume.filter([rec(1, "2026-11-28T12:00:01Z", "tick")])
    resume.filter([rec(1, "2026-11-28T12:00:01Z", "tock")])  # same second, next batch
    resume.rewind()
    replay = [
        rec(1, "2026-11-28T12:00:01Z", "tick"),
        rec(1, "2026-11-28T12:00:01Z", "tock"),
        rec(1, "2026-11-28T12:00:01Z", "tick"),  # a second, new tick
    ]
    assert [to_line(r).text for r in resume.filter(replay)] == ["tick"]
    resume.rewind()
    assert resume.filter([rec(1, "2026-11-28T11:59:59Z", "old")]) == []
