"""Secrets and volumes through the engine, on the real service: a secret's value reaches
a container and nothing else; a volume's files go to a tar file and come back."""

from __future__ import annotations

import json
import secrets as random
import tarfile
import threading

import pytest

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, NotFound
from app.engine.secrets import create_secret, create_secret_from_file, secret_name_problem
from app.engine.volumes import (
    HELPER_LABEL,
    create_volume,
    export_volume,
    import_volume,
    volume_details,
    volume_name_problem,
)
from app.support.concurrency import Cancelled, CancelToken
from tests.bed.podman import TEST_IMAGE


def _read_in_container(podman, name: str) -> str:
    return podman.cli("run", "--rm", "--secret", name, TEST_IMAGE, "cat", f"/run/secrets/{name}")


def test_a_secret_reaches_the_container_and_never_inspect(podman) -> None:
    endpoint = Endpoint.parse(podman.uri)
    value = f"pw-{random.token_hex(8)}"
    secret_id = create_secret(endpoint, "db_password", value.encode())
    assert secret_id
    assert _read_in_container(podman, "db_password") == value
    inspected = podman.cli("secret", "inspect", "db_password")
    assert json.loads(inspected)[0]["Spec"]["Name"] == "db_password"
    assert value not in inspected
    with pytest.raises(ApiError, match="in use"):  # Podman's words for a taken name
        create_secret(endpoint, "db_password", b"other")


def test_a_secret_from_a_file_and_the_checks_before_asking(podman, tmp_path) -> None:
    endpoint = Endpoint.parse(podman.uri)
    key = tmp_path / "key.pem"
    key.write_bytes(b"-----BEGIN KEY-----\nabc\n-----END KEY-----\n")
    create_secret_from_file(endpoint, "tls.key", str(key))
    assert _read_in_container(podman, "tls.key") == key.read_text().strip()
    with pytest.raises(ApiError, match="Cannot read"):
        create_secret_from_file(endpoint, "missing", str(tmp_path / "nope"))
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(ApiError, match="empty"):
        create_secret_from_file(endpoint, "empty", str(empty))
    # The app's own check matches what Podman refuses.
    assert secret_name_problem("bad name")
    assert secret_name_problem("-leading")
    assert not secret_name_problem("a.b-c_d")
    with pytest.raises(ApiError, match="invalid secret name"):
        create_secret(endpoint, "bad name", b"x")


def test_volume_create_inspect_export_import_round_trip(podman, tmp_path) -> None:
    endpoint = Endpoint.parse(podman.uri)
    made = create_volume(endpoint, "source", labels={"app": "web"})
    assert made.name == "source" and made.labels["app"] == "web"
    podman.cli(
        "run", "--rm", "--name", "writer", "-v", "source:/data", TEST_IMAGE,
        "sh", "-c", "mkdir -p /data/sub && echo kept > /data/sub/file.txt",
    )  # fmt: skip
    podman.cli("create", "--name", "user", "-v", "source:/data", TEST_IMAGE)
    details = volume_details(endpoint, "source")
    assert details.users == ("user",)
    tmpfs = create_volume(endpoint, options={"type": "tmpfs", "device": "tmpfs"})
    assert volume_details(endpoint, tmpfs.name).options["type"] == "tmpfs"
    assert details.size and details.size > 0
    assert details.mountpoint

    archive = tmp_path / "source.tar"
    seen = []
    written = export_volume(endpoint, "source", str(archive), on_progress=seen.append)
    assert written == archive.stat().st_size and seen and seen[-1].done == written
    with tarfile.open(archive) as tar:
        assert "sub/file.txt" in tar.getnames()  # the contents at the top, like podman's

    target = create_volume(endpoint).name  # Podman chooses the name
    import_volume(endpoint, target, str(archive))
    out = podman.cli(
        "run", "--rm", "-v", f"{target}:/data", TEST_IMAGE, "cat", "/data/sub/file.txt"
    )
    assert out == "kept"
    # The helper containers went with their copies.
    helpers = podman.cli("ps", "-a", "--filter", f"label={HELPER_LABEL}", "-q")
    assert helpers == ""


