"""The test bed itself: isolated Podman, real sshd reaching its socket."""

from __future__ import annotations

import json
import subprocess

from tests.bed.podman import TEST_IMAGE


def test_isolated_podman_runs_containers_in_its_own_store(podman):
    info = json.loads(podman.cli("info", "--format", "json"))
    assert info["store"]["graphRoot"].startswith(str(podman.base))
    assert info["host"]["eventLogger"] == "file"
    podman.cli("run", "-d", "--name", "bed-check", TEST_IMAGE, "sleep", "60")
    assert podman.cli("ps", "--format", "{{.Names}}") == "bed-check"


def test_sshd_logs_in_with_the_client_key_and_sees_the_socket(podman, sshd, tmp_path):
    """The test sshd admits the client key and reaches the isolated service's socket."""
    proc = subprocess.run(
        [
            "ssh",
            "-i",
            str(sshd.client_key),
            "-p",
            str(sshd.port),
            "-o",
            f"UserKnownHostsFile={tmp_path / 'kh'}",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "BatchMode=yes",
            f"{sshd.user}@127.0.0.1",
            f"test -S {podman.socket_path} && echo socket-here",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr + sshd.log()
    assert proc.stdout.strip() == "socket-here"
