"""The build context as a tar stream: the ignore grammar, where the Containerfile goes,
a stream tarfile reads back, and files read in pieces, never whole."""

from __future__ import annotations

import io
import tarfile

import pytest

from app.engine import build_context
from app.engine.build import build_params
from app.engine.build_context import IgnoreRules, context_blocks, plan
from app.engine.image_records import BuildRequest, reference_problem, split_name
from app.support.concurrency import Cancelled, CancelToken


@pytest.mark.parametrize(
    ("lines", "path", "ignored"),
    [
        (["*.log"], "debug.log", True),
        (["*.log"], "sub/debug.log", False),  # one * stays in its directory
        (["**/*.log"], "sub/deep/debug.log", True),
        (["**/*.log"], "debug.log", True),  # **/ is zero or more directories
        (["big"], "big/blob.bin", True),  # a matched directory takes its contents
        (["big/"], "big/blob.bin", True),
        (["/big"], "big", True),  # a leading slash is the context's root
        (["*.log", "!keep.log"], "keep.log", False),  # ! re-includes
        (["!keep.log", "*.log"], "keep.log", True),  # the last matching line wins
        (["# comment", "", "   "], "# comment", False),
        (["file?.txt"], "file1.txt", True),
        (["file?.txt"], "file10.txt", False),
        (["[ab].txt"], "a.txt", True),
        (["[!ab].txt"], "a.txt", False),
        (["node_modules", "!node_modules/keep"], "node_modules/keep/x.js", False),
    ],
)
def test_the_ignore_grammar(lines, path, ignored) -> None:
    assert IgnoreRules(lines).ignored(path) is ignored


def _members(context_plan) -> dict[str, bytes | str]:
    data = b"".join(context_blocks(context_plan))
    assert len(data) % 512 == 0
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                found[member.name] = tar.extractfile(member).read()
            elif member.issym():
                found[member.name] = f"-> {member.linkname}"
            else:
                found[member.name] = "dir"
    return found


def test_the_stream_is_a_tar_of_what_is_not_ignored(tmp_path) -> None:
    (tmp_path / "Containerfile").write_text("FROM scratch\n")
    (tmp_path / ".containerignore").write_text("secrets/\n**/*.tmp\nContainerfile\n")
    (tmp_path / ".dockerignore").write_text("*\n")  # .containerignore wins
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "key").write_text("no")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("print(1)\n")
    (tmp_path / "src" / "scratch.tmp").write_text("x")
    (tmp_path / "link").symlink_to("src/app.py")
    found = _members(plan(tmp_path))
    assert found == {
        ".containerignore": b"secrets/\n**/*.tmp\nContainerfile\n",
        ".dockerignore": b"*\n",
        "Containerfile": b"FROM scratch\n",  # sent even when ignored: the build needs it
        "link": "-> src/app.py",
        "src": "dir",
        "src/app.py": b"print(1)\n",
    }


def test_a_containerfile_outside_goes_at_the_root_under_a_free_name(tmp_path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "build.cf").write_text("a file of the context with that name")
    outside = tmp_path / "build.cf"
    outside.write_text("FROM scratch\n")
    chosen = plan(context, outside)
    assert chosen.outside and chosen.dockerfile_name == "build.cf.2"
    found = _members(chosen)
    assert found["build.cf.2"] == b"FROM scratch\n"
    assert found["build.cf"] == b"a file of the context with that name"
    inside = plan(context, context / "build.cf")
    assert not inside.outside and inside.dockerfile_name == "build.cf"


def test_the_default_is_containerfile_then_dockerfile(tmp_path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    assert plan(tmp_path).dockerfile_name == "Dockerfile"
    (tmp_path / "Containerfile").write_text("FROM scratch\n")
    assert plan(tmp_path).dockerfile_name == "Containerfile"


def test_files_are_read_in_pieces_and_cancel_stops_the_stream(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(build_context, "CHUNK", 1000)
    (tmp_path / "Containerfile").write_text("FROM scratch\n")
    (tmp_path / "data.bin").write_bytes(b"x" * 4500)
    blocks = list(context_blocks(plan(tmp_path)))
    # Headers and the end marker are 512 or 1024 bytes; the file comes in 1000s.
    assert max(len(b) for b in blocks) <= 1024 < 4500  # never a whole file at once
    assert [len(b) for b in blocks].count(1000) == 4
    token = CancelToken()
    stream = context_blocks(plan(tmp_path), cancel=token)
    next(stream)
    token.cancel()
    with pytest.raises(Cancelled):
        list(stream)


def test_build_query_and_names() -> None:
    request = BuildRequest(
        context=__import__("pathlib").Path("/ctx"),
        tags=("localhost/a:1", "localhost/a:latest"),
        build_args=(("GREETING", "hi there"),),
        target="final",
        no_cache=True,
        pull="always",
    )
    assert build_params(request, "Containerfile") == [
        ("dockerfile", "Containerfile"),
        ("t", "localhost/a:1"),
        ("t", "localhost/a:latest"),
        ("buildargs", '{"GREETING": "hi there"}'),
        ("target", "final"),
        ("nocache", "true"),
        ("pull", "true"),
    ]
    assert split_name("localhost:5000/a/b") == ("localhost:5000/a/b", "latest")
    assert split_name("localhost:5000/a/b:v2") == ("localhost:5000/a/b", "v2")


@pytest.mark.parametrize(
    ("text", "fine"),
    [
        ("localhost/myapp:1.0", True),
        ("myapp", True),
        ("127.0.0.1:5000/team/app:v1-rc.2", True),
        ("quay.io/podman/hello", True),
        ("localhost/MyApp:1", False),
        ("localhost/app:", False),
        ("localhost/app:bad tag", False),
        ("-app", False),
        ("app:" + "x" * 129, False),
        ("localhost/app@sha256:" + "a" * 64, False),  # a new name carries no digest
        ("", False),
    ],
)
def test_reference_grammar(text, fine) -> None:
    assert (reference_problem(text) == "") is fine, reference_problem(text)
