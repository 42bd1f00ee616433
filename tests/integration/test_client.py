"""The client facade against a real, isolated Podman service (no mocks)."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from datetime import datetime, timedelta, timezone

import pytest

from app.engine.client import Client
from app.engine.dto import ContainerSummary
from app.engine.endpoint import EndpointError
from app.engine.errors import Conflict, ConnectionLost, InUse, NotFound
from tests.bed.podman import TEST_IMAGE
from tests.bed.sshd import free_port
from tests.conftest import windows_only


@pytest.fixture
def client(podman):
    with Client(podman.uri) as c:
        yield c


def _run(podman, name: str, *args: str) -> str:
    return podman.cli("run", "-d", "--name", name, *args, TEST_IMAGE, "sleep", "1000")


def _by_name(client: Client, name: str) -> ContainerSummary | None:
    return next((c for c in client.containers() if c.name == name), None)


def _recent(when: datetime) -> bool:
    now = datetime.now(timezone.utc)
    return when.tzinfo is not None and now - timedelta(minutes=5) < when <= now + timedelta(
        minutes=1
    )


# -- service ---------------------------------------------------------------------------


def test_real_service_passes_the_version_check_and_is_podman_4_or_newer(client):
    info = client.connect_check()
    assert info.version_tuple >= (4, 0)
    assert info.api_version_tuple >= (4, 0)  # the libpod API, not the Docker API's 1.4x
    assert info.os == "linux" and info.arch and info.go_version.startswith("go")
    assert client.ping() is True


def test_the_quick_check_reads_the_same_version_from_the_ping(client):
    """At connect the version comes from /_ping's headers (~1 ms), not /version (which
    gathers /info: ~1 s on a store of 1,000), and says the same."""
    full, quick = client.connect_check(), client.quick_check()
    assert (quick.version, quick.api_version, quick.os) == (full.version, full.api_version, "linux")


def test_info_and_disk_usage_describe_this_store(client, podman):
    _run(podman, "web")
    info = client.info()
    assert info.graph_root.startswith(str(podman.base))
    assert info.socket_path == str(podman.socket_path)
    assert info.podman_version == client.version().version
    assert (info.containers_total, info.containers_running) == (1, 1)
    assert info.images >= 1 and info.cpus >= 1 and info.memory_total > 0 and info.runtime
    usage = client.df()
    assert usage.images_count >= 1 and usage.images_size > 0 and usage.images_active >= 1
    assert (usage.containers_count, usage.containers_active) == (1, 1)


def test_ssh_endpoints_are_refused_before_any_connection():
    with pytest.raises(EndpointError):
        Client("ssh://core@127.0.0.1:2222/run/podman/podman.sock")


def test_a_missing_socket_is_connection_lost_and_ping_says_false(tmp_path):
    client = Client(f"unix://{tmp_path}/gone.sock")
    with pytest.raises(ConnectionLost, match="no such socket"):
        client.containers()
    assert client.ping() is False


def test_a_socket_nobody_listens_on_is_connection_lost(tmp_path):
    path = tmp_path / "dead.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))  # the file stays, nothing will accept
    with pytest.raises(ConnectionLost, match="refused"):
        Client(f"unix://{path}").images()


def test_the_service_going_away_is_connection_lost_until_it_returns(client, podman):
    assert client.containers() == []  # a pooled keep-alive connection now exists
    podman.stop_service(kill=True)
    with pytest.raises(ConnectionLost, match=str(podman.socket_path)):
        client.containers()
    podman.start_service()
    assert client.containers() == [] and client.ping()  # the same client recovers


def test_a_server_dropping_the_connection_mid_request_is_connection_lost(tmp_path):
    path = tmp_path / "rude.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(1)

    def hang_up() -> None:
        conn, _ = server.accept()
        conn.recv(4096)
        conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        with pytest.raises(ConnectionLost, match="Lost the connection"):
            Client(f"unix://{path}").volumes()
    finally:
        thread.join(5)
        server.close()


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("0.0.0.0", 0))
        return sock.getsockname()[1]


# -- containers ------------------------------------------------------------------------


def test_containers_list_what_the_cli_made(client, podman):
    tcp_port, udp_port = free_port(), free_udp_port()
    _run(
        podman,
        "web",
        "-p",
        f"127.0.0.1:{tcp_port}:80",
        "-p",
        f"{udp_port}:53/udp",
        "--label",
        "com.docker.compose.project=shop",
        "-v",
        "data:/data",
    )
    podman.cli("create", "--name", "fresh", TEST_IMAGE, "true")
    podman.cli("run", "--name", "failed", TEST_IMAGE, "sh", "-c", "exit 3", check=False)

    found = {c.name: c for c in client.containers()}
    assert set(found) == {"web", "fresh", "failed"}
    web, fresh, failed = found["web"], found["fresh"], found["failed"]
    assert web.state == "running" and web.image == TEST_IMAGE and len(web.id) == 64
    assert web.command == "sleep 1000" and web.mounts == ("/data",)
    assert web.compose_project == "shop" and web.label("com.docker.compose.project") == "shop"
    ports = {(p.host_ip, p.host_port, p.container_port, p.protocol) for p in web.ports}
    assert ports == {("127.0.0.1", tcp_port, 80, "tcp"), ("", udp_port, 53, "udp")}
    assert _recent(web.created) and web.started_at is not None and web.exited_at is None
    assert fresh.state == "created" and fresh.started_at is None
    assert failed.state == "exited" and failed.exit_code == 3 and failed.exited_at is not None
    assert [c.name for c in client.containers(all=False)] == ["web"]
    assert {web, fresh, failed} == set(client.containers())  # hashable, equal when unchanged


def test_inspect_container_gives_the_raw_inspect_json(client, podman):
    cid = _run(podman, "web", "--label", "a=b")
    data = client.inspect_container("web")
    assert data["Id"] == cid and data["Config"]["Labels"]["a"] == "b"
    assert data["State"]["Running"] is True


def test_container_lifecycle_start_stop_pause_restart_kill_remove(client, podman):
    podman.cli("create", "--name", "life", TEST_IMAGE, "sleep", "1000")
    client.start_container("life")
    assert _by_name(client, "life").state == "running"
    client.pause_container("life")
    assert _by_name(client, "life").state == "paused"
    client.unpause_container("life")
    assert _by_name(client, "life").state == "running"
    client.stop_container("life", timeout=0)
    assert _by_name(client, "life").state in ("exited", "stopped")
    client.stop_container("life", timeout=0)  # stopping a stopped container is no error
    client.restart_container("life", timeout=0)
    assert _by_name(client, "life").state == "running"
    client.kill_container("life")
    assert _by_name(client, "life").state in ("exited", "stopped")
    client.remove_container("life")
    assert _by_name(client, "life") is None


def test_a_missing_container_is_not_found_with_podmans_words(client):
    with pytest.raises(NotFound, match='no container with name or ID "nope"'):
        client.inspect_container("nope")
    with pytest.raises(NotFound):
        client.start_container("nope")
    with pytest.raises(NotFound):
        client.remove_container("nope")


def test_removing_a_running_container_without_force_is_refused_and_keeps_it(client, podman):
    _run(podman, "busy")
    with pytest.raises(Conflict) as refused:
        client.remove_container("busy")
    assert "cannot be removed without force" in refused.value.message
    assert _by_name(client, "busy").state == "running"
    client.remove_container("busy", force=True)
    assert _by_name(client, "busy") is None


def test_unpausing_a_running_container_is_a_conflict(client, podman):
    _run(podman, "busy")
    with pytest.raises(Conflict, match="not paused"):
        client.unpause_container("busy")


# -- images ----------------------------------------------------------------------------


def test_images_list_and_inspect_the_test_image(client):
    (image,) = (i for i in client.images() if TEST_IMAGE in i.repo_tags)
    assert (image.repository, image.tag) == ("localhost/busybox", "test")
    assert image.size > 0 and not image.dangling and image.digest.startswith("sha256:")
    assert image.created.tzinfo is not None
    assert client.inspect_image(TEST_IMAGE)["Id"] == image.id
    with pytest.raises(NotFound):
        client.inspect_image("localhost/no-such-image:1")


def test_an_image_in_use_is_refused_and_an_extra_tag_can_be_removed(client, podman):
    _run(podman, "user")
    with pytest.raises(InUse, match="in use"):
        client.remove_image(TEST_IMAGE)
    podman.cli("tag", TEST_IMAGE, "localhost/extra:1")
    client.remove_image("localhost/extra:1")  # untags only: the image keeps its other name
    names = {t for i in client.images() for t in i.repo_tags}
    assert TEST_IMAGE in names and "localhost/extra:1" not in names


def test_prune_removes_a_dangling_image(client, podman):
    podman.cli("create", "--name", "base", TEST_IMAGE, "true")
    image_id = podman.cli("commit", "-q", "base", "localhost/scratchpad:1")
    podman.cli("untag", "localhost/scratchpad:1")
    dangling = [i for i in client.images() if i.dangling]
    assert [i.id for i in dangling] == [image_id.removeprefix("sha256:")]
    assert image_id.removeprefix("sha256:") in client.prune_images()
    assert not [i for i in client.images() if i.dangling]


# -- volumes, pods, networks, secrets --------------------------------------------------


def test_volumes_list_inspect_and_remove(client, podman):
    podman.cli("volume", "create", "--label", "team=web", "cache")
    (volume,) = client.volumes()
    assert (volume.name, volume.driver, volume.scope) == ("cache", "local", "local")
    assert volume.label("team") == "web" and volume.mountpoint and _recent(volume.created)
    assert client.inspect_volume("cache")["Name"] == "cache"
    client.remove_volume("cache")
    assert client.volumes() == []
    with pytest.raises(NotFound):
        client.inspect_volume("cache")


def test_a_volume_in_use_is_refused_unless_forced(client, podman):
    _run(podman, "user", "-v", "busyvol:/data")
    with pytest.raises(InUse, match="being used"):
        client.remove_volume("busyvol")
    client.remove_volume("busyvol", force=True)
    assert client.volumes() == []


def test_pods_list_start_stop_and_remove(client, podman):
    pod_id = podman.cli("pod", "create", "--name", "shop")
    ctr_id = _run(podman, "shop-web", "--pod", "shop")
    (pod,) = client.pods()
    assert (pod.id, pod.name, pod.status) == (pod_id, "shop", "Running")
    assert _recent(pod.created) and pod.infra_id
    assert {c.id for c in pod.containers} == {pod.infra_id, ctr_id}
    assert ("shop-web", "running") in {(name, status) for _, name, status in pod.containers}
    assert client.inspect_pod("shop")["Name"] == "shop"
    assert _by_name(client, "shop-web").pod_name == "shop"
    client.stop_pod("shop", timeout=0)
    assert client.pods()[0].status in ("Exited", "Stopped")
    client.start_pod("shop")
    assert client.pods()[0].status == "Running"
    with pytest.raises(Conflict):  # its running containers
        client.remove_pod("shop")
    client.remove_pod("shop", force=True)
    assert client.pods() == []


def test_networks_list_ipv4_and_ipv6_subnets(client, podman):
    podman.cli("network", "create", "--ipv6", "--subnet", "fd00:db8::/64", "n6")
    podman.cli("network", "create", "--internal", "n4")
    found = {n.name: n for n in client.networks()}
    assert {"podman", "n6", "n4"} <= set(found)
    n6, n4 = found["n6"], found["n4"]
    assert n6.ipv6_enabled and "fd00:db8::/64" in n6.subnets
    assert any("." in s for s in n6.subnets)  # Podman adds an IPv4 subnet beside it
    assert n4.internal and not n4.ipv6_enabled and n4.driver == "bridge" and n4.id
    assert client.inspect_network("n6")["name"] == "n6"
    client.remove_network("n6")
    assert "n6" not in {n.name for n in client.networks()}
    with pytest.raises(NotFound):
        client.remove_network("n6")


def test_secrets_list_metadata_and_never_the_value(client, podman):
    subprocess.run(
        ["podman", "secret", "create", "dbpass", "-"],
        input="s3cret",
        text=True,
        env=podman.env,
        check=True,
        capture_output=True,
    )
    (secret,) = client.secrets()
    assert secret.name == "dbpass" and secret.driver == "file" and secret.id
    assert _recent(secret.created) and secret.updated is not None
    assert "s3cret" not in repr(client.secrets())
    meta = client.inspect_secret("dbpass")
    assert meta["Spec"]["Name"] == "dbpass" and "s3cret" not in repr(meta)
    client.remove_secret("dbpass")
    assert client.secrets() == []
    with pytest.raises(NotFound):
        client.remove_secret("dbpass")


# -- Windows named pipes ---------------------------------------------------------------


@windows_only
def test_npipe_endpoint_reaches_a_pipe_server():
    """podman-py, through the npipe adapter, talks HTTP to a real named pipe."""
    import _winapi

    name = f"pdc-test-{os.getpid()}"
    body = b'{"Version":"5.2.1","Components":[{"Name":"Podman Engine","Details":{}}]}'
    # Every instance exists before the client connects, so no connect finds the pipe missing.
    pipes = [_pipe_instance(_winapi, rf"\\.\pipe\{name}", count=2) for _ in range(2)]
    threads = [threading.Thread(target=_serve_once, args=(_winapi, p, body)) for p in pipes]
    for thread in threads:
        thread.start()
    with Client(f"npipe:////./pipe/{name}") as client:
        assert client.ping() is True
        assert client.connect_check().version == "5.2.1"
    for thread in threads:
        thread.join(10)


def _pipe_instance(winapi, path: str, count: int) -> int:
    return winapi.CreateNamedPipe(
        path,
        winapi.PIPE_ACCESS_DUPLEX,
        winapi.PIPE_TYPE_BYTE | winapi.PIPE_READMODE_BYTE | winapi.PIPE_WAIT,
        count,
        65536,
        65536,
        0,
        winapi.NULL,
    )


def _serve_once(winapi, pipe: int, body: bytes) -> None:
    """Answer one HTTP request on a byte-mode pipe instance, then wait for the hang-up."""
    try:
        try:
            winapi.ConnectNamedPipe(pipe, False)
        except OSError as exc:
            if getattr(exc, "winerror", None) != 535:  # ERROR_PIPE_CONNECTED: already there
                raise
        data = b""
        while b"\r\n\r\n" not in data:
            chunk, _ = winapi.ReadFile(pipe, 65536)
            data += chunk
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        head += b"Content-Length: %d\r\n\r\n" % len(body)
        winapi.WriteFile(pipe, head + (b"" if data.startswith(b"HEAD") else body))
        while True:  # the client closes after reading (Connection: close)
            winapi.ReadFile(pipe, 65536)
    except OSError:
        pass
    finally:
        winapi.CloseHandle(pipe)
