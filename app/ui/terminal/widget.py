"""A terminal emulator widget: a TerminalScreen (pyte) painted with QPainter.

Output is queued by ``feed()`` and given to pyte in slices of at most FEED_BUDGET_S of
GUI time per event-loop turn, so a flood (``cat`` of a large file) never holds the GUI
thread for long; the screen is repainted at most every PAINT_INTERVAL_MS and only its
changed lines. What the user types leaves through ``input_ready`` at once: the exec
session queues it for its writer thread, so typing never waits on the network here.

Keys: everything goes to the program, Tab and Escape included, except Ctrl+Tab and
Ctrl+Shift+Tab (move the focus out of the terminal), Ctrl+PageUp/PageDown (left to
the surrounding tabs), Ctrl+Shift+C / Ctrl+Shift+V (copy, paste; Shift+Insert pastes
too) and Shift+PageUp/PageDown/Home/End (scroll back).

Signals:
    input_ready(bytes): bytes for the program (keys, pastes, answers to queries).
    size_changed(int, int): the grid's rows and columns, once a resize has settled.
    painted(): a paint ended (tests and the bench wait on it).
    title_changed(str): the program set the window title.
"""

from __future__ import annotations

import math
import time
from collections import deque

import pyte
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QClipboard,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui import theme
from app.ui.terminal import colors, flood
from app.ui.terminal.keys import key_bytes
from app.ui.terminal.screen import TerminalScreen

FLOOD_BYTES = 1 << 20  # waiting output beyond which a flood's head may be dropped
FEED_SLICE = 4096  # bytes given to pyte between two looks at the clock
FEED_BUDGET_S = 0.008  # GUI time spent feeding per event-loop turn
PAINT_INTERVAL_MS = 16  # at most ~60 repaints a second while output streams
INTERACTIVE_BYTES = 512  # output this small, parsed whole, is an echo: painted at once
RESIZE_SETTLE_MS = 120  # a drag-resize tells the program once it stops
WHEEL_LINES = 3
PADDING = 4
K = Qt.Key
M = Qt.KeyboardModifier


