"""The terminal widget and its screen on their own: what pyte lacks, keys, selection."""

from __future__ import annotations

import pyte
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from app.ui.terminal.screen import TerminalScreen
from app.ui.terminal.widget import TerminalWidget


def _widget(qtbot, rows=10, cols=40) -> tuple[TerminalWidget, list[bytes]]:
    view = TerminalWidget(rows=rows, cols=cols)
    qtbot.addWidget(view)
    sent: list[bytes] = []
    view.input_ready.connect(sent.append)
    return view, sent


def _feed_now(view: TerminalWidget, data: bytes) -> None:
    view.feed(data)
    view._flush_pending()


def test_fast_ascii_drawing_matches_pytes_own():
    text = b"\x1b[31mred\x1b[0m plain " + b"x" * 95 + b"\r\n\x1b[1mbold\x1b[0m\tend\r\n"
    ours = TerminalScreen(40, 6, lambda _: None)
    theirs = pyte.Screen(40, 6)
    pyte.ByteStream(ours).feed(text * 3)
    pyte.ByteStream(theirs).feed(text * 3)
    assert ours.display[1:] == theirs.display[1:]  # the first row went to our history
    assert ours.history and (ours.cursor.x, ours.cursor.y) == (theirs.cursor.x, theirs.cursor.y)
    for y in range(6):
        assert [ours.buffer[y][x] for x in range(40)] == [theirs.buffer[y][x] for x in range(40)]


def test_alternate_screen_keeps_the_primary_and_the_history_out_of_it():
    screen = TerminalScreen(20, 4, lambda _: None)
    stream = pyte.ByteStream(screen)
    stream.feed(b"one\r\ntwo\r\nthree\r\nfour\r\nfive")
    kept = list(screen.display)
    history = len(screen.history)
    stream.feed(b"\x1b[?1049h\x1b[H\x1b[2JFULL SCREEN\r\n\r\n\r\n\r\n\r\n")
    assert screen.alternate and "FULL SCREEN" not in "".join(screen.display)  # scrolled
    assert len(screen.history) == history  # the alternate screen has no history
    stream.feed(b"\x1b[?1049l")
    assert not screen.alternate and screen.display == kept
    assert (screen.cursor.y, screen.cursor.x) == (3, 4)


def test_queries_are_answered_and_modes_remembered():
    answers: list[str] = []
    screen = TerminalScreen(20, 4, answers.append)
    stream = pyte.ByteStream(screen)
    stream.feed(b"ab\x1b[6n\x1b[c\x1b[?2004h\x1b[?1h")
    assert answers == ["\x1b[1;3R", "\x1b[?62;22c"]
    assert screen.bracketed_paste and screen.app_cursor_keys


def test_a_flood_of_plain_lines_keeps_only_what_can_be_seen(qtbot):
    view, _ = _widget(qtbot)
    lines = b"".join(b"line %07d of the flood\r\n" % n for n in range(100_000))
    view.feed(lines)
    view._flush_pending()
    assert view.dropped_bytes > len(lines) * 0.9
    assert view.text().rstrip().splitlines()[-1] == "line 0099999 of the flood"
    history = view.screen.history
    assert len(history) == history.maxlen  # the history is as full as without dropping
    assert history[-1][0].data == "l" and view.screen.scrolled_off >= 99_990


def test_a_flood_with_escapes_is_not_dropped(qtbot):
    view, _ = _widget(qtbot)
    lines = b"".join(b"\x1b[32mline %07d\x1b[0m\r\n" % n for n in range(60_000))
    view.feed(lines)
    assert view.dropped_bytes == 0


def test_keys_tab_and_the_way_out(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    view = TerminalWidget(window)
    after = QLineEdit(window)
    layout.addWidget(view)
    layout.addWidget(after)
    sent: list[bytes] = []
    view.input_ready.connect(sent.append)
    window.show()
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_F1)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert sent == [b"\t", b"\x03", b"\x1b[A", b"\x1bx", b"\x1bOP", b"\x1b"]
    assert view.hasFocus()  # Tab completed in the shell, it did not move the focus
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert after.hasFocus() and len(sent) == 6  # Ctrl+Tab is the way out


def test_selection_copy_and_bracketed_paste(qtbot):
    view, sent = _widget(qtbot)
    _feed_now(view, b"hello world\r\nsecond line")
    top = view.screen.scrolled_off
    view.select((top, 6), (top + 1, 6))
    qtbot.keyClick(
        view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert QApplication.clipboard().text() == "world\nsecond"
    QApplication.clipboard().setText("a\nb")
    qtbot.keyClick(
        view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    _feed_now(view, b"\x1b[?2004h")
    view.paste()
    assert sent == [b"a\rb", b"\x1b[200~a\rb\x1b[201~"]


def test_scrollback_by_keyboard(qtbot):
    view, _ = _widget(qtbot, rows=5)
    _feed_now(view, b"".join(b"row %d\r\n" % n for n in range(30)))
    assert "row 0" not in view.text()
    qtbot.keyClick(view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ShiftModifier)
    assert view.scroll == 4
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier)
    assert view.scroll == len(view.screen.history)
    qtbot.keyClick(view, Qt.Key.Key_A)  # typing returns to the bottom
    assert view.scroll == 0


def test_double_click_selects_a_word_and_altgr_types_its_character(qtbot):
    view, sent = _widget(qtbot)
    view.show()
    _feed_now(view, b"ls /usr/local-bin now")
    x = int(4 + 6 * view.cell_w)
    y = int(4 + view.cell_h / 2)
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert view.selected_text() == "/usr/local-bin"
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(view, Qt.Key.Key_Q, both)  # no text: Ctrl+Alt+Q, ESC and Ctrl+Q
    view.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Q, both, "@"))
    assert sent == [b"\x1b\x11", b"@"]
