"""Listing and copying a container's files through the engine, against the real Podman:
awkward names, the fallbacks (ls, the archive), the container's own refusals, and a
cancelled download that leaves nothing behind."""

from __future__ import annotations

import threading
import time

import pytest

from app.engine.container_files import LS_SCRIPT, list_directory, parse_ls_listing
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, NotFound
from app.engine.exec_command import run_exec
from app.engine.file_records import BY_ARCHIVE, BY_STAT, DIR, LINK
from app.engine.file_transfers import TransferError, download, upload
from app.support.concurrency import Cancelled, CancelToken
from tests.bed.podman import TEST_IMAGE

AWKWARD = ["a b", "tab\there", "new\nline", "it's", "-dash", ".hidden", "ünï"]


def _endpoint(podman) -> Endpoint:
    return Endpoint.parse(podman.uri)


def test_awkward_names_list_exactly(podman):
    podman.cli("run", "-d", "--name", "names", TEST_IMAGE, "sleep", "600")
    script = 'cd /w && for n in "$@"; do echo x > "$n"; done && ln -s "a b" "li nk" && mkdir "d ir"'
    podman.cli("exec", "names", "sh", "-c", f"mkdir /w && {script}", "sh", *AWKWARD)
    listing = list_directory(_endpoint(podman), "names", "/w", running=True)
    assert listing.method == BY_STAT
    entries = {entry.name: entry for entry in listing.entries}
    assert set(entries) == {*AWKWARD, "li nk", "d ir"}
    assert entries["li nk"].kind == LINK and entries["li nk"].target == "a b"
    assert entries["d ir"].kind == DIR and entries["new\nline"].size == 2
    assert entries["a b"].mode == "-rw-r--r--" and entries["a b"].owner == "root:0"


def test_a_big_folder_lists_in_linear_time(podman):
    """5,000 entries: a script that grew its argument list one by one took ~15 s here."""
    podman.cli("run", "-d", "--name", "many", TEST_IMAGE, "sleep", "600")
    make = 'mkdir /many && cd /many && i=0; while [ $i -lt 5000 ]; do : > "f $i"; i=$((i+1)); done'
    podman.cli("exec", "many", "sh", "-c", make + " && ln -s 'f 1' link && mkdir .hidden")
    started = time.monotonic()
    listing = list_directory(_endpoint(podman), "many", "/many", running=True)
    assert time.monotonic() - started < 5
    assert listing.method == BY_STAT and len(listing.entries) == 5002
    names = {entry.name for entry in listing.entries}
    assert {"f 0", "f 4999", "link", ".hidden"} <= names and not names & {".", ".."}


def test_ls_fallback_reads_busybox_ls(podman):
    """The ls parser on the container's real `ls -la`: the same names and kinds as stat."""
    podman.cli("run", "-d", "--name", "ls", TEST_IMAGE, "sleep", "600")
    endpoint = _endpoint(podman)
    by_stat = list_directory(endpoint, "ls", "/bin", running=True)
    result = run_exec(endpoint, "ls", ["sh", "-c", LS_SCRIPT, "sh", "/bin"])
    by_ls = list(parse_ls_listing(result.stdout))
    assert result.exit_code == 0
    assert {(e.name, e.kind, e.target) for e in by_ls} == {
        (e.name, e.kind, e.target) for e in by_stat.entries
    }


def test_no_shell_falls_back_to_the_archive(podman):
    podman.cli("run", "-d", "--name", "noshell", TEST_IMAGE, "sleep", "600")
    podman.cli("exec", "noshell", "/bin/busybox", "rm", "/bin/sh")
    listing = list_directory(_endpoint(podman), "noshell", "/bin", running=True)
    assert listing.method == BY_ARCHIVE and "no shell" in listing.note
    names = {entry.name for entry in listing.entries}
    assert "busybox" in names and "sh" not in names


def test_the_containers_own_refusals(podman):
    podman.cli("run", "-d", "--user", "1000", "--name", "user", TEST_IMAGE, "sleep", "600")
    podman.cli("exec", "--user", "0", "user", "sh", "-c", "mkdir -m 700 /secret")
    endpoint = _endpoint(podman)
    with pytest.raises(ApiError, match="Permission denied"):
        list_directory(endpoint, "user", "/secret", running=True)
    with pytest.raises(NotFound, match="no such file"):
        list_directory(endpoint, "user", "/nowhere", running=True)
    with pytest.raises(ApiError, match="not a directory"):
        list_directory(endpoint, "user", "/bin/busybox", running=True)


def test_cancelled_download_removes_what_it_wrote(podman, tmp_path):
    podman.cli("run", "-d", "--name", "big", TEST_IMAGE, "sleep", "600")
    podman.cli(
        "exec", "big", "sh", "-c",
        "mkdir /big && dd if=/dev/zero of=/big/zeros bs=1M count=200 2>/dev/null",
    )  # fmt: skip
    endpoint = _endpoint(podman)
    for target, as_tar, path in (
        (tmp_path / "zeros", False, "/big/zeros"),
        (tmp_path / "big", False, "/big"),
        (tmp_path / "big.tar", True, "/big"),
    ):
        token = CancelToken()
        seen = threading.Event()

        def on_progress(progress, token=token, seen=seen):
            if progress.done > 4 * 1024 * 1024:
                seen.set()
                token.cancel()

        with pytest.raises(Cancelled):
            download(
                endpoint, "big", path, str(target),
                as_tar=as_tar, on_progress=on_progress, cancel=token,
            )  # fmt: skip
        assert seen.is_set()
        assert list(tmp_path.iterdir()) == [], f"left behind by {target.name}"


def test_host_side_errors_are_named(podman, tmp_path):
    """A file gone from the host, or a target that exists: the transfer says which."""
    podman.cli("run", "-d", "--name", "host", TEST_IMAGE, "sleep", "600")
    endpoint = _endpoint(podman)
    with pytest.raises(TransferError, match="gone.txt: No such file or directory"):
        upload(endpoint, "host", [str(tmp_path / "gone.txt")], "/tmp")
    (tmp_path / "there").write_text("mine")
    with pytest.raises(TransferError, match="already exists"):
        download(endpoint, "host", "/etc/hosts", str(tmp_path / "there"))
    assert (tmp_path / "there").read_text() == "mine"
