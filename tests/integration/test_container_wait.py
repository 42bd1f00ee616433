"""Waiting for a container to exit through the real service, and cancelling the wait."""

from __future__ import annotations

import threading
import time

import pytest

from app.engine.container_wait import wait_container
from app.engine.endpoint import Endpoint
from app.engine.errors import NotFound
from app.support.concurrency import Cancelled, CancelToken
from tests.bed.podman import TEST_IMAGE


def test_wait_returns_the_exit_code_of_a_container_that_exits(podman) -> None:
    cid = podman.cli("run", "-d", TEST_IMAGE, "sh", "-c", "exit 3").strip()
    assert wait_container(Endpoint.parse(podman.uri), cid) == 3
    # Asked again once it has exited, the answer comes at once.
    assert wait_container(Endpoint.parse(podman.uri), cid) == 3


def test_a_cancelled_wait_returns_while_the_container_keeps_running(podman) -> None:
    cid = podman.cli("run", "-d", TEST_IMAGE, "sleep", "60").strip()
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        wait_container(Endpoint.parse(podman.uri), cid, cancel=token)
    assert time.monotonic() - started < 5
    assert podman.cli("inspect", "--format", "{{.State.Running}}", cid).strip() == "true"


def test_waiting_for_an_unknown_container_is_not_found(podman) -> None:
    with pytest.raises(NotFound):
        wait_container(Endpoint.parse(podman.uri), "no-such-container")