class TerminalWidget(QWidget):
    input_ready = Signal(bytes)
    size_changed = Signal(int, int)
    painted = Signal()
    title_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, rows: int = 24, cols: int = 80) -> None:
        super().__init__(parent)
        self.setObjectName("terminal")
        self.setAccessibleName("Terminal")
        self.setAccessibleDescription(
            "Interactive terminal. Ctrl+Shift+C copies, Ctrl+Shift+V pastes, "
            "Shift+Page Up scrolls back, Ctrl+Tab moves the focus out."
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.screen = TerminalScreen(cols, rows, self._reply)
        self.stream = pyte.ByteStream(self.screen)
        self.scroll = 0  # lines scrolled back from the bottom
        self.ended = False  # the session ended: the terminal only shows
        self._pending: deque[bytes] = deque()
        self.pending_bytes = 0
        self.dropped_bytes = 0  # flood lines skipped unseen (see _skip_flood)
        self._title = ""
        self._anchor: tuple[int, int] | None = None  # selection, in absolute lines
        self._end: tuple[int, int] | None = None
        self._last_paint = 0.0
        self._cursor_row = -1
        self._feed_timer = QTimer(self, singleShot=True, interval=0)
        self._feed_timer.timeout.connect(self._drain)
        self._paint_timer = QTimer(self, singleShot=True)
        self._paint_timer.timeout.connect(self._update_dirty)
        self._resize_timer = QTimer(self, singleShot=True, interval=RESIZE_SETTLE_MS)
        self._resize_timer.timeout.connect(self._announce_size)
        self._set_font(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._palette = colors.palette(theme.is_dark())

    # -- geometry ------------------------------------------------------------------------

    def _set_font(self, font: QFont) -> None:
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self._font = QFont(font)
        self._bold = QFont(font)
        self._bold.setBold(True)
        metrics = QFontMetricsF(font)
        self.cell_w = metrics.horizontalAdvance("M")
        self.cell_h = math.ceil(metrics.height())
        self._ascent = metrics.ascent()
        self.setFont(font)

    @property
    def rows(self) -> int:
        return self.screen.lines

    @property
    def cols(self) -> int:
        return self.screen.columns

    def grid_for(self, width: int, height: int) -> tuple[int, int]:
        """The rows and columns that fit in a widget of this size."""
        cols = int((width - 2 * PADDING) // self.cell_w)
        rows = int((height - 2 * PADDING) // self.cell_h)
        return max(2, rows), max(10, cols)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(int(80 * self.cell_w + 2 * PADDING) + 1, int(24 * self.cell_h + 2 * PADDING))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        rows, cols = self.grid_for(event.size().width(), event.size().height())
        if (rows, cols) != (self.rows, self.cols):
            self.screen.resize(rows, cols)
            self.scroll = min(self.scroll, len(self.screen.history))
            self._resize_timer.start()
        super().resizeEvent(event)

    def _announce_size(self) -> None:
        self.size_changed.emit(self.rows, self.cols)

    # -- output --------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Queue program output; it is parsed and painted on the following turns."""
        if not data:
            return
        self._pending.append(data)
        self.pending_bytes += len(data)
        if self.pending_bytes > FLOOD_BYTES:
            self._skip_flood()
        if not self._feed_timer.isActive():
            self._feed_timer.start()

    def _skip_flood(self) -> None:
        """Drop the head of a flood of plain lines that would scroll out of the history
        anyway (app/ui/terminal/flood.py), so ``cat`` of a large file takes the time of
        its last lines. Not on the alternate screen nor with a scrolling region."""
        screen = self.screen
        if screen.alternate or screen.margins is not None:
            return
        data = b"".join(self._pending)
        span = flood.skippable(data, screen.history.maxlen + screen.lines + 1)
        if span is None:
            self._pending = deque((data,))
            return
        start, end = span
        self._pending = deque((data[:start], data[end:]))
        self.pending_bytes = len(data) - (end - start)
        self.dropped_bytes += end - start
        screen.scrolled_off += data.count(b"\n", start, end)

    def _drain(self) -> None:
        deadline = time.perf_counter() + FEED_BUDGET_S
        history_before = self.screen.scrolled_off
        title = self.screen.title
        fed = 0
        while self._pending and time.perf_counter() < deadline:
            block = self._pending[0]
            if len(block) > FEED_SLICE:
                self._pending[0] = block[FEED_SLICE:]
                block = block[:FEED_SLICE]
            else:
                self._pending.popleft()
            self.pending_bytes -= len(block)
            fed += len(block)
            self.stream.feed(block)
        if self.scroll and self.screen.scrolled_off != history_before:
            # Keep a scrolled-back view where it is while output arrives.
            grown = self.screen.scrolled_off - history_before
            self.scroll = min(self.scroll + grown, len(self.screen.history))
        if self.screen.title != title:
            self.title_changed.emit(self.screen.title)
        # An echo or a prompt (a little output, all of it parsed) is painted at once; a
        # stream of output at most every PAINT_INTERVAL_MS.
        self._schedule_paint(at_once=not self._pending and fed <= INTERACTIVE_BYTES)
        if self._pending:
            self._feed_timer.start()

    def _schedule_paint(self, at_once: bool = False) -> None:
        if at_once:
            self._paint_timer.start(0)
            return
        if self._paint_timer.isActive():
            return
        since = (time.perf_counter() - self._last_paint) * 1000
        self._paint_timer.start(max(0, int(PAINT_INTERVAL_MS - since)))

    def _update_dirty(self) -> None:
        """Ask for a repaint of the changed lines only (all of them when scrolled back)."""
        dirty = self.screen.dirty
        row = self.screen.cursor.y
        if self.scroll or len(dirty) >= self.rows:
            self.update()
        else:
            lines = set(dirty)
            lines.update((row, self._cursor_row))
            for y in sorted(line for line in lines if 0 <= line < self.rows):
                self.update(0, int(PADDING + y * self.cell_h), self.width(), self.cell_h)
        dirty.clear()
        self._cursor_row = row

    def show_message(self, text: str) -> None:
        """End the terminal with ``text`` below what it shows (a full-screen program's
        screen is left first, so the shell's last lines stay readable)."""
        self.ended = True
        self._flush_pending()
        if self.screen.alternate:
            self.screen.reset_mode(1049, private=True)
        self.screen.reset_mode(25, private=True)  # hide the cursor (DECTCEM)
        self.stream.feed(f"\x1b[0m\r\n\x1b[2m[{text}]\x1b[0m".encode())
        self._schedule_paint()

    def _flush_pending(self) -> None:
        while self._pending:
            self.stream.feed(self._pending.popleft())
        self.pending_bytes = 0

    def _reply(self, data: str) -> None:
        """pyte answers a query (cursor position, device attributes): to the program."""
        if not self.ended:
            self.input_ready.emit(data.encode())

    def text(self) -> str:
        """What the screen shows now (for tests and accessibility): lines, right-trimmed."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    # -- painting ------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._palette = colors.palette(theme.is_dark())
            self.update()
        super().changeEvent(event)

    def _visible_line(self, row: int) -> dict:
        virtual = len(self.screen.history) - self.scroll + row
        return self.screen.line(virtual)

    def _absolute(self, row: int) -> int:
        return self.screen.scrolled_off - self.scroll + row

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        self._last_paint = time.perf_counter()
        painter = QPainter(self)
        pal = self._palette
        area = event.rect()
        painter.fillRect(area, pal.background)
        first = max(0, int((area.top() - PADDING) // self.cell_h))
        last = min(self.rows - 1, int((area.bottom() - PADDING) // self.cell_h))
        selection = self._selection_range()
        for row in range(first, last + 1):
            self._paint_line(painter, row, selection)
        self._paint_cursor(painter)
        painter.end()
        self.painted.emit()

    def _paint_line(self, painter: QPainter, row: int, selection) -> None:
        line = self._visible_line(row)
        default = self.screen.default_char
        y = PADDING + row * self.cell_h
        absolute = self._absolute(row)
        sel_from, sel_to = _columns_selected(selection, absolute, self.cols)
        col = 0
        cols = self.cols
        while col < cols:
            char = line.get(col, default)
            selected = sel_from <= col < sel_to
            key = (char.fg, char.bg, char.bold, char.underscore, char.reverse, char.italics)
            start = col
            text = [char.data]
            col += 1
            while col < cols:
                nxt = line.get(col, default)
                if (nxt.fg, nxt.bg, nxt.bold, nxt.underscore, nxt.reverse, nxt.italics) != key:
                    break
                if (sel_from <= col < sel_to) != selected:
                    break
                text.append(nxt.data)
                col += 1
            self._paint_run(painter, start, col, y, "".join(text), char, selected)

    def _paint_run(
        self, painter: QPainter, start: int, end: int, y: float, text: str, char, selected: bool
    ) -> None:
        pal = self._palette
        fg = pal.color(char.fg, True, char.bold)
        bg = pal.color(char.bg, False)
        if char.reverse:
            fg, bg = bg, fg
        x = PADDING + start * self.cell_w
        rect = QRectF(x, y, (end - start) * self.cell_w, self.cell_h)
        if bg != pal.background:
            painter.fillRect(rect, bg)
        if selected:
            painter.fillRect(rect, pal.selection)
        if text.strip():
            font = self._bold if char.bold else self._font
            if char.underscore or char.italics:
                font = QFont(font)
                font.setUnderline(char.underscore)
                font.setItalic(char.italics)
            painter.setFont(font)
            painter.setPen(fg)
            painter.drawText(QPointF(x, y + self._ascent), text)

    def _paint_cursor(self, painter: QPainter) -> None:
        screen = self.screen
        if self.scroll or self.ended or screen.cursor.hidden or (25 << 5) not in screen.mode:
            return
        x = PADDING + min(screen.cursor.x, self.cols - 1) * self.cell_w
        y = PADDING + screen.cursor.y * self.cell_h
        rect = QRectF(x, y, self.cell_w, self.cell_h)
        pal = self._palette
        if self.hasFocus():
            painter.fillRect(rect, pal.cursor)
            char = screen.buffer[screen.cursor.y][screen.cursor.x]
            if char.data.strip():
                painter.setFont(self._bold if char.bold else self._font)
                painter.setPen(pal.background)
                painter.drawText(QPointF(x, y + self._ascent), char.data)
        else:
            painter.setPen(pal.cursor)
            painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._update_cursor_line()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._update_cursor_line()
        super().focusOutEvent(event)

    def _update_cursor_line(self) -> None:
        y = int(PADDING + self.screen.cursor.y * self.cell_h)
        self.update(0, y, self.width(), self.cell_h)

    # -- scrolling -----------------------------------------------------------------------

    def scroll_by(self, lines: int) -> None:
        """Scroll back (positive) or forward (negative) through the history."""
        scroll = max(0, min(self.scroll + lines, len(self.screen.history)))
        if scroll != self.scroll:
            self.scroll = scroll
            self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        if self.screen.alternate and not self.ended:
            # A full-screen program has no scrollback: the wheel moves its cursor, as in
            # xterm's alternateScroll.
            arrow = b"A" if steps > 0 else b"B"
            lead = b"\x1bO" if self.screen.app_cursor_keys else b"\x1b["
            self.input_ready.emit((lead + arrow) * (WHEEL_LINES * int(abs(steps) or 1)))
        else:
            self.scroll_by(int(round(steps * WHEEL_LINES)))
        event.accept()

    # -- selection, copy and paste -------------------------------------------------------

    def _cell_at(self, pos: QPointF) -> tuple[int, int]:
        row = int((pos.y() - PADDING) // self.cell_h)
        col = int(round((pos.x() - PADDING) / self.cell_w))
        row = max(0, min(row, self.rows - 1))
        return self._absolute(row), max(0, min(col, self.cols))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self._anchor = self._end = self._cell_at(event.position())
            self.update()
        elif event.button() == Qt.MouseButton.MiddleButton:
            self.paste(QClipboard.Mode.Selection)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Select the word (letters, digits and ``-_./~:@``) under the pointer."""
        absolute, col = self._cell_at(event.position())
        col = int((event.position().x() - PADDING) // self.cell_w)
        virtual = absolute - (self.screen.scrolled_off - len(self.screen.history))
        line = self.screen.line(virtual)
        text = "".join(line[c].data for c in range(self.cols))
        if not 0 <= col < len(text) or not _is_word(text[col]):
            return
        start = col
        while start > 0 and _is_word(text[start - 1]):
            start -= 1
        end = col
        while end < len(text) and _is_word(text[end]):
            end += 1
        self.select((absolute, start), (absolute, end))
        clipboard = QGuiApplication.clipboard()
        if clipboard.supportsSelection():
            clipboard.setText(self.selected_text(), QClipboard.Mode.Selection)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self._anchor is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self._end = self._cell_at(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        text = self.selected_text()
        clipboard = QGuiApplication.clipboard()
        if text and clipboard.supportsSelection():
            clipboard.setText(text, QClipboard.Mode.Selection)
        super().mouseReleaseEvent(event)

    def select(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        """Select from (absolute line, column) to (absolute line, column), end excluded."""
        self._anchor, self._end = start, end
        self.update()

    def _selection_range(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        if self._anchor is None or self._end is None or self._anchor == self._end:
            return None
        return (min(self._anchor, self._end), max(self._anchor, self._end))

    def selected_text(self) -> str:
        selection = self._selection_range()
        if selection is None:
            return ""
        (first, _), (last, _) = selection
        base = self.screen.scrolled_off - len(self.screen.history)
        lines = []
        for absolute in range(first, last + 1):
            virtual = absolute - base
            if not 0 <= virtual < len(self.screen.history) + self.rows:
                continue
            line = self.screen.line(virtual)
            start, end = _columns_selected(selection, absolute, self.cols)
            lines.append("".join(line[c].data for c in range(start, end)).rstrip())
        return "\n".join(lines)

    def copy(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def paste(self, mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> None:
        text = QGuiApplication.clipboard().text(mode)
        if text and not self.ended:
            self.send_text(text, pasted=True)

    def send_text(self, text: str, pasted: bool = False) -> None:
        """Type ``text`` (newlines as Enter); a paste is bracketed when the program asked."""
        data = text.replace("\r\n", "\r").replace("\n", "\r").encode("utf-8")
        if pasted and self.screen.bracketed_paste:
            data = b"\x1b[200~" + data.replace(b"\x1b[201~", b"") + b"\x1b[201~"
        self._to_bottom()
        self.input_ready.emit(data)

    # -- keys ----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        is_key = isinstance(event, QKeyEvent)
        # The program gets the keys the window would take as shortcuts (Escape, Ctrl+W,
        # Ctrl+F…), except those that leave the terminal or switch tabs.
        if kind == QEvent.Type.ShortcutOverride and is_key and not _leaves_terminal(event):
            event.accept()
            return True
        if kind == QEvent.Type.KeyPress and is_key and event.key() in (K.Key_Tab, K.Key_Backtab):
            self.keyPressEvent(event)  # Tab is the shell's completion, not a focus move
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key, mods = event.key(), event.modifiers()
        ctrl_shift = M.ControlModifier | M.ShiftModifier
        if key in (K.Key_Tab, K.Key_Backtab) and mods & M.ControlModifier:
            QWidget.focusNextPrevChild(self, key == K.Key_Tab and not mods & M.ShiftModifier)
            return
        if mods & ctrl_shift == ctrl_shift and key == K.Key_C:
            self.copy()
            return
        if (mods & ctrl_shift == ctrl_shift and key == K.Key_V) or (
            key == K.Key_Insert and mods & M.ShiftModifier
        ):
            self.paste()
            return
        if mods & M.ShiftModifier and key in (K.Key_PageUp, K.Key_PageDown):
            page = max(1, self.rows - 1)
            self.scroll_by(page if key == K.Key_PageUp else -page)
            return
        if mods & M.ShiftModifier and key in (K.Key_Home, K.Key_End) and not self.screen.alternate:
            self.scroll_by(len(self.screen.history) if key == K.Key_Home else -self.scroll)
            return
        if self.ended:
            event.ignore()
            return
        data = key_bytes(key, mods, event.text(), self.screen.app_cursor_keys)
        if data is None:
            event.ignore()
            return
        self._to_bottom()
        self.input_ready.emit(data)

    def inputMethodEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.commitString() and not self.ended:
            self.send_text(event.commitString())

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        return False  # Tab belongs to the program; Ctrl+Tab leaves (keyPressEvent)

    def _to_bottom(self) -> None:
        if self.scroll:
            self.scroll = 0
            self.update()
        if self._selection_range() is not None:
            self._anchor = self._end = None
            self.update()


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "-_./~:@"


def _leaves_terminal(event: QKeyEvent) -> bool:
    key, mods = event.key(), event.modifiers()
    if mods & M.ControlModifier and key in (K.Key_Tab, K.Key_Backtab):
        return True
    return bool(mods & M.ControlModifier) and key in (K.Key_PageUp, K.Key_PageDown)


def _columns_selected(selection, absolute: int, cols: int) -> tuple[int, int]:
    """The columns [start, end) of line ``absolute`` inside the selection."""
    if selection is None:
        return 0, 0
    (first, first_col), (last, last_col) = selection
    if absolute < first or absolute > last:
        return 0, 0
    start = first_col if absolute == first else 0
    end = last_col if absolute == last else cols
    return start, end
