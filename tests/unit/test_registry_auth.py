"""Logins in podman's auth file: where it is, what is written (and kept), and the
X-Registry-Auth header built from it."""

from __future__ import annotations

import base64
import json
import stat

from app.engine import registry_auth
from app.engine.dto import PullProgress
from app.models.transfer_progress import TransferProgress


def test_the_auth_file_is_registry_auth_file_or_podmans_default(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(tmp_path / "a.json"))
    assert registry_auth.auth_file() == tmp_path / "a.json"
    monkeypatch.delenv("REGISTRY_AUTH_FILE")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    assert registry_auth.auth_file() == tmp_path / "run" / "containers" / "auth.json"


def test_save_keeps_other_entries_is_private_and_remove_forgets(tmp_path) -> None:
    path = tmp_path / "containers" / "auth.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"auths": {"quay.io": {"auth": "eDp5"}}, "credHelpers": {}}))
    registry_auth.save("127.0.0.1:5000", "me", "s3:cret", path)
    data = json.loads(path.read_text())
    assert data["auths"]["quay.io"] == {"auth": "eDp5"} and "credHelpers" in data
    assert base64.b64decode(data["auths"]["127.0.0.1:5000"]["auth"]) == b"me:s3:cret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert registry_auth.logged_in(path) == ["127.0.0.1:5000", "quay.io"]
    assert registry_auth.credentials("127.0.0.1:5000", path) == ("me", "s3:cret")
    assert registry_auth.remove("127.0.0.1:5000", path)
    assert registry_auth.logged_in(path) == ["quay.io"]
    assert not registry_auth.remove("127.0.0.1:5000", path)
    assert [p.name for p in path.parent.iterdir()] == ["auth.json"]  # no temp file left


def test_docker_style_keys_are_read_as_hosts(tmp_path) -> None:
    path = tmp_path / "config.json"
    auth = base64.b64encode(b"u:p").decode()
    path.write_text(json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": auth}}}))
    assert registry_auth.credentials("docker.io", path) == ("u", "p")


def test_the_header_is_base64url_json() -> None:
    value = registry_auth.header("me", "p+/w?", "quay.io")
    decoded = json.loads(base64.urlsafe_b64decode(value))
    assert decoded == {"username": "me", "password": "p+/w?", "serveraddress": "quay.io"}


def test_layer_reports_fold_into_one_fraction_and_line() -> None:
    progress = TransferProgress()
    progress.add(PullProgress("Pulling fs layer", "a"))
    progress.add(PullProgress("Downloading", "a", 50, 100))
    progress.add(PullProgress("Downloading", "b", 100, 300))
    assert progress.fraction == 150 / 400
    progress.add(PullProgress("Download complete", "a"))
    assert progress.fraction == 200 / 400
    assert progress.text.startswith("1 of 2 layers")
    progress.add(PullProgress("Writing manifest to image destination"))
    assert progress.text == "Writing manifest to image destination"
