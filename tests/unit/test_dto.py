"""Parsing Podman's list JSON into records: Podman 4.3 samples (recorded here), Podman 5
fields (from podman v5 pkg/domain/entities/types), Docker-compatible spellings, gaps."""

from __future__ import annotations

from datetime import datetime, timezone

from app.engine.dto import (
    EPOCH,
    ContainerSummary,
    DiskUsage,
    ImageSummary,
    Labels,
    NetworkSummary,
    PodSummary,
    PortMapping,
    SecretSummary,
    SystemInfo,
    VersionInfo,
    VolumeSummary,
    image_rows,
    parse_time,
    parse_version,
    split_reference,
)

UTC = timezone.utc

# Recorded from Podman 4.3.1 (/v4.0.0/libpod/containers/json?all=true).
PODMAN4_CONTAINER = {
    "AutoRemove": False,
    "Command": ["sleep", "1000"],
    "Created": "2026-11-28T11:42:01.932820397Z",
    "CreatedAt": "",
    "Exited": False,
    "ExitedAt": -62135596800,
    "ExitCode": 0,
    "Id": "e5204ddf26e6",
    "Image": "localhost/busybox:test",
    "ImageID": "877542aeebe1",
    "IsInfra": False,
    "Labels": {"com.docker.compose.project": "proj"},
    "Mounts": ["/data"],
    "Names": ["c1"],
    "Namespaces": {},
    "Networks": [],
    "Pid": 6392,
    "Pod": "adb801c50db3",
    "PodName": "pod1",
    "Ports": [
        {"host_ip": "", "container_port": 80, "host_port": 8080, "range": 1, "protocol": "tcp"}
    ],
    "Size": None,
    "StartedAt": 1795866122,
    "State": "running",
    "Status": "",
}

# Podman 5: Mounts are mount objects, Status carries the health, new keys appear.
PODMAN5_CONTAINER = {
    "AutoRemove": False,
    "Command": ["nginx", "-g", "daemon off;"],
    "Created": "2025-03-01T10:00:00.123456789+01:00",
    "CreatedAt": "2 hours ago",
    "CIDFile": "",
    "Exited": True,
    "ExitedAt": 1740826800,
    "ExitCode": 137,
    "ExposedPorts": {"80": ["tcp"]},
    "Id": "abc123",
    "Image": "docker.io/library/nginx:latest",
    "ImageID": "def456",
    "IsInfra": False,
    "Labels": {"io.podman.compose.project": "blog"},
    "Mounts": [{"Type": "volume", "Name": "v", "Destination": "/usr/share/nginx/html"}],
    "Names": ["blog_web_1"],
    "Networks": ["blog_default"],
    "Pid": 0,
    "Pod": "",
    "PodName": "",
    "Ports": [
        {
            "host_ip": "0.0.0.0",
            "container_port": 80,
            "host_port": 8000,
            "range": 3,
            "protocol": "tcp",
        }
    ],
    "Restarts": 2,
    "Size": None,
    "StartedAt": 1740823200,
    "State": "exited",
    "Status": "unhealthy",
}

DOCKER_COMPAT_CONTAINER = {
    "Id": "f00",
    "Names": ["/legacy"],
    "Image": "alpine",
    "ImageID": "sha256:beef",
    "Command": "sh -c 'sleep 1'",
    "Created": 1700000000,
    "State": "running",
    "Status": "Up 5 minutes (healthy)",
    "Ports": [{"IP": "127.0.0.1", "PrivatePort": 53, "PublicPort": 1053, "Type": "udp"}],
    "Labels": {},
    "Mounts": [{"Type": "bind", "Source": "/srv", "Destination": "/srv"}],
    "NetworkSettings": {},
    "Networks": {"bridge": {}},
}


def test_podman4_container():
    c = ContainerSummary.from_api(PODMAN4_CONTAINER)
    assert (c.id, c.name, c.image, c.state, c.status) == (
        "e5204ddf26e6",
        "c1",
        "localhost/busybox:test",
        "running",
        "",
    )
    assert c.created == datetime(2026, 11, 28, 11, 42, 1, 932820, tzinfo=UTC)
    assert c.started_at == datetime.fromtimestamp(1795866122, UTC)
    assert c.exited_at is None  # Go's zero time
    assert c.ports == (PortMapping("", 8080, 80, "tcp"),)
    assert str(c.ports[0]) == "0.0.0.0:8080->80/tcp"
    assert (c.pod_id, c.pod_name, c.command, c.mounts) == (
        "adb801c50db3",
        "pod1",
        "sleep 1000",
        ("/data",),
    )
    assert c.compose_project == "proj" and c.health == "" and c.networks == ()


