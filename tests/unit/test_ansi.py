"""ANSI SGR parsing for the logs view."""

from __future__ import annotations

from app.ui.inspector import ansi
from app.ui.inspector.ansi import PALETTE, Style


def test_colours_bold_and_reset():
    runs, end = ansi.parse("a\x1b[1;31mred\x1b[0m b")
    assert runs == [
        ("a", Style()),
        ("red", Style(fg=PALETTE[1], bold=True)),
        (" b", Style()),
    ]
    assert end == Style()


def test_bright_256_and_truecolour():
    runs, _ = ansi.parse("\x1b[92mg\x1b[38;5;196mr\x1b[48;2;1;2;3mb")
    assert runs[0] == ("g", Style(fg=PALETTE[10]))
    assert runs[1][1].fg == "#ff0000"
    assert runs[2][1] == Style(fg="#ff0000", bg="#010203")


def test_style_carries_over_lines_and_other_escapes_are_dropped():
    _, end = ansi.parse("\x1b[34mblue starts")
    runs, _ = ansi.parse("\x1b[2K\x1b]0;title\x07still blue\x1b[39m plain", end)
    assert runs == [("still blue", Style(fg=PALETTE[4])), (" plain", Style())]
    assert ansi.without_escapes("\x1b[1mbold\x1b[0m \x1b[?25lx") == "bold x"


def test_char_format_is_cached_and_coloured(qapp):
    fmt = ansi.char_format(Style(fg=PALETTE[1], bold=True))
    assert fmt is ansi.char_format(Style(fg=PALETTE[1], bold=True))
    assert fmt.foreground().color().name() == PALETTE[1]
