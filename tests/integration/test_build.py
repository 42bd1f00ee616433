"""Building through the service: the context streamed as tar, the log live, build args,
the ignore file, cancel."""

from __future__ import annotations

import threading
import time

import pytest

from app.engine.build import build_command, build_image
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError
from app.engine.image_records import BuildRequest
from app.support.concurrency import Cancelled, CancelToken
from tests.bed.podman import TEST_IMAGE

GREETING_FILE = f"""\
FROM {TEST_IMAGE}
ARG GREETING
RUN echo "$GREETING" > /greeting && printf '\\033[32mgreen\\033[0m\\n'
COPY kept.txt /kept.txt
"""


def _image_ids(podman) -> set[str]:
    return set(podman.cli("images", "-q", "--no-trunc").replace("sha256:", "").split())


def test_build_streams_its_log_and_applies_args_and_tags(podman, tmp_path) -> None:
    (tmp_path / "Containerfile").write_text(GREETING_FILE)
    (tmp_path / "kept.txt").write_text("kept\n")
    request = BuildRequest(
        tmp_path,
        tags=("localhost/built:1", "localhost/built:latest"),
        build_args=(("GREETING", "hello from the app"),),
    )
    seen = []
    result = build_image(Endpoint.parse(podman.uri), request, on_progress=seen.append)
    try:
        text = "".join(p.text for p in seen)
        assert "STEP 3/4: RUN" in text
        assert "\x1b[32mgreen\x1b[0m" in text  # colours reach the log as Podman sent them
        assert any(p.sending for p in seen) and result.sent > 0
        out = podman.cli("run", "--rm", "localhost/built:1", "cat", "/greeting")
        assert out == "hello from the app"
        inspected = podman.cli("image", "inspect", "--format", "{{.Id}}", "localhost/built:latest")
        assert inspected == result.image_id
    finally:
        podman.cli("rmi", "-f", result.image_id, check=False)


def test_an_ignored_big_file_is_never_sent(podman, tmp_path) -> None:
    (tmp_path / "Containerfile").write_text(
        f"FROM {TEST_IMAGE}\nCOPY . /ctx/\nRUN echo listing: $(ls -A /ctx)\n"
    )
    (tmp_path / ".containerignore").write_text("# big data\nbig/\n*.log\n!keep.log\n")
    (tmp_path / "big").mkdir()
    with open(tmp_path / "big" / "blob.bin", "wb") as blob:
        blob.truncate(64 * 1024 * 1024)  # 64 MiB of holes: cheap to make, costly to send
    (tmp_path / "debug.log").write_text("noise")
    (tmp_path / "keep.log").write_text("wanted")
    seen = []
    result = build_image(
        Endpoint.parse(podman.uri),
        BuildRequest(tmp_path, tags=("localhost/ignored:1",)),
        on_progress=seen.append,
    )
    try:
        assert result.sent < 64 * 1024  # a few headers and small files, not 64 MiB
        listing = next(p.text for p in seen if p.text.startswith("listing:")).split()[1:]
        assert sorted(listing) == [".containerignore", "Containerfile", "keep.log"]
    finally:
        podman.cli("rmi", "-f", result.image_id, check=False)


def test_a_containerfile_outside_the_context_is_sent_with_it(podman, tmp_path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "data.txt").write_text("data\n")
    outside = tmp_path / "build.containerfile"
    outside.write_text(f"FROM {TEST_IMAGE}\nCOPY data.txt /data.txt\nRUN cat /data.txt\n")
    request = BuildRequest(context, containerfile=outside, tags=("localhost/outside:1",))
    assert str(build_command(request)) == (
        f"podman build --file={outside} --tag=localhost/outside:1 {context}"
    )
    seen = []
    result = build_image(Endpoint.parse(podman.uri), request, on_progress=seen.append)
    try:
        assert "data\n" in [p.text for p in seen]  # COPY found the context's file
    finally:
        podman.cli("rmi", "-f", result.image_id, check=False)


def test_a_failing_step_is_podmans_error(podman, tmp_path) -> None:
    (tmp_path / "Containerfile").write_text(f"FROM {TEST_IMAGE}\nRUN exit 3\n")
    with pytest.raises(ApiError, match="exit status 3"):
        build_image(Endpoint.parse(podman.uri), BuildRequest(tmp_path, tags=("localhost/x:1",)))


def test_cancel_ends_the_build_promptly_and_leaves_no_image(podman, tmp_path) -> None:
    (tmp_path / "Containerfile").write_text(
        f"FROM {TEST_IMAGE}\nRUN echo sleeping && sleep 4\nRUN echo never\n"
    )
    token = CancelToken()
    before = _image_ids(podman)
    started = threading.Event()

    def progress(p) -> None:
        if "sleeping" in p.text and "STEP" not in p.text:
            started.set()
            token.cancel()

    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        build_image(
            Endpoint.parse(podman.uri),
            BuildRequest(tmp_path, tags=("localhost/cancelled:1",)),
            on_progress=progress,
            cancel=token,
        )
    assert started.is_set()
    assert time.monotonic() - t0 < 10
    assert not podman.cli("images", "-q", "localhost/cancelled:1", check=False)
    assert _image_ids(podman) <= before
    # Podman finishes the running step, then drops the build and its working container
    # (which counts as a user of the base image until then): wait for it to go.
    deadline = time.monotonic() + 20
    while podman.build_containers():
        assert time.monotonic() < deadline, "the cancelled build's container stayed"
        threading.Event().wait(0.1)


def test_cancel_while_the_context_is_sent_stops_at_once(podman, tmp_path) -> None:
    (tmp_path / "Containerfile").write_text(f"FROM {TEST_IMAGE}\nCOPY . /ctx/\n")
    with open(tmp_path / "big.bin", "wb") as blob:
        blob.truncate(256 * 1024 * 1024)  # sent (not ignored) unless the cancel stops it
    token = CancelToken()
    sent = []

    def progress(p) -> None:
        if p.sending:
            sent.append(p.sent)
            token.cancel()  # at the first file

    with pytest.raises(Cancelled):
        build_image(
            Endpoint.parse(podman.uri),
            BuildRequest(tmp_path, tags=("localhost/half-sent:1",)),
            on_progress=progress,
            cancel=token,
        )
    assert sent and sent[-1] < 1024 * 1024  # stopped long before the big file's end
    assert not podman.cli("images", "-q", "localhost/half-sent:1", check=False)