def test_podman5_container_fields():
    c = ContainerSummary.from_api(PODMAN5_CONTAINER)
    assert c.created == datetime(2025, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)  # offset to UTC
    assert c.created.tzinfo is UTC
    assert c.exit_code == 137 and c.state == "exited" and c.exited_at is not None
    assert c.health == "unhealthy" and c.status == ""  # libpod's Status is the health word
    assert c.mounts == ("/usr/share/nginx/html",)
    assert c.ports == (PortMapping("0.0.0.0", 8000, 80, "tcp", count=3),)
    assert c.compose_project == "blog" and c.networks == ("blog_default",)


def test_docker_compatible_container_fields():
    c = ContainerSummary.from_api(DOCKER_COMPAT_CONTAINER)
    assert c.name == "legacy" and c.image_id == "beef"
    assert c.status == "Up 5 minutes (healthy)" and c.health == "healthy"
    assert c.created == datetime.fromtimestamp(1700000000, UTC)
    assert c.ports == (PortMapping("127.0.0.1", 1053, 53, "udp"),)
    assert c.command == "sh -c 'sleep 1'" and c.networks == ("bridge",) and c.mounts == ("/srv",)


def test_container_with_nothing_but_an_id_gets_defaults():
    c = ContainerSummary.from_api({"Id": "x", "Labels": None, "Ports": None, "Mounts": None})
    assert (c.name, c.state, c.exit_code, c.created, c.ports) == ("", "", 0, EPOCH, ())
    assert c.labels == {} and c.label("any") == "" and c.compose_project == ""


def test_records_are_hashable_and_equal_by_value():
    a = ContainerSummary.from_api(PODMAN4_CONTAINER)
    b = ContainerSummary.from_api(dict(PODMAN4_CONTAINER))
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    changed = ContainerSummary.from_api({**PODMAN4_CONTAINER, "State": "exited"})
    assert changed != a


def test_labels_behave_as_a_read_only_mapping():
    labels = Labels({"a": "1", "b": None})
    assert labels["a"] == "1" and labels["b"] == "" and dict(labels) == {"a": "1", "b": ""}
    assert labels == {"a": "1", "b": ""} and hash(labels) == hash(Labels([("b", ""), ("a", "1")]))
    assert not hasattr(labels, "__setitem__")


def test_images_podman4_podman5_and_dangling():
    p4 = ImageSummary.from_api(
        {
            "Id": "877542aeebe1",
            "RepoTags": ["localhost/busybox:test"],
            "RepoDigests": ["localhost/busybox@sha256:b93b"],
            "Created": 1795866121,
            "Size": 2131069,
            "Containers": 3,
            "Digest": "sha256:b93b",
        }
    )
    assert (p4.repository, p4.tag, p4.size, p4.containers) == (
        "localhost/busybox",
        "test",
        2131069,
        3,
    )
    assert not p4.dangling and p4.digest == "sha256:b93b" and p4.created.year == 2026
    p5 = ImageSummary.from_api(
        {"Id": "sha256:aa", "RepoTags": None, "Dangling": True, "Arch": "arm64", "Containers": 0}
    )
    assert p5.id == "aa" and p5.dangling and (p5.repository, p5.tag) == ("<none>", "<none>")
    untagged = ImageSummary.from_api({"Id": "bb", "RepoTags": ["<none>:<none>"]})
    assert untagged.dangling and untagged.repo_tags == ()
    compat = ImageSummary.from_api({"Id": "cc", "RepoDigests": ["x@sha256:dd"], "Containers": -1})
    assert compat.digest == "sha256:dd" and compat.containers == 0


def test_an_image_has_one_row_per_name_keyed_by_it():
    image = ImageSummary.from_api(
        {
            "Id": "ee",
            "RepoTags": ["localhost/app:1", "localhost/app:latest", "localhost:5000/team/app:2"],
            "Containers": 2,
        }
    )
    rows = image_rows([image, ImageSummary.from_api({"Id": "ff", "Dangling": True})])
    assert [(r.key, r.repository, r.tag) for r in rows] == [
        ("localhost/app:1", "localhost/app", "1"),
        ("localhost/app:latest", "localhost/app", "latest"),
        ("localhost:5000/team/app:2", "localhost:5000/team/app", "2"),
        ("ff", "<none>", "<none>"),  # a dangling image: once, by its id
    ]
    assert {r.id for r in rows[:3]} == {"ee"}
    assert all(r.repo_tags == image.repo_tags for r in rows[:3])
    assert rows[3].dangling and rows[3].name == ""