def test_volume_errors_are_podmans_and_leave_nothing_behind(podman, tmp_path) -> None:
    endpoint = Endpoint.parse(podman.uri)
    with pytest.raises(NotFound):
        export_volume(endpoint, "no-such-volume", str(tmp_path / "x.tar"))
    assert not (tmp_path / "x.tar").exists()
    create_volume(endpoint, "taken")
    with pytest.raises(ApiError, match="already exists"):
        create_volume(endpoint, "taken")
    assert volume_name_problem("-bad") and not volume_name_problem("")
    with pytest.raises(ApiError, match="names must match"):
        create_volume(endpoint, "-bad")
    with pytest.raises(ApiError, match="Cannot write"):
        export_volume(endpoint, "taken", str(tmp_path / "missing-dir" / "x.tar"))
    assert podman.cli("ps", "-a", "--filter", f"label={HELPER_LABEL}", "-q") == ""


def test_a_cancelled_export_removes_its_partial_file(podman, tmp_path) -> None:
    endpoint = Endpoint.parse(podman.uri)
    create_volume(endpoint, "big")
    podman.cli(
        "run", "--rm", "-v", "big:/data", TEST_IMAGE,
        "sh", "-c", "dd if=/dev/zero of=/data/blob bs=1M count=24 2>/dev/null",
    )  # fmt: skip
    cancel = CancelToken()
    first = threading.Event()

    def progress(_p) -> None:
        first.set()
        cancel.cancel()

    archive = tmp_path / "big.tar"
    with pytest.raises(Cancelled):
        export_volume(endpoint, "big", str(archive), on_progress=progress, cancel=cancel)
    assert first.is_set()
    assert not archive.exists()
    assert podman.cli("ps", "-a", "--filter", f"label={HELPER_LABEL}", "-q") == ""


def test_a_cancelled_import_stops_sending_and_keeps_what_arrived(podman, tmp_path) -> None:
    endpoint = Endpoint.parse(podman.uri)
    archive = tmp_path / "big.tar"
    blob = tmp_path / "blob"
    blob.write_bytes(b"\0" * (8 * 1024 * 1024))
    with tarfile.open(archive, "w") as tar:
        tar.add(blob, "blob")
    create_volume(endpoint, "target")
    cancel = CancelToken()

    def progress(_p) -> None:
        cancel.cancel()  # after the first block is sent

    with pytest.raises(Cancelled):
        import_volume(endpoint, "target", str(archive), on_progress=progress, cancel=cancel)
    # Podman unpacks as the archive arrives: the file it was writing stays, cut short
    # (docs/podman-notes.md, "Volumes"); the dialog says so before the import starts.
    size = ("run", "--rm", "-v", "target:/data", TEST_IMAGE, "stat", "-c", "%s", "/data/blob")
    assert int(podman.cli(*size)) < blob.stat().st_size
    assert podman.cli("ps", "-a", "--filter", f"label={HELPER_LABEL}", "-q") == ""


def test_a_cancelled_clean_up_stops_between_items(podman) -> None:
    from app.controllers.cleanup import CleanupItem, run_cleanup
    from app.engine.client import Client

    for name in ("one", "two", "three"):
        podman.cli("volume", "create", name)
    items = [CleanupItem("volumes", name, name) for name in ("one", "two", "three")]
    cancel = CancelToken()
    seen = []

    def progress(step) -> None:
        seen.append(step)
        if step.done == 1:
            cancel.cancel()  # while the second item is about to go

    with Client(podman.uri) as client:
        result = run_cleanup(client, items, on_progress=progress, cancel=cancel)
    assert [i.name for i in result.removed] == ["one", "two"]
    assert [i.name for i in result.not_done] == ["three"]
    assert podman.cli("volume", "ls", "--format", "{{.Name}}").split() == ["three"]
