"""Loading identity files: plain and encrypted keys, the passphrase hook, clear failures."""

from __future__ import annotations

import subprocess

import pytest

from app.proxy.ssh_auth import AuthError, Credentials


def keygen(tmp_path, kind: str, passphrase: str = "", pem: bool = False) -> str:
    path = tmp_path / f"id_{kind}{'_enc' if passphrase else ''}"
    args = ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-f", str(path)]
    if kind == "rsa":
        args += ["-b", "2048"] + (["-m", "PEM"] if pem else [])
    subprocess.run(args, check=True, capture_output=True)
    return str(path)


@pytest.mark.parametrize("kind", ["ed25519", "ecdsa", "rsa"])
def test_plain_keys_load_without_asking(tmp_path, kind):
    path = keygen(tmp_path, kind)
    credentials = Credentials(path, ask_passphrase=lambda *a: pytest.fail("asked"))
    assert credentials._load(path).can_sign()


@pytest.mark.parametrize("kind, pem", [("ed25519", False), ("rsa", True)])
def test_encrypted_key_asks_again_after_a_wrong_passphrase(tmp_path, kind, pem):
    path = keygen(tmp_path, kind, "s3cret", pem)
    answers = iter(["nope", "s3cret"])
    asked = []
    credentials = Credentials(path, lambda p, wrong: asked.append(wrong) or next(answers))
    assert credentials._load(path).can_sign()
    assert asked == [False, True]
    assert credentials._load(path) is credentials._load(path)  # cached: not asked again


def test_giving_up_or_three_wrong_tries_is_a_clear_error(tmp_path):
    path = keygen(tmp_path, "ed25519", "s3cret")
    with pytest.raises(AuthError, match="No passphrase was given"):
        Credentials(path, lambda p, wrong: None)._load(path)
    with pytest.raises(AuthError, match=r"Wrong passphrase .*\(3 tries\)"):
        Credentials(path, lambda p, wrong: "bad")._load(path)


def test_without_a_way_to_ask_an_encrypted_key_is_a_clear_error(tmp_path):
    path = keygen(tmp_path, "ed25519", "s3cret")
    with pytest.raises(AuthError, match="ssh-agent"):
        Credentials(path)._load(path)


def test_missing_or_garbage_identity(tmp_path):
    with pytest.raises(AuthError, match="does not exist"):
        Credentials()._load(str(tmp_path / "nope"))
    junk = tmp_path / "junk"
    junk.write_text("not a key")
    with pytest.raises(AuthError, match="Cannot read"):
        Credentials()._load(str(junk))