def test_split_reference_keeps_registry_ports():
    assert split_reference("localhost:5000/app:1.2") == ("localhost:5000/app", "1.2")
    assert split_reference("localhost:5000/app") == ("localhost:5000/app", "<none>")
    assert split_reference("busybox") == ("busybox", "<none>")


def test_volume():
    v = VolumeSummary.from_api(
        {
            "Name": "vol2",
            "Driver": "local",
            "Mountpoint": "/var/lib/containers/storage/volumes/vol2/_data",
            "CreatedAt": "2026-11-28T11:42:02.860931381Z",
            "Labels": {"a": "b"},
            "Scope": "local",
            "Options": {},
        }
    )
    assert (v.name, v.driver, v.scope, v.label("a")) == ("vol2", "local", "local", "b")
    assert v.created == datetime(2026, 11, 28, 11, 42, 2, 860931, tzinfo=UTC)
    assert VolumeSummary.from_api({"Name": "bare"}).created is None


def test_pod_with_containers():
    p = PodSummary.from_api(
        {
            "Containers": [
                {"Id": "cc94", "Names": "adb801c50db3-infra", "Status": "running"},
                {"Id": "e520", "Names": "c1", "Status": "exited", "RestartCount": 0},
            ],
            "Created": "2026-11-28T11:42:01.841423614Z",
            "Id": "adb8",
            "InfraId": "cc94",
            "Name": "pod1",
            "Networks": ["podman"],
            "Status": "Degraded",
            "Labels": {},
        }
    )
    assert (p.id, p.name, p.status, p.infra_id) == ("adb8", "pod1", "Degraded", "cc94")
    assert p.containers[1] == ("e520", "c1", "exited") and p.containers[1].name == "c1"


def test_networks_ipv6_and_compat():
    n6 = NetworkSummary.from_api(
        {
            "name": "n6",
            "id": "9370",
            "driver": "bridge",
            "created": "2026-11-28T11:42:02.803814466Z",
            "subnets": [
                {"subnet": "fd00:db8::/64", "gateway": "fd00:db8::1"},
                {"subnet": "10.89.0.0/24", "gateway": "10.89.0.1"},
            ],
            "ipv6_enabled": True,
            "internal": False,
            "dns_enabled": True,
        }
    )
    assert n6.subnets == ("fd00:db8::/64", "10.89.0.0/24")
    assert n6.ipv6_enabled and n6.dns_enabled and not n6.internal and n6.created is not None
    compat = NetworkSummary.from_api(
        {
            "Name": "b",
            "Id": "1",
            "Driver": "bridge",
            "EnableIPv6": False,
            "IPAM": {"Config": [{"Subnet": "10.0.0.0/8"}]},
        }
    )
    assert (compat.name, compat.id, compat.subnets) == ("b", "1", ("10.0.0.0/8",))


def test_secret_keeps_no_value():
    raw = {
        "ID": "577be1d2",
        "CreatedAt": "2026-11-28T11:42:02.889557128Z",
        "UpdatedAt": "2026-11-28T11:42:02.889557128Z",
        "Spec": {"Name": "sec1", "Driver": {"Name": "file", "Options": {"path": "/x"}}},
        "SecretData": "s3cret",  # Podman 5 sends it only with showsecret=true; never kept
    }
    s = SecretSummary.from_api(raw)
    assert (s.id, s.name, s.driver) == ("577be1d2", "sec1", "file") and s.created == s.updated
    assert "s3cret" not in repr(s) and not hasattr(s, "__dict__")


def test_system_info():
    info = SystemInfo.from_api(
        {
            "host": {
                "arch": "amd64",
                "cpus": 2,
                "distribution": {"distribution": "debian", "version": "12"},
                "hostname": "vm",
                "kernel": "6.1.0",
                "memTotal": 25276514304,
                "memFree": 100,
                "ociRuntime": {"name": "runc"},
                "os": "linux",
                "remoteSocket": {"path": "unix:///run/podman/podman.sock", "exists": True},
                "security": {"rootless": False},
            },
            "store": {
                "containerStore": {"number": 4, "paused": 0, "running": 3, "stopped": 1},
                "graphRoot": "/var/lib/containers/storage",
                "imageStore": {"number": 2},
            },
            "version": {"APIVersion": "4.3.1", "Version": "4.3.1"},
        }
    )
    assert info.socket_path == "/run/podman/podman.sock" and info.distribution == "debian 12"
    assert (info.containers_total, info.containers_running, info.images) == (4, 3, 2)
    assert (info.podman_version, info.runtime, info.rootless, info.cpus) == (
        "4.3.1",
        "runc",
        False,
        2,
    )
    assert SystemInfo.from_api({}).host == ""


