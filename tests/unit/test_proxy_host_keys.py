"""Host-key decisions: known, unknown, changed, machine, insecure skip."""

from __future__ import annotations

import paramiko
import pytest

from app.proxy.host_keys import (
    HostKeyError,
    HostKeyPolicy,
    check_host_key,
    fingerprint,
    host_entry_name,
    known_key_types,
)


@pytest.fixture(scope="module")
def keys():
    return paramiko.ECDSAKey.generate(), paramiko.ECDSAKey.generate()


def policy(tmp_path, **options) -> HostKeyPolicy:
    return HostKeyPolicy(known_hosts=str(tmp_path / "known_hosts"), **options)


def test_entry_names_follow_openssh():
    assert host_entry_name("example.com", 22) == "example.com"
    assert host_entry_name("127.0.0.1", 2222) == "[127.0.0.1]:2222"


def test_fingerprint_matches_ssh_keygen_format(keys):
    assert fingerprint(keys[0]).startswith("SHA256:")
    assert "=" not in fingerprint(keys[0])


def test_unknown_key_refused_headless(tmp_path, keys):
    with pytest.raises(HostKeyError, match="--accept-new-host-key"):
        check_host_key(policy(tmp_path), "example.com", 22, keys[0])
    assert not (tmp_path / "known_hosts").exists()


def test_accept_new_records_then_trusts(tmp_path, keys):
    check_host_key(policy(tmp_path, accept_new=True), "example.com", 2222, keys[0])
    text = (tmp_path / "known_hosts").read_text()
    assert text == f"[example.com]:2222 {keys[0].get_name()} {keys[0].get_base64()}\n"
    check_host_key(policy(tmp_path), "example.com", 2222, keys[0])  # known now
    assert known_key_types(policy(tmp_path), "example.com", 2222) == [keys[0].get_name()]


def test_recording_keeps_existing_lines(tmp_path, keys):
    (tmp_path / "known_hosts").write_text("# my hosts\nother.example ssh-ed25519 AAAA")
    check_host_key(policy(tmp_path, accept_new=True), "example.com", 22, keys[0])
    lines = (tmp_path / "known_hosts").read_text().splitlines()
    assert lines[:2] == ["# my hosts", "other.example ssh-ed25519 AAAA"]
    assert lines[2].startswith("example.com ")


def test_callback_decides_about_an_unknown_key(tmp_path, keys):
    seen = []
    refuse = policy(tmp_path, on_unknown=lambda info: seen.append(info) or False)
    with pytest.raises(HostKeyError, match="not accepted"):
        check_host_key(refuse, "h.example", 22, keys[0])
    assert seen[0].fingerprint == fingerprint(keys[0]) and seen[0].host == "h.example"
    check_host_key(policy(tmp_path, on_unknown=lambda info: True), "h.example", 22, keys[0])
    check_host_key(policy(tmp_path), "h.example", 22, keys[0])


def test_changed_key_always_refused_with_both_fingerprints(tmp_path, keys):
    check_host_key(policy(tmp_path, accept_new=True), "h.example", 22, keys[0])
    everything = policy(tmp_path, accept_new=True, on_unknown=lambda info: True)
    with pytest.raises(HostKeyError) as refused:
        check_host_key(everything, "h.example", 22, keys[1])
    message = str(refused.value)
    assert "CHANGED" in message
    assert fingerprint(keys[0]) in message and fingerprint(keys[1]) in message
    assert "ssh-keygen -R" in message


def test_machine_on_loopback_is_trusted_without_recording(tmp_path, keys):
    check_host_key(policy(tmp_path, is_machine=True), "127.0.0.1", 50022, keys[0])
    assert not (tmp_path / "known_hosts").exists()
    with pytest.raises(HostKeyError):  # a "machine" elsewhere is checked like any host
        check_host_key(policy(tmp_path, is_machine=True), "10.0.0.5", 22, keys[0])


def test_insecure_skip_accepts_anything(tmp_path, keys, caplog):
    check_host_key(policy(tmp_path, accept_new=True), "h.example", 22, keys[0])
    check_host_key(policy(tmp_path, insecure_skip=True), "h.example", 22, keys[1])
    assert "NOT verified" in caplog.text
