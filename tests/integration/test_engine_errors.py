"""Each typed engine error, provoked on the real, isolated Podman (and a real registry):
the type comes from Podman's status and error cause, the message is Podman's own."""

from __future__ import annotations

import socket
import threading
from urllib.parse import quote

import pytest

from app.engine import http_api
from app.engine.client import Client
from app.engine.endpoint import Endpoint
from app.engine.errors import (
    ApiError,
    AuthRequired,
    Conflict,
    ConnectionLost,
    InUse,
    NotFound,
    Unreachable,
)
from app.engine.http_api import LIBPOD_PREFIX
from tests.bed.podman import TEST_IMAGE
from tests.bed.registry import Registry
from tests.conftest import require_test_bed


@pytest.fixture
def client(podman):
    with Client(podman.uri) as c:
        yield c


def _run(podman, name: str, *args: str) -> str:
    return podman.cli("run", "-d", "--name", name, *args, TEST_IMAGE, "sleep", "1000")


def test_missing_objects_are_not_found(client, podman):
    with pytest.raises(NotFound, match='no container with name or ID "ghost"') as missing:
        client.inspect_container("ghost")
    assert missing.value.status == 404 and missing.value.cause == "no such container"
    with pytest.raises(NotFound):
        client.remove_image("localhost/ghost:1")
    with pytest.raises(NotFound):
        client.remove_volume("ghost")
    with pytest.raises(NotFound):
        client.remove_network("ghost")
    with pytest.raises(NotFound):
        client.start_pod("ghost")
    with pytest.raises(NotFound):  # through the app's own HTTP path too
        http_api.request(Endpoint.parse(podman.uri), "GET", f"{LIBPOD_PREFIX}/containers/ghost/top")


def test_a_state_that_forbids_the_action_is_a_conflict(client, podman):
    podman.cli("create", "--name", "idle", TEST_IMAGE, "sleep", "1000")
    # Podman 4 answers these with HTTP 500; its cause says what they are.
    with pytest.raises(Conflict, match="not running") as refused:
        client.pause_container("idle")
    assert not isinstance(refused.value, InUse)
    with pytest.raises(Conflict, match="can only kill running containers"):
        client.kill_container("idle")
    _run(podman, "busy")
    with pytest.raises(Conflict, match="cannot be removed without force") as running:
        client.remove_container("busy")
    assert not isinstance(running.value, InUse)


def test_removing_what_a_container_uses_is_in_use(client, podman):
    podman.cli("network", "create", "shared")
    podman.cli("pod", "create", "--name", "shop")
    _run(podman, "user", "-v", "kept:/data", "--network", "shared")
    _run(podman, "shop-web", "--pod", "shop")
    with pytest.raises(InUse, match="kept is being used"):
        client.remove_volume("kept")
    with pytest.raises(InUse, match="image is in use by a container"):
        client.remove_image(TEST_IMAGE)
    with pytest.raises(InUse, match="has associated containers"):
        client.remove_network("shared")
    shared = next(n.id for n in client.networks() if n.name == "shared")
    with pytest.raises(InUse):  # by id too: Podman alone would remove it from under "user"
        client.remove_network(shared)
    # A pod's refusal lists each container's reason; Podman's cause is one of them, in no
    # fixed order (its running container, or the infra one the others depend on).
    with pytest.raises(Conflict, match="dependency exists"):
        client.remove_pod("shop")
    # Each refusal left the object as it was.
    assert [v.name for v in client.volumes()] == ["kept"]
    assert "shared" in {n.name for n in client.networks()}
    assert [p.name for p in client.pods()] == ["shop"]


def test_a_registry_that_wants_a_login_is_auth_required(podman, tmp_path):
    require_test_bed(Registry.available(), "docker-registry and htpasswd (apache2-utils)")
    registry = Registry(tmp_path / "registry", user="alice", password="s3cret")
    registry.start()
    try:
        # Podman 4.3 passes the registry's refusal on as HTTP 400 with cause "unauthorized".
        with pytest.raises(AuthRequired, match="authentication required"):
            http_api.request(
                Endpoint.parse(podman.uri),
                "POST",
                f"{LIBPOD_PREFIX}/images/{quote(TEST_IMAGE, safe='')}/push",
                params={"destination": f"{registry.address}/busybox:test", "tlsVerify": False},
                timeout=60,
            )
    finally:
        registry.stop()


def test_nothing_listening_is_unreachable_and_a_dropped_request_only_lost(tmp_path):
    gone = f"unix://{tmp_path}/gone.sock"
    with pytest.raises(Unreachable, match="no such socket"):
        Client(gone).containers()
    with pytest.raises(Unreachable, match="no such socket"):
        http_api.request(Endpoint.parse(gone), "GET", "/_ping")

    path = tmp_path / "rude.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(2)

    def hang_up_twice() -> None:
        for _ in range(2):
            conn, _ = server.accept()
            conn.recv(4096)
            conn.close()

    thread = threading.Thread(target=hang_up_twice, daemon=True)
    thread.start()
    try:
        # The request was sent: it may have been carried out, so it is not "unreachable".
        with pytest.raises(ConnectionLost) as dropped:
            Client(f"unix://{path}").volumes()
        assert not isinstance(dropped.value, Unreachable)
        with pytest.raises(ConnectionLost) as dropped:
            http_api.request(Endpoint.parse(f"unix://{path}"), "GET", "/_ping")
        assert not isinstance(dropped.value, Unreachable | ApiError)
    finally:
        thread.join(5)
        server.close()