def test_disk_usage_podman4_and_podman5():
    images = [
        {"ImageID": "a", "Size": 100, "UniqueSize": 60, "SharedSize": 40, "Containers": 1},
        {"ImageID": "a", "Size": 100, "UniqueSize": 60, "SharedSize": 40, "Containers": 1},
        {"ImageID": "b", "Size": 50, "UniqueSize": 10, "SharedSize": 40, "Containers": 0},
    ]
    containers = [{"RWSize": 12, "Status": "running"}, {"RWSize": 30, "Status": "exited"}]
    volumes = [
        {"Links": 1, "Size": 7, "ReclaimableSize": 0},
        {"Links": 0, "Size": 3, "ReclaimableSize": 3},
    ]
    d4 = DiskUsage.from_api({"Images": images, "Containers": containers, "Volumes": volumes})
    assert (d4.images_count, d4.images_active, d4.images_size, d4.images_reclaimable) == (
        2,
        1,
        150,
        90,
    )
    assert (d4.containers_size, d4.containers_reclaimable, d4.containers_active) == (42, 30, 1)
    assert (d4.volumes_count, d4.volumes_active, d4.volumes_size, d4.volumes_reclaimable) == (
        2,
        1,
        10,
        3,
    )
    d5 = DiskUsage.from_api({"Images": images, "ImagesSize": 110, "Containers": None})
    assert (d5.images_size, d5.images_reclaimable, d5.containers_count) == (110, 50, 0)
    assert d4.reclaimable == 90 + 30 + 3 and d4.total_size == 150 + 42 + 10


def test_version_from_compat_libpod_and_info_shapes():
    compat = VersionInfo.from_api(
        {
            "Components": [
                {"Name": "Podman Engine", "Version": "4.3.1", "Details": {"APIVersion": "4.3.1"}}
            ],
            "Version": "4.3.1",
            "ApiVersion": "1.41",
            "GoVersion": "go1.19.8",
            "Os": "linux",
            "Arch": "amd64",
        }
    )
    assert compat == VersionInfo("4.3.1", "4.3.1", "linux", "amd64", "go1.19.8")
    assert compat.version_tuple == (4, 3, 1)
    info_part = VersionInfo.from_api(
        {"APIVersion": "5.0.2", "Version": "5.0.2", "OsArch": "linux/arm64"}
    )
    assert (info_part.api_version, info_part.os, info_part.arch) == ("5.0.2", "linux", "arm64")
    assert VersionInfo.from_api({}) == VersionInfo()


def test_parse_time_edge_cases():
    assert parse_time("0001-01-01T00:00:00Z") is None and parse_time(-62135596800) is None
    assert parse_time(0) is None and parse_time(None) is None and parse_time("soon") is None
    assert parse_time("2024-05-06 07:08:09.5 +0000 UTC") == datetime(
        2024, 5, 6, 7, 8, 9, 500000, tzinfo=UTC
    )
    assert parse_time("2024-05-06T07:08:09-02:30") == datetime(2024, 5, 6, 9, 38, 9, tzinfo=UTC)
    assert parse_time(1.5) == datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=UTC)


def test_parse_version():
    assert parse_version("4.3.1") == (4, 3, 1) and parse_version("v5.0.0-dev") == (5, 0, 0)
    assert (
        parse_version("1.41") == (1, 41) and parse_version("") == () and parse_version(None) == ()
    )


def test_a_row_refreshed_from_inspect_takes_the_new_state_in_whole_seconds() -> None:
    from app.engine.dto import ContainerSummary

    row = ContainerSummary.from_api(
        {"Id": "abc", "Names": ["web"], "State": "running", "StartedAt": 1764500000}
    )
    inspect = {
        "Name": "web",
        "State": {
            "Status": "exited",
            "StartedAt": "2025-11-30T10:53:20.123456789Z",
            "FinishedAt": "2025-11-30T10:55:00.987654321Z",
            "ExitCode": 3,
            "Health": {"Status": ""},
        },
    }
    stopped = row.with_inspect(inspect)
    assert stopped.state == "exited" and stopped.exit_code == 3
    assert stopped.started_at == row.started_at  # the list's whole seconds
    assert stopped.exited_at.microsecond == 0 and stopped.exited_at.second == 0
    assert stopped.name == "web" and stopped.health == ""
