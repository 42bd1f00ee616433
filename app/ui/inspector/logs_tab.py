"""The Logs tab: a followed stream, shown in batches so a flood never freezes the window.

Its ContainerLogs controller follows the stream and wakes the tab once when lines come
(app/controllers/container_logs.py); a 50 ms timer then takes the queue and moves lines
into the view, at most MAX_PER_FLUSH lines and BUDGET_S of GUI time per tick. When
more waits than a few seconds of that pace, the oldest are skipped and the view says
how many. Measured here on a 2-CPU machine
(bench/logs_bench.py): with a container writing 10 MB/s of 41-byte lines the GUI
thread's own work between 10 ms heartbeats stays under ~20 ms; its worst gaps (30-70 ms)
are mostly waiting for a CPU while Podman streams the flood on both.

Signals:
    flushed(): lines were added to the view (for tests and the search count).
"""

from __future__ import annotations

import time
from collections import deque
from operator import countOf
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers.container_logs import FIRST_LINES, ContainerLogs
from app.engine.errors import PodmanError
from app.engine.streams.records import (
    STDERR,
    LogLine,
    StreamState,
    split_timestamp,
)
from app.support import log
from app.support.concurrency import TaskSet
from app.ui.inspector import ansi
from app.ui.inspector.log_lines import NOTICE, LineStore, Row
from app.ui.inspector.log_view import MUTED_COLOR, LogView

_log = log.get("ui")

MAX_LINES = 100_000
FLUSH_MS = 50
BUDGET_S = 0.006  # GUI time per flush; the rest of the tick stays free for input
MAX_MATCHES = 5000
# At most this many lines per flush (8,000 a second): a person cannot read more, and
# every line shown costs Qt layout and, later, compaction of the whole document.
MAX_PER_FLUSH = 400
MAX_PENDING = 50_000  # about six seconds of showing at that pace
Match = tuple[int, int]  # (row, column) in the view's lines


