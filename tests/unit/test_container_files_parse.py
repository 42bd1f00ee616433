"""The Files tab's parsers and the safety of a download's extraction, on crafted input
(the shapes Podman or a hostile image could send, which the real service never does)."""

from __future__ import annotations

import io
import tarfile

from app.engine.container_archive import ChunkReader
from app.engine.container_files import parse_stat_listing
from app.engine.exec_command import demultiplex
from app.engine.file_records import DIR, LINK, normalize, parent
from app.engine.file_transfers import _extract
from app.support.concurrency import CancelToken


def _stat_output(names: list[bytes], lines: list[bytes], flags: bytes, links: bytes) -> bytes:
    return (
        b"%d\n" % len(names)
        + b"".join(n + b"\0" for n in names)
        + b"\n".join([*lines, flags, links])
    )


def test_stat_listing_with_busybox_and_gnu_link_quoting():
    names = [b"a\nb", b"l1", b"l2", b"dir"]
    lines = [
        b"81a4 3 1700000000 0 0 root root",
        b"a1ff 4 1700000000 0 0 root UNKNOWN",
        b"a1ff 4 1700000000 1000 1000 app app",
        b"41ed 4096 1700000000 0 0 root root",
    ]
    for links in (b"'l1' -> 'x\ny'\n'l2' -> '/etc'\n", b"l1 -> x\ny\nl2 -> /etc\n"):
        entries = {
            e.name: e for e in parse_stat_listing(_stat_output(names, lines, b"--dd", links))
        }
        assert entries["a\nb"].size == 3 and entries["a\nb"].mode == "-rw-r--r--"
        assert entries["l1"].kind == LINK and entries["l1"].target == "x\ny"
        assert entries["l1"].owner == "root:0"
        assert entries["l2"].target == "/etc" and entries["l2"].opens_as_directory
        assert entries["dir"].kind == DIR and entries["dir"].owner == "root:root"


def test_empty_directory_and_paths():
    assert list(parse_stat_listing(b"0\n")) == []
    assert normalize("etc/../usr//lib/") == "/usr/lib" and normalize("") == "/"
    assert parent("/usr/lib") == "/usr" and parent("/") == "/"


def test_demultiplex_keeps_exact_bytes():
    framed = b"\x01\0\0\0\0\0\0\x04a\0b\n" + b"\x02\0\0\0\0\0\0\x03err" + b"\x01\0\0\0\0\0\0\x01c"
    assert demultiplex(framed) == (b"a\0b\nc", b"err")


def _tar(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _info(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    return info


def test_extraction_keeps_everything_inside_the_target(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    data = _tar(
        [
            (_info("d", tarfile.DIRTYPE), b""),
            (_info("d/ok"), b"fine"),
            (_info("d/../../evil"), b"no"),
            (_info("/abs"), b"no"),
            (_info("d/out", tarfile.SYMTYPE, str(outside)), b""),
            (_info("d/out/through"), b"no"),
            (_info("d/up", tarfile.SYMTYPE, "../.."), b""),
            (_info("d/inside", tarfile.SYMTYPE, "ok"), b""),
            (_info("other"), b"not under the top entry"),
        ]
    )
    target = tmp_path / "got" / "d"
    target.parent.mkdir()
    _extract(ChunkReader(iter([data])), target, CancelToken())
    got = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    # The link leading out is left out, so "out/through" lands in a plain folder inside.
    assert got == ["inside", "ok", "out", "out/through"]
    assert not (target / "out").is_symlink() and (target / "inside").is_symlink()
    assert (target / "ok").read_text() == "fine"
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["got", "outside"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["d"]  # no work folder left


def test_folders_first_in_either_order_and_sizes_as_numbers():
    from PySide6.QtCore import Qt

    from app.engine.file_records import FileEntry
    from app.ui.inspector.files_tab import sorted_entries

    def entry(name, kind, size, target_is_dir=False):
        return FileEntry(name, kind, size, "", "", None, "", target_is_dir)

    entries = [
        entry("b", "file", 10),
        entry("A", "file", 9),
        entry("z", DIR, 4096),
        entry("l", LINK, 4, target_is_dir=True),
    ]
    up = sorted_entries(entries, 0, Qt.SortOrder.AscendingOrder)
    assert [e.name for e in up] == ["l", "z", "A", "b"]
    down = sorted_entries(entries, 1, Qt.SortOrder.DescendingOrder)
    assert [e.name for e in down] == ["z", "l", "b", "A"]
