"""The embedded default: the app's own `podman system service`, on an isolated store."""

from __future__ import annotations

import os

import pytest

from app.engine.cli.local_service import OwnService, SocketUnit, find_socket_unit, is_listening
from app.engine.cli.podman_cli import PodmanCli
from tests.conftest import linux_only

pytestmark = linux_only


def test_own_service_starts_answers_and_stops(tmp_path):
    sock = tmp_path / "run" / "podman.sock"
    sock.parent.mkdir(mode=0o700)
    service = OwnService(PodmanCli(), sock, tmp_path / "service.log")
    service.start()
    try:
        assert service.running and is_listening(str(sock))
        assert oct(os.stat(sock).st_mode & 0o777) == oct(0o600)
    finally:
        service.stop()
    assert not service.running
    assert not sock.exists() and not is_listening(str(sock))


def test_own_service_replaces_a_stale_socket(tmp_path):
    import socket

    sock_path = tmp_path / "podman.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(sock_path))
    stale.close()  # the file stays, nobody listens: what a crashed run leaves
    assert sock_path.exists() and not is_listening(str(sock_path))
    service = OwnService(PodmanCli(), sock_path, tmp_path / "service.log")
    service.start()
    try:
        assert is_listening(str(sock_path))
    finally:
        service.stop()


def test_own_service_failure_carries_podmans_words(tmp_path):
    # A real failure: Podman refuses a storage driver that does not exist.
    storage = tmp_path / "storage.conf"
    storage.write_text(
        f'[storage]\ndriver = "bogus"\ngraphroot = "{tmp_path}/root"\nrunroot = "{tmp_path}/run"\n'
    )
    cli = PodmanCli(env={**os.environ, "CONTAINERS_STORAGE_CONF": str(storage)})
    service = OwnService(cli, tmp_path / "p.sock", tmp_path / "service.log")
    with pytest.raises(RuntimeError, match="driver not supported"):
        service.start()
    assert not service.running


def test_socket_unit_needs_a_running_systemd():
    unit = find_socket_unit()
    if not os.path.isdir("/run/systemd/system"):
        assert unit is None  # no systemd as init here: the app runs its own service instead
    else:
        assert unit is None or unit.path.endswith("podman.socket")
    assert SocketUnit("/x", user=True).enable_command() == [
        "systemctl",
        "--user",
        "enable",
        "--now",
        "podman.socket",
    ]