class LogsTab(QWidget):
    """Shows what its ContainerLogs controller follows; see the module's docstring."""

    flushed = Signal()

    def __init__(self, controller: ContainerLogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        controller.records_waiting.connect(self._wake)
        controller.state_changed.connect(self._on_state)
        # Lines from the stream as the controller packed them, [streams, lines, first
        # not taken], decoded when shown. Bounded: in a flood the oldest are skipped (and
        # counted) so the view stays close to what is written now.
        self._pending: deque[list] = deque()
        self._waiting = 0  # lines in ``_pending``
        self.received = 0  # lines that came from the stream
        self._skipped = 0
        self._timestamps: dict[str, str] = {}  # recent ones, to share (see _take_pending)
        self._matches: list[Match] = []
        self._match_index = -1  # the current match, the one the count names
        self._tasks = TaskSet("logs tab", _log)
        self._closed = False
        self._earlier_exhausted = False
        self._flush_timer = QTimer(self, singleShot=True, interval=FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._run_search)
        self._build()

    # -- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit(self, placeholderText="Search the logs", clearButtonEnabled=True)
        self.search.setObjectName("logsSearch")
        self.search.setAccessibleName("Search the logs")
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.find_next)
        previous = QShortcut(QKeySequence("Shift+Return"), self.search)
        previous.setContext(Qt.ShortcutContext.WidgetShortcut)
        previous.activated.connect(self.find_previous)
        self.previous_button = QPushButton("↑", self, toolTip="Previous match (Shift+Enter)")
        self.next_button = QPushButton("↓", self, toolTip="Next match (Enter)")
        self.previous_button.setAccessibleName("Previous match")
        self.next_button.setAccessibleName("Next match")
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(32)
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.match_label = QLabel("", self)
        self.match_label.setMinimumWidth(70)
        self.streams = QComboBox(self)
        self.streams.addItems(["stdout + stderr", "stdout", "stderr"])
        self.streams.setToolTip("Which output streams to show")
        self.streams.setAccessibleName("Streams shown")
        self.streams.currentIndexChanged.connect(lambda _i: self.rerender())
        self.timestamps = QCheckBox("Timestamps", self, checked=True)
        self.timestamps.toggled.connect(lambda _on: self.rerender())
        self.wrap = QCheckBox("Wrap", self)
        self.wrap.toggled.connect(self._set_wrap)
        self.earlier_button = QPushButton("Load earlier", self)
        self.earlier_button.setToolTip(f"Show the {FIRST_LINES:,} lines before the first one shown")
        self.earlier_button.clicked.connect(lambda: self._tasks.spawn(self.load_earlier()))
        self.save_button = QPushButton("Save…", self)
        self.save_button.clicked.connect(self._ask_save)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for widget in (self.previous_button, self.next_button, self.match_label, self.streams):
            bar.addWidget(widget)
        for widget in (self.timestamps, self.wrap, self.earlier_button, self.save_button):
            bar.addWidget(widget)

        self.view = LogView(self)
        self.view.placeholder = (
            "The container has written nothing yet: its output appears here as it comes."
        )
        self.status = QLabel("", self)
        self.status.setObjectName("logsStatus")
        self.status.setStyleSheet(f"color: {MUTED_COLOR};")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    def _set_wrap(self, on: bool) -> None:
        self.view.set_wrapping(on)

    # -- following -----------------------------------------------------------------------

    @property
    def container_id(self) -> str:
        return self.controller.container_id

    @container_id.setter
    def container_id(self, container_id: str) -> None:
        self.controller.container_id = container_id

    @property
    def following(self) -> bool:
        return self.controller.following

    def start(self) -> None:
        """Begin following (once): the last FIRST_LINES lines, then everything new."""
        if self.controller.following or self._closed:
            return
        self.status.setText("Connecting…")
        self.controller.start()

    def container_started(self) -> None:
        """The container runs (again): follow its new output."""
        self.controller.container_started()

    def close_streams(self) -> None:
        """Stop following (the controller stops its follower)."""
        self._closed = True
        self._flush_timer.stop()
        self._tasks.cancel_all()
        self.controller.close()

    def container_removed(self) -> None:
        self.close_streams()
        self.earlier_button.setEnabled(False)
        self.status.setText("The container was removed: these are the last lines it wrote.")

    def _on_state(self, state: StreamState, reason: str) -> None:
        if self._closed:
            return
        if state is StreamState.CONNECTED:
            self.status.setText("Following the container's output")
        elif state is StreamState.LOST or (state is StreamState.CONNECTING and reason):
            self.status.setText(f"Reconnecting… ({reason})")
        elif state is StreamState.CONNECTING:
            self.status.setText("Connecting…")
        elif state is StreamState.ENDED:
            self.status.setText("The container is not running: these are its last lines.")

    def _wake(self) -> None:
        if not self._closed and not self._flush_timer.isActive():
            self._flush_timer.start(FLUSH_MS)

    def _take_inbox(self) -> None:
        """Move what the controller queued into ``_pending``, skipping the oldest lines
        beyond MAX_PENDING."""
        pending = self._pending
        for streams, lines in self.controller.take():
            pending.append([streams, lines, 0])
            self.received += len(streams)
            self._waiting += len(streams)
        while self._waiting > MAX_PENDING:
            head = pending[0]
            left = len(head[0]) - head[2]
            extra = self._waiting - MAX_PENDING
            gone = min(left, extra)
            self._skipped += gone
            self._waiting -= gone
            if gone == left:
                pending.popleft()
            else:
                head[2] += gone

    def _take_pending(self, count: int) -> list[Row]:
        """Up to ``count`` waiting lines, decoded into rows (from the oldest batch)."""
        head = self._pending[0]
        streams, lines, start = head
        if isinstance(lines, bytes):
            # Decoded once it is next: one call for the batch (~400 lines) is cheaper
            # than one a line, and the lines skipped before never are.
            lines = head[1] = lines.decode("utf-8", "replace").split("\n")
        stop = min(len(streams), start + count)
        head[2] = stop
        if stop == len(streams):
            self._pending.popleft()
        self._waiting -= stop - start
        # The lines of one timestamp share one string: Podman 4.3 writes whole seconds
        # (docs/podman-notes.md, "Container logs"), so in a flood thousands of lines
        # carry the same one, and a copy each would be ~70 bytes a line.
        shared = self._timestamps
        rows = []
        for stream, line in zip(streams[start:stop], lines[start:stop], strict=True):
            timestamp, text = split_timestamp(line)
            same = shared.get(timestamp)
            if same is None:
                if len(shared) > 1000:
                    shared.clear()
                same = shared[timestamp] = timestamp
            rows.append((stream, same, text.rstrip("\r")))
        return rows

    # -- the view ------------------------------------------------------------------------

    def _flush(self) -> None:
        if not self._closed:
            self._take_inbox()
        if not (self._pending or self._skipped):
            return
        deadline = time.perf_counter() + BUDGET_S
        at_bottom = self.view.at_bottom()
        if self._skipped:
            note = (NOTICE, "", f"… {self._skipped:,} lines skipped: output came too fast")
            self._skipped = 0
            self._append([note])
        shown = 0
        while self._pending and shown < MAX_PER_FLUSH and time.perf_counter() < deadline:
            taken = self._take_pending(100)
            shown += len(taken)
            self._append(taken)
        self._trim()
        if at_bottom:
            self.view.scrollToBottom()
        if self._pending or self.controller.waiting:
            # Keep going at the same pace: in a flood the window stays mostly idle, and
            # whatever cannot be shown in time is skipped (see above), never queued up.
            self._flush_timer.start(FLUSH_MS)
        self.flushed.emit()
        if self.search.text() and not self._pending and not self._search_timer.isActive():
            self._search_timer.start()

    def _trim(self) -> None:
        """Keep MAX_LINES lines, of every stream, dropping the oldest (matches move up)."""
        gone = self.view.model().trim(MAX_LINES)
        if gone:
            self._shift_matches(-gone)

    def _append(self, rows: list[Row]) -> None:
        self.view.model().append(rows)

    def rerender(self) -> None:
        """Show the kept lines again: timestamps or the streams shown changed."""
        model = self.view.model()
        model.set_show_stamps(self.timestamps.isChecked())
        model.set_streams(self.streams.currentIndex())
        self._matches = []
        self._match_index = -1
        self._highlight()
        self._update_match_label()
        if self.search.text():
            self._search_timer.start()
        self.view.scrollToBottom()
        self.flushed.emit()

    def plain_text(self) -> str:
        return "\n".join(self.view.model().plain_lines())

    def kept_lines(self) -> list[LogLine]:
        """The lines the view keeps, shown or not (its own notes left out)."""
        return [LogLine(*row) for row in self._store.rows() if row[0] != NOTICE]

    @property
    def _store(self) -> LineStore:
        return self.view.model().store

    def last_line(self) -> str:
        model = self.view.model()
        return model.plain(model.count() - 1) if model.count() else ""

    @property
    def line_count(self) -> int:
        """Lines in the view (its own notes included)."""
        return self.view.model().rowCount()

    # -- load earlier --------------------------------------------------------------------

    async def load_earlier(self) -> int:
        """Prepend the FIRST_LINES lines before the first one shown; returns how many."""
        first = next((stamp for stamp in self._store.stamps() if stamp), None)
        room = MAX_LINES - len(self._store)
        if first is None or room <= 0 or self._earlier_exhausted:
            return 0
        shown_at_first = countOf(self._store.stamps(), first)
        want = min(FIRST_LINES, room)
        self.earlier_button.setEnabled(False)
        self.earlier_button.setText("Loading…")
        try:
            got = await self.controller.read_earlier(first, shown_at_first, want)
        except PodmanError as exc:
            _log.warning("loading earlier logs of %s failed: %s", self.container_id, exc)
            self.status.setText(f"Could not load earlier lines: {exc}")
            got = None
        finally:
            self.earlier_button.setText("Load earlier")
        if got is None or self._closed:
            self.earlier_button.setEnabled(not self._closed)
            return 0
        if len(got) < want:
            self._earlier_exhausted = True
        self.earlier_button.setEnabled(not self._earlier_exhausted)
        if got:
            self._prepend([tuple(line) for line in got])
        return len(got)

    def _prepend(self, rows: list[Row]) -> None:
        # The line at the top of the view stays there: the earlier ones come above it.
        top = self.view.top_line()
        model = self.view.model()
        shown = model.prepend(rows)
        self._shift_matches(shown)
        if top >= 0:
            index = model.index(model.first_row(top + shown), 0)
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        self.flushed.emit()

    # -- search --------------------------------------------------------------------------

    def _search_changed(self, _text: str) -> None:
        self._match_index = -1  # a new search: it goes to its own first match
        self._search_timer.start()

    def _run_search(self) -> None:
        """Find every match; the current one stays current as lines come and go."""
        needle = self.search.text().lower()
        current = self._current_match()
        self._matches = []
        if needle:
            for row, line in enumerate(self.view.model().plain_lines()):
                text = line.lower()
                at = text.find(needle)
                while at >= 0 and len(self._matches) < MAX_MATCHES:
                    self._matches.append((row, at))
                    at = text.find(needle, at + len(needle))
                if len(self._matches) >= MAX_MATCHES:
                    break
        fresh = current is None
        if fresh:
            self._match_index = self._first_in_view()
        else:
            self._match_index = next(
                (i for i, at in enumerate(self._matches) if at >= current),
                len(self._matches) - 1,
            )
        self._highlight()
        if fresh and self._match_index >= 0:
            self._go_to_current()  # as a browser's find does: the count names what shows
        self._update_match_label()

    def _shift_matches(self, rows: int) -> None:
        """Lines were added above (rows > 0) or trimmed from the top (rows < 0)."""
        if not self._matches:
            return
        current = self._current_match()
        self._matches = [(r + rows, c) for r, c in self._matches if r + rows >= 0]
        if current is not None and current[0] + rows < 0:
            self._match_index = -1  # the current match was trimmed away
        elif current is not None:
            self._match_index = self._matches.index((current[0] + rows, current[1]))
        self._highlight()

    def _current_match(self) -> Match | None:
        if 0 <= self._match_index < len(self._matches):
            return self._matches[self._match_index]
        return None

    def current_match_position(self) -> Match | None:
        """(row, column) of the current match in the view's lines."""
        return self._current_match()

    def _first_in_view(self) -> int:
        """The first match from the top of the view down, else the last one above it."""
        if not self._matches:
            return -1
        top = max(0, self.view.top_line())
        return next(
            (i for i, (row, _col) in enumerate(self._matches) if row >= top),
            len(self._matches) - 1,
        )

    def _highlight(self) -> None:
        self.view.needle = self.search.text().lower()
        self.view.current_match = self._current_match()
        self.view.viewport().update()

    def _go_to_current(self) -> None:
        line, col = self._matches[self._match_index]
        self.view.show_line(line, col)

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def _update_match_label(self) -> None:
        if not self.search.text():
            self.match_label.setText("")
        elif not self._matches:
            self.match_label.setText("No match")
        else:
            more = "+" if len(self._matches) >= MAX_MATCHES else ""
            self.match_label.setText(f"{self._match_index + 1} of {len(self._matches)}{more}")

    def find_next(self) -> bool:
        return self._step(+1)

    def find_previous(self) -> bool:
        return self._step(-1)

    def _step(self, direction: int) -> bool:
        if self._search_timer.isActive() or not self._matches:
            # The search had not run yet: running it goes to its first match.
            self._search_timer.stop()
            fresh = self._current_match() is None
            self._run_search()
            if fresh:
                return bool(self._matches)
        if not self._matches:
            return False
        self._match_index = (self._match_index + direction) % len(self._matches)
        self._highlight()
        self._go_to_current()
        self._update_match_label()
        return True

    def selected_text(self) -> str:
        """The current match as written, else the selected lines."""
        match = self._current_match()
        if match is None:
            return self.view.selected_text()
        row, col = match
        return self.view.model().plain(row)[col : col + len(self.search.text())]

    # -- saving --------------------------------------------------------------------------

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the logs", f"{self.container_id[:12]}.log", "Log files (*.log *.txt)"
        )
        if path:
            self._tasks.spawn(self.save_to(Path(path)))

    async def save_to(self, path: Path) -> int:
        """Write the kept lines (timestamp, stream, text without colours); returns the count.

        The lines are taken here; the file is written off the GUI thread.
        """
        lines = [
            f"{f'{line[1]} ' if line[1] else ''}"
            f"{'stderr' if line[0] == STDERR else 'stdout'} {ansi.without_escapes(line[2])}\n"
            for line in self._store.rows()
            if line[0] != NOTICE
        ]
        try:
            await self.controller.save(path, lines)
        except OSError as exc:
            self.status.setText(f"Could not save: {exc}")
            return 0
        self.status.setText(f"Saved {len(lines):,} lines to {path}")
        return len(lines)
