"""The Logs tab's kept lines without a container: the bound on what is kept, what a
kept line costs, the streams shown, colours carried across lines, and how a flood's
lines wait between the follower's thread and the GUI (the tab's own tests against a
real Podman are in tests/ui/test_inspector.py)."""

from __future__ import annotations

import gc
import sys
import tracemalloc

from app.controllers.container_logs import ContainerLogs, pack
from app.engine.streams.records import STDERR, STDOUT
from app.ui.inspector import ansi
from app.ui.inspector.log_lines import COMPACT_AT, NOTICE
from app.ui.inspector.log_view import BOTH, STDERR_ONLY, STDOUT_ONLY, LogView
from app.ui.inspector.logs_tab import MAX_LINES, MAX_PENDING, LogsTab

STAMP = "2026-11-30T12:00:00Z"


def _rows(first: int, count: int, stamp: str = STAMP) -> list[tuple[int, str, str]]:
    """Numbered lines, every third one on stderr."""
    return [
        (STDERR if i % 3 == 0 else STDOUT, stamp, f"line {i:07d} of the flood")
        for i in range(first, first + count)
    ]


def test_a_million_lines_keep_the_configured_number_and_memory_stays_bounded(qtbot):
    view = LogView()
    qtbot.addWidget(view)
    model = view.model()
    batch = 2_000
    blocks = []  # Python's allocated objects after each 100,000 lines
    for first in range(0, 1_000_000, batch):
        model.append(_rows(first, batch))
        model.trim(MAX_LINES)
        if (first + batch) % 100_000 == 0:
            gc.collect()
            blocks.append(sys.getallocatedblocks())
    store = model.store
    assert len(store) == MAX_LINES and model.rowCount() == MAX_LINES
    # The columns are cut every COMPACT_AT forgotten lines, not on each trim.
    assert MAX_LINES <= store.held < MAX_LINES + COMPACT_AT
    assert store.base == 1_000_000 - MAX_LINES  # the oldest went, the newest stayed
    assert store.block_count == MAX_LINES // batch  # the texts' strings went with them
    assert model.plain(0).endswith("line 0900000 of the flood")
    assert model.plain(MAX_LINES - 1).endswith("line 0999999 of the flood")
    # Nine times the kept lines went through after the first 100,000: the objects kept
    # did not grow with them (a leak of one a line would be 100,000 more each time).
    assert max(blocks[1:]) - blocks[1] < 5_000, blocks


def test_a_kept_line_costs_little_more_than_its_characters(qtbot):
    view = LogView()
    qtbot.addWidget(view)
    model = view.model()
    text = "0123456789012345678901234567890123456789"  # the flood's 40 characters
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for first in range(0, 50_000, 100):  # as a flood adds them, ~100 at a time
            model.append([(STDOUT, STAMP, f"{text}{i}") for i in range(first, first + 100)])
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert model.store.text(49_999) == f"{text}49999"
    # A tuple and a string a line were ~150 bytes besides the characters; the columns
    # take a byte of stream, two of style, 8 of timestamp and 16 of where the text is.
    per_line = kept / 50_000 - len(text) - 5
    assert per_line < 40, per_line
    print(f"{per_line:.1f} bytes a line besides its characters")


def test_the_streams_shown_trimming_prepending_and_wrapping_agree(qtbot):
    view = LogView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    model = view.model()
    model.append(_rows(0, 30))
    model.append([(NOTICE, "", "a note of the view")])
    model.set_streams(STDERR_ONLY)
    errors = [f"line {i:07d} of the flood" for i in range(0, 30, 3)]
    assert [line[2] for line in model.lines()] == [*errors, "a note of the view"]
    assert model.append(_rows(30, 3)) == 1  # of three new lines one is on stderr
    assert model.rowCount() == 12
    assert model.trim(20) == 5  # 14 went (of every stream), 5 of them shown
    assert model.line(0)[2] == "line 0000015 of the flood"
    assert model.prepend(_rows(-3, 3)) == 1  # -3 is on stderr
    assert model.line(0)[2] == "line -000003 of the flood"
    assert model.store.block_count == 4  # one for each append (the first keeps 16 lines)
    model.set_streams(STDOUT_ONLY)
    assert all(line[0] != STDERR for line in model.lines())
    store = model.store
    assert model.count() == sum(1 for i in range(len(store)) if store.stream(i) != STDERR)
    view.set_wrapping(True)
    model.append([(STDOUT, "", "x" * 500)])
    columns = view.columns()
    rows = sum(-(-len(model.plain(i)) // columns) for i in range(model.count()))
    assert model.rowCount() == rows > model.count()
    assert model.locate(model.rowCount() - 1)[0] == model.count() - 1
    model.set_streams(BOTH)
    assert model.count() == len(model.store)


def test_a_colour_runs_on_into_the_next_line_of_its_stream_only(qtbot):
    view = LogView()
    qtbot.addWidget(view)
    model = view.model()
    model.append(
        [
            (STDOUT, STAMP, "\x1b[31mred begins"),
            (STDERR, STAMP, "stderr is not red"),
            (STDOUT, STAMP, "still red\x1b[0m"),
            (STDOUT, STAMP, "plain again"),
        ]
    )
    styles = [line[3] if len(line) > 3 else ansi.PLAIN for line in model.lines()]
    assert [style.fg for style in styles] == [None, None, ansi.PALETTE[1], None]
    model.prepend([(STDOUT, STAMP, "earlier, \x1b[32mgreen")])
    assert len(model.line(1)) == 3  # an earlier line's colour does not run into later ones
    assert model.plain(0).endswith("earlier, green")


def test_a_flood_waits_packed_and_its_oldest_lines_are_skipped(qtbot):
    records = [(STDOUT, f"{STAMP} n {i}".encode()) for i in range(3)]
    records.append((STDERR, f"{STAMP} two\nlines".encode()))  # a frame cut at a stream's end
    streams, lines = pack(records)
    assert streams == bytes([STDOUT] * 3 + [STDERR] * 2)
    assert lines.split(b"\n")[-2:] == [f"{STAMP} two".encode(), b"lines"]

    controller = ContainerLogs(None, "flood")  # type: ignore[arg-type]  # never started
    tab = LogsTab(controller)
    qtbot.addWidget(tab)
    for first in range(0, MAX_PENDING + 1_000, 500):
        controller._post([(STDOUT, f"{STAMP} n {i}".encode()) for i in range(first, first + 500)])
    tab._take_inbox()
    assert tab.received == MAX_PENDING + 1_000
    assert tab._waiting == MAX_PENDING and tab._skipped == 1_000
    assert tab._take_pending(3) == [(STDOUT, STAMP, f"n {i}") for i in range(1_000, 1_003)]
    tab._flush()
    assert tab.view.model().line(0) == (NOTICE, "", "… 1,000 lines skipped: output came too fast")
    assert tab.view.model().line(1)[2] == "n 1003"
    tab.close_streams()
