"""The parsing behind the image dialogs' checks: build arguments, import changes,
history instructions, archive names."""

from __future__ import annotations

from app.engine.dto import ImageSummary
from app.ui.build_dialog import parse_build_args, split_names
from app.ui.image_history_dialog import instruction
from app.ui.image_tools import archive_name
from app.ui.import_dialog import parse_changes


def test_build_arguments_are_key_value_lines() -> None:
    assert parse_build_args("A=1\n\nB = two words\nC=") == (
        [("A", "1"), ("B", " two words"), ("C", "")],
        "",
    )
    assert parse_build_args("A=1\nB")[1] == "Line 2: KEY=VALUE, with an equals sign."
    assert "not an argument name" in parse_build_args("1A=x")[1]
    assert split_names(" a:1,b:2  c ") == ["a:1", "b:2", "c"]


def test_import_changes_are_instructions_podman_accepts() -> None:
    assert parse_changes('ENV PATH=/bin\n cmd ["/bin/sh"]\n') == (
        ("ENV PATH=/bin", 'cmd ["/bin/sh"]'),
        "",
    )
    assert "“RUN” is not one of" in parse_changes("RUN echo no")[1]
    assert parse_changes("CMD")[1] == "Line 1: CMD needs a value."


def test_history_shows_the_instruction() -> None:
    assert instruction('/bin/sh -c #(nop) CMD ["sh"]') == 'CMD ["sh"]'
    assert instruction("/bin/sh -c echo hi > /greeting") == "RUN echo hi > /greeting"
    assert instruction("ADD file:abc in /") == "ADD file:abc in /"
    assert instruction("|1 A=x y /bin/sh -c echo $A") == "RUN echo $A"  # with build args


def test_archive_names() -> None:
    named = ImageSummary(id="f" * 64, repository="localhost/my app", tag="1.0", name="x")
    assert archive_name(named) == "my-app-1.0.tar"
    assert archive_name(ImageSummary(id="0123456789abcdef" * 4)) == "0123456789ab.tar"
