"""Tag, untag, history and details; save, load and import streamed, with cancel."""

from __future__ import annotations

import tarfile

import pytest

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, NotFound
from app.engine.image_archives import import_image, load_image, save_image
from app.engine.image_tags import image_details, image_history, tag_image, untag_image
from app.support.concurrency import Cancelled, CancelToken
from tests.bed.podman import BUSYBOX, TEST_IMAGE


def _names(podman) -> set[str]:
    return set(podman.cli("images", "--format", "{{.Repository}}:{{.Tag}}").split())


def test_tag_untag_history_and_details(podman) -> None:
    endpoint = Endpoint.parse(podman.uri)
    tag_image(endpoint, TEST_IMAGE, "localhost/renamed:2")
    tag_image(endpoint, TEST_IMAGE, "localhost/plain")  # no tag: latest
    try:
        assert {"localhost/renamed:2", "localhost/plain:latest"} <= _names(podman)
        untag_image(endpoint, "localhost/renamed:2")
        assert "localhost/renamed:2" not in _names(podman)
        assert TEST_IMAGE in _names(podman)  # the image stays
        history = image_history(endpoint, TEST_IMAGE)
        assert history and all(h.created is not None for h in history)
        assert any(h.created_by for h in history)
        details = image_details(endpoint, TEST_IMAGE, ("web",))
        assert details.cmd == ("/bin/sh",)
        assert "PATH=/bin" in details.env
        assert details.os == "linux" and details.architecture
        assert TEST_IMAGE in details.names and details.containers == ("web",)
        with pytest.raises(NotFound):
            image_history(endpoint, "localhost/no-such:image")
    finally:
        podman.cli("untag", TEST_IMAGE, "localhost/renamed:2", check=False)
        podman.cli("untag", TEST_IMAGE, "localhost/plain:latest", check=False)


def test_save_rmi_load_round_trip(podman, tmp_path) -> None:
    endpoint = Endpoint.parse(podman.uri)
    podman.cli("tag", TEST_IMAGE, "localhost/roundtrip:1")
    image_id = podman.cli("image", "inspect", "--format", "{{.Id}}", "localhost/roundtrip:1")
    archive = tmp_path / "roundtrip.tar"
    seen = []
    size = save_image(endpoint, "localhost/roundtrip:1", archive, on_progress=seen.append)
    assert archive.stat().st_size == size > 1_000_000
    assert seen[-1].done == size
    assert [p.name for p in tmp_path.iterdir()] == ["roundtrip.tar"]  # no temporary left
    podman.cli("untag", TEST_IMAGE, "localhost/roundtrip:1")
    names = load_image(endpoint, archive, on_progress=seen.append)
    try:
        assert "localhost/roundtrip:1" in names
        loaded = podman.cli("image", "inspect", "--format", "{{.Id}}", "localhost/roundtrip:1")
        assert loaded == image_id
    finally:
        podman.cli("untag", TEST_IMAGE, "localhost/roundtrip:1", check=False)


def test_a_cancelled_save_leaves_no_file(podman, tmp_path) -> None:
    token = CancelToken()
    target = tmp_path / "cancelled.tar"

    def progress(_p) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        save_image(
            Endpoint.parse(podman.uri), TEST_IMAGE, target, on_progress=progress, cancel=token
        )
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_keeps_an_earlier_file(podman, tmp_path) -> None:
    target = tmp_path / "kept.tar"
    target.write_text("earlier")
    with pytest.raises(NotFound):
        save_image(Endpoint.parse(podman.uri), "localhost/no-such:image", target)
    assert target.read_text() == "earlier"
    assert list(tmp_path.iterdir()) == [target]


def test_import_a_rootfs_with_changes(podman, tmp_path) -> None:
    rootfs = tmp_path / "rootfs.tar"
    with tarfile.open(rootfs, "w") as tar:
        tar.add(BUSYBOX, arcname="bin/busybox")
        for tool in ("sh", "cat", "echo"):
            link = tarfile.TarInfo(f"bin/{tool}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
    seen = []
    image_id = import_image(
        Endpoint.parse(podman.uri),
        rootfs,
        "localhost/imported:1",
        ("ENV PATH=/bin", 'CMD ["/bin/echo", "imported"]'),
        on_progress=seen.append,
    )
    try:
        assert seen[-1].done == rootfs.stat().st_size == seen[-1].total
        assert podman.cli("run", "--rm", "localhost/imported:1") == "imported"
        inspected = podman.cli("image", "inspect", "--format", "{{.Id}}", "localhost/imported:1")
        assert inspected == image_id
    finally:
        podman.cli("rmi", "-f", "localhost/imported:1", check=False)


def test_loading_what_is_not_an_archive_is_podmans_refusal(podman, tmp_path) -> None:
    bogus = tmp_path / "notes.tar"
    bogus.write_text("these are notes, not an image archive\n")
    with pytest.raises(ApiError) as refused:
        load_image(Endpoint.parse(podman.uri), bogus)
    # Podman's words, shown as they are.
    assert str(refused.value).startswith("unable to load image: payload does not match")
