"""Plain, immutable records of what Podman lists: containers, images, volumes, pods, ….

Each ``from_api`` reads the libpod list JSON defensively: Podman 4 and 5 (and the
Docker-compatible API) spell some fields differently, and any key may be missing.
The records are hashable, so models can diff old and new lists cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HEALTH_STATES = ("healthy", "unhealthy", "starting")
COMPOSE_PROJECT_LABELS = ("com.docker.compose.project", "io.podman.compose.project")

_TIME = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?"
    r"\s*(Z|[+-]\d\d:?\d\d)?"
)


# -- small parsers -------------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """A UTC datetime from Podman's RFC 3339 strings (nanoseconds) or Unix seconds.

    Go's zero time (year 1, or -62135596800 as Unix seconds) and 0 mean "never".
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return EPOCH + timedelta(seconds=value) if value > 0 else None
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, frac, zone = match.groups()
    if int(year) <= 1:
        return None
    micros = int((frac or "0")[:6].ljust(6, "0"))
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    return (stamp.replace(microsecond=micros, tzinfo=_zone(zone))).astimezone(UTC)


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_version(text: Any) -> tuple[int, ...]:
    """(major, minor, patch) from "4.3.1", "v5.0.0-dev" or "1.41"; () when unreadable."""
    match = re.match(r"^\s*v?(\d+(?:\.\d+)*)", str(text or ""))
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _strs(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,) if values else ()
    if not isinstance(values, Iterable):
        return ()
    return tuple(str(v) for v in values if v is not None and v != "")


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _first(d: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    """The first of ``keys`` that ``d`` holds with a non-empty value (Podman 4/5/compat)."""
    for key in keys:
        value = d.get(key)
        if value not in (None, "", [], {}):
            return value
    return default


class Labels(Mapping[str, str]):
    """Read-only, hashable labels: a dict you can keep in a frozen, hashable record."""

    __slots__ = ("_items", "_hash")

    def __init__(self, items: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None) -> None:
        pairs = items.items() if isinstance(items, Mapping) else (items or ())
        self._items = {str(k): _str(v) for k, v in pairs}
        self._hash: int | None = None

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._items.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"Labels({self._items!r})"


# -- version -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """Who answers: Podman's version and its libpod API version (``/version``)."""

    version: str = ""
    api_version: str = ""  # the libpod API version (4.x+), not the Docker API's 1.4x
    os: str = ""
    arch: str = ""
    go_version: str = ""

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> VersionInfo:
        """Read ``/version`` (compat or libpod) or the ``version`` part of ``/info``."""
        engine = _engine_component(d)
        details = _dict(engine.get("Details"))
        os_arch = _str(d.get("OsArch")).split("/")
        return cls(
            version=_str(_first(d, "Version") or engine.get("Version")),
            api_version=_str(
                _first(details, "APIVersion") or _first(d, "APIVersion", "ApiVersion")
            ),
            os=_str(_first(d, "Os") or details.get("Os") or os_arch[0]),
            arch=_str(_first(d, "Arch") or details.get("Arch") or os_arch[-1]),
            go_version=_str(_first(d, "GoVersion") or details.get("GoVersion")),
        )

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return parse_version(self.version)

    @property
    def api_version_tuple(self) -> tuple[int, ...]:
        return parse_version(self.api_version)


def _engine_component(d: Mapping[str, Any]) -> Mapping[str, Any]:
    for component in d.get("Components") or ():
        if isinstance(component, Mapping) and component.get("Name") == "Podman Engine":
            return component
    return {}


# -- containers --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortMapping:
    """One published port; ``count`` > 1 is a range (host_port..host_port+count-1)."""

    host_ip: str
    host_port: int
    container_port: int
    protocol: str = "tcp"
    count: int = 1

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> PortMapping:
        """Read libpod's ``host_port`` style or the Docker API's ``PublicPort`` style."""
        return cls(
            host_ip=_str(_first(d, "host_ip", "IP")),
            host_port=_int(_first(d, "host_port", "PublicPort")),
            container_port=_int(_first(d, "container_port", "PrivatePort")),
            protocol=_str(_first(d, "protocol", "Type", default="tcp")).lower(),
            count=max(1, _int(d.get("range"), 1)),
        )

    def __str__(self) -> str:
        host = f"{self.host_ip or '0.0.0.0'}:{self.host_port}"
        return f"{host}->{self.container_port}/{self.protocol}"


@dataclass(frozen=True, slots=True)
class ContainerSummary:
    """One row of the container list (``/libpod/containers/json?all=true``)."""

    id: str
    name: str
    image: str = ""
    image_id: str = ""
    state: str = ""  # running, exited, created, paused, stopped, …
    status: str = ""  # human text when the API gives one ("Up 5 minutes"); often empty
    created: datetime = EPOCH
    started_at: datetime | None = None
    exited_at: datetime | None = None
    exit_code: int = 0
    ports: tuple[PortMapping, ...] = ()
    labels: Labels = field(default_factory=Labels)
    pod_id: str = ""
    pod_name: str = ""
    health: str = ""  # "" | healthy | unhealthy | starting
    command: str = ""
    networks: tuple[str, ...] = ()
    mounts: tuple[str, ...] = ()  # destinations inside the container
    is_infra: bool = False  # a pod's infra container

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> ContainerSummary:
        """Read one libpod (Podman 4 or 5) or Docker-compatible list entry."""
        raw_status = _str(d.get("Status"))
        return cls(
            id=_str(_first(d, "Id", "ID")),
            name=_container_name(d),
            image=_str(d.get("Image")),
            image_id=_strip_digest_prefix(_str(d.get("ImageID"))),
            state=_str(d.get("State")).lower(),
            status="" if raw_status.lower() in HEALTH_STATES else raw_status,
            created=parse_time(d.get("Created")) or EPOCH,
            started_at=parse_time(d.get("StartedAt")),
            exited_at=parse_time(d.get("ExitedAt")),
            exit_code=_int(d.get("ExitCode")),
            ports=tuple(PortMapping.from_api(p) for p in d.get("Ports") or () if _dict(p)),
            labels=Labels(_dict(d.get("Labels"))),
            pod_id=_str(d.get("Pod")),
            pod_name=_str(d.get("PodName")),
            health=_health(raw_status),
            command=_command(d.get("Command")),
            networks=_networks(d.get("Networks")),
            mounts=_mounts(d.get("Mounts")),
            is_infra=bool(d.get("IsInfra")),
        )

    def with_inspect(self, d: Mapping[str, Any]) -> ContainerSummary:
        """This row with what a lifecycle event changes (state, times, exit code,
        health, name) read from the container's inspect answer.

        One inspect costs ~1 ms where a list filtered by id costs ~100 ms on a store of
        1,000 containers (Podman reads them all to filter; docs/podman-notes.md, "Events
        are hints"). Times are cut to whole seconds, as the list gives them, so the next
        full listing finds the row unchanged.
        """
        state = _dict(d.get("State"))
        health = _dict(state.get("Health") or state.get("Healthcheck"))
        return replace(
            self,
            name=_str(d.get("Name")).lstrip("/") or self.name,
            state=_str(state.get("Status")).lower() or self.state,
            started_at=_whole_seconds(parse_time(state.get("StartedAt"))),
            exited_at=_whole_seconds(parse_time(state.get("FinishedAt"))),
            exit_code=_int(state.get("ExitCode")),
            health=_str(health.get("Status")).lower() if health else "",
        )

    def label(self, key: str, default: str = "") -> str:
        return self.labels.get(key, default)

    @property
    def compose_project(self) -> str:
        """The compose project this container belongs to ("" when none)."""
        return next((self.labels[k] for k in COMPOSE_PROJECT_LABELS if self.labels.get(k)), "")


def _whole_seconds(moment: datetime | None) -> datetime | None:
    return moment.replace(microsecond=0) if moment is not None else None


def _container_name(d: Mapping[str, Any]) -> str:
    names = _strs(d.get("Names"))
    name = names[0] if names else _str(d.get("Name"))
    return name.lstrip("/")  # the Docker API prefixes names with "/"


def _health(status: str) -> str:
    """Health from libpod's Status (the bare health word) or a Docker "Up 1m (healthy)"."""
    lowered = status.lower().strip()
    if lowered in HEALTH_STATES:
        return lowered
    match = re.search(r"\((healthy|unhealthy|health: starting|starting)\)", lowered)
    return match.group(1).replace("health: ", "") if match else ""


def _command(value: Any) -> str:
    if isinstance(value, str):
        return value
    return " ".join(_strs(value))


def _networks(value: Any) -> tuple[str, ...]:
    if isinstance(value, Mapping):  # the Docker API: NetworkSettings-style {name: {...}}
        return tuple(str(k) for k in value)
    return _strs(value)


def _mounts(value: Any) -> tuple[str, ...]:
    """Mount destinations: Podman 4 lists strings, Podman 5 and Docker list mount objects."""
    result = []
    for mount in value or ():
        if isinstance(mount, Mapping):
            dest = _first(mount, "Destination", "destination", "Target")
            if dest:
                result.append(str(dest))
        elif mount:
            result.append(str(mount))
    return tuple(result)


def _strip_digest_prefix(image_id: str) -> str:
    return image_id.removeprefix("sha256:")


# -- images ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImageSummary:
    """One image of the image list (``/libpod/images/json``), as named by one of its
    names: ``image_rows`` gives one record per name, as `podman images` lists them."""

    id: str
    repo_tags: tuple[str, ...] = ()  # every name of the image
    repository: str = "<none>"  # of ``name``
    tag: str = "<none>"  # of ``name``
    size: int = 0
    created: datetime = EPOCH
    containers: int = 0
    dangling: bool = False
    digest: str = ""
    labels: Labels = field(default_factory=Labels)
    name: str = ""  # the name this record stands for, one of repo_tags ("" if none)

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> ImageSummary:
        """Read one libpod (Podman 4 or 5) or Docker-compatible list entry."""
        tags = tuple(dict.fromkeys(t for t in _strs(d.get("RepoTags")) if t != "<none>:<none>"))
        repository, tag = split_reference(tags[0]) if tags else ("<none>", "<none>")
        dangling = d.get("Dangling")
        return cls(
            id=_strip_digest_prefix(_str(_first(d, "Id", "ID"))),
            repo_tags=tags,
            repository=repository,
            tag=tag,
            size=_int(_first(d, "Size", "VirtualSize")),
            created=parse_time(d.get("Created")) or EPOCH,
            containers=max(0, _int(d.get("Containers"))),
            dangling=bool(dangling) if isinstance(dangling, bool) else not tags,
            digest=_str(d.get("Digest")) or _digest_of(_strs(d.get("RepoDigests"))),
            labels=Labels(_dict(d.get("Labels"))),
            name=tags[0] if tags else "",
        )

    @property
    def key(self) -> str:
        """The list's key: the name (one name is on one image at a time), else the id.
        A name that moves to a rebuilt image keeps its row; the old image, now without
        a name, gets a row of its own."""
        return self.name or self.id

    def label(self, key: str, default: str = "") -> str:
        return self.labels.get(key, default)


def image_rows(images: Iterable[ImageSummary]) -> list[ImageSummary]:
    """One record per name of each image, as `podman images` lists them; an image
    without a name (dangling) once."""
    rows = []
    for image in images:
        if not image.repo_tags:
            rows.append(image)
            continue
        for name in image.repo_tags:
            repository, tag = split_reference(name)
            rows.append(replace(image, name=name, repository=repository, tag=tag))
    return rows


def split_reference(reference: str) -> tuple[str, str]:
    """("localhost/busybox", "test") from "localhost/busybox:test"; a port is no tag."""
    name, sep, tag = reference.rpartition(":")
    if not sep or "/" in tag:
        return reference, "<none>"
    return name, tag


def _digest_of(repo_digests: tuple[str, ...]) -> str:
    return repo_digests[0].partition("@")[2] if repo_digests else ""


# -- volumes, pods, networks, secrets ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class VolumeSummary:
    """One row of the volume list (``/libpod/volumes/json``)."""

    name: str
    driver: str = "local"
    mountpoint: str = ""
    created: datetime | None = None
    labels: Labels = field(default_factory=Labels)
    scope: str = "local"

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> VolumeSummary:
        return cls(
            name=_str(d.get("Name")),
            driver=_str(_first(d, "Driver", default="local")),
            mountpoint=_str(d.get("Mountpoint")),
            created=parse_time(d.get("CreatedAt")),
            labels=Labels(_dict(d.get("Labels"))),
            scope=_str(_first(d, "Scope", default="local")),
        )

    def label(self, key: str, default: str = "") -> str:
        return self.labels.get(key, default)


class PodContainer(NamedTuple):
    """A container as the pod list names it: (id, name, status)."""

    id: str
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class PodSummary:
    """One row of the pod list (``/libpod/pods/json``)."""

    id: str
    name: str
    status: str = ""  # Running, Degraded, Exited, Created, Stopped, Paused, Dead
    created: datetime = EPOCH
    infra_id: str = ""
    containers: tuple[PodContainer, ...] = ()
    labels: Labels = field(default_factory=Labels)

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> PodSummary:
        return cls(
            id=_str(_first(d, "Id", "ID")),
            name=_str(d.get("Name")),
            status=_str(d.get("Status")),
            created=parse_time(d.get("Created")) or EPOCH,
            infra_id=_str(_first(d, "InfraId", "InfraContainerID")),
            containers=tuple(_pod_container(c) for c in d.get("Containers") or () if _dict(c)),
            labels=Labels(_dict(d.get("Labels"))),
        )


def _pod_container(d: Mapping[str, Any]) -> PodContainer:
    names = d.get("Names")
    name = names if isinstance(names, str) else ",".join(_strs(names))
    return PodContainer(_str(_first(d, "Id", "ID")), name, _str(d.get("Status")).lower())


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    """One row of the network list (``/libpod/networks/json``)."""

    id: str
    name: str
    driver: str = "bridge"
    subnets: tuple[str, ...] = ()  # CIDRs, IPv4 and IPv6
    ipv6_enabled: bool = False
    dns_enabled: bool = False
    internal: bool = False
    created: datetime | None = None
    labels: Labels = field(default_factory=Labels)

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> NetworkSummary:
        """Read libpod's lower-case network JSON, or the Docker API's (IPAM.Config)."""
        return cls(
            id=_str(_first(d, "id", "Id", "ID")),
            name=_str(_first(d, "name", "Name")),
            driver=_str(_first(d, "driver", "Driver", default="bridge")),
            subnets=_subnets(d),
            ipv6_enabled=bool(_first(d, "ipv6_enabled", "EnableIPv6", default=False)),
            dns_enabled=bool(d.get("dns_enabled", False)),
            internal=bool(_first(d, "internal", "Internal", default=False)),
            created=parse_time(_first(d, "created", "Created")),
            labels=Labels(_dict(_first(d, "labels", "Labels"))),
        )

    def label(self, key: str, default: str = "") -> str:
        return self.labels.get(key, default)


def _subnets(d: Mapping[str, Any]) -> tuple[str, ...]:
    entries = d.get("subnets") or _dict(d.get("IPAM")).get("Config") or ()
    cidrs = (_first(_dict(e), "subnet", "Subnet") for e in entries)
    return tuple(str(c) for c in cidrs if c)


@dataclass(frozen=True, slots=True)
class SecretSummary:
    """A secret's metadata. The value is never read, kept or shown."""

    id: str
    name: str
    driver: str = ""
    created: datetime | None = None
    updated: datetime | None = None

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> SecretSummary:
        spec = _dict(d.get("Spec"))
        driver = spec.get("Driver")
        return cls(
            id=_str(_first(d, "ID", "Id")),
            name=_str(_first(spec, "Name") or d.get("Name")),
            driver=_str(_dict(driver).get("Name") if isinstance(driver, Mapping) else driver),
            created=parse_time(d.get("CreatedAt")),
            updated=parse_time(d.get("UpdatedAt")),
        )


# -- system ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """The service's host and store, from ``/libpod/info``.

    For a machine or remote host these describe the far side (its kernel, its socket).
    """

    host: str = ""  # hostname
    os: str = ""
    arch: str = ""
    kernel: str = ""
    distribution: str = ""
    cpus: int = 0
    memory_total: int = 0
    memory_free: int = 0
    rootless: bool = False
    socket_path: str = ""
    containers_running: int = 0
    containers_paused: int = 0
    containers_stopped: int = 0
    containers_total: int = 0
    images: int = 0
    podman_version: str = ""
    api_version: str = ""
    graph_root: str = ""
    runtime: str = ""
    # Added for the System page (every field optional: any key may be missing).
    storage_driver: str = ""
    run_root: str = ""
    volume_path: str = ""
    config_file: str = ""
    graph_root_allocated: int = 0
    graph_root_used: int = 0
    runtime_version: str = ""
    conmon_version: str = ""
    network_backend: str = ""  # netavark or cni
    cgroup_version: str = ""  # v1 or v2
    cgroup_manager: str = ""  # systemd or cgroupfs
    log_driver: str = ""
    events_logger: str = ""
    registries: tuple[str, ...] = ()  # searched for short names, in order
    go_version: str = ""
    buildah_version: str = ""
    uptime: str = ""

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> SystemInfo:
        host, store, version = _dict(d.get("host")), _dict(d.get("store")), _dict(d.get("version"))
        ctrs = _dict(store.get("containerStore"))
        dist = _dict(host.get("distribution"))
        return cls(
            host=_str(host.get("hostname")),
            os=_str(host.get("os")),
            arch=_str(host.get("arch")),
            kernel=_str(host.get("kernel")),
            distribution=" ".join(_strs((dist.get("distribution"), dist.get("version")))),
            cpus=_int(host.get("cpus")),
            memory_total=_int(host.get("memTotal")),
            memory_free=_int(host.get("memFree")),
            rootless=bool(_dict(host.get("security")).get("rootless", False)),
            socket_path=_socket_path(_dict(host.get("remoteSocket")).get("path")),
            containers_running=_int(ctrs.get("running")),
            containers_paused=_int(ctrs.get("paused")),
            containers_stopped=_int(ctrs.get("stopped")),
            containers_total=_int(ctrs.get("number")),
            images=_int(_dict(store.get("imageStore")).get("number")),
            podman_version=_str(version.get("Version")),
            api_version=_str(version.get("APIVersion")),
            graph_root=_str(store.get("graphRoot")),
            runtime=_str(_dict(host.get("ociRuntime")).get("name")),
            storage_driver=_str(store.get("graphDriverName")),
            run_root=_str(store.get("runRoot")),
            volume_path=_str(store.get("volumePath")),
            config_file=_str(store.get("configFile")),
            graph_root_allocated=_int(store.get("graphRootAllocated")),
            graph_root_used=_int(store.get("graphRootUsed")),
            runtime_version=_first_line(_dict(host.get("ociRuntime")).get("version")),
            conmon_version=_first_line(_dict(host.get("conmon")).get("version")),
            network_backend=_str(host.get("networkBackend")),
            cgroup_version=_str(host.get("cgroupVersion")),
            cgroup_manager=_str(host.get("cgroupManager")),
            log_driver=_str(host.get("logDriver")),
            events_logger=_str(host.get("eventLogger")),
            registries=_strs(_dict(d.get("registries")).get("search")),
            go_version=_str(version.get("GoVersion")),
            buildah_version=_str(host.get("buildahVersion")),
            uptime=_str(host.get("uptime")),
        )


def _first_line(value: Any) -> str:
    return _str(value).strip().partition("\n")[0]


def _socket_path(uri: Any) -> str:
    return _str(uri).removeprefix("unix://")


@dataclass(frozen=True, slots=True)
class DiskUsage:
    """Space used and reclaimable, from ``/libpod/system/df``, summed like ``podman system df``.

    Image sizes: Podman 5 reports the sum of all layers (``ImagesSize``); Podman 4 does
    not, so there each image's full size is summed, counting shared layers once per image.
    """

    images_count: int = 0
    images_active: int = 0
    images_size: int = 0
    images_reclaimable: int = 0
    containers_count: int = 0
    containers_active: int = 0
    containers_size: int = 0
    containers_reclaimable: int = 0
    volumes_count: int = 0
    volumes_active: int = 0
    volumes_size: int = 0
    volumes_reclaimable: int = 0
    # Added for the clean-up: each object df reports, with what removing it frees.
    image_items: tuple[ImageUsage, ...] = ()
    container_items: tuple[ContainerUsage, ...] = ()
    volume_items: tuple[VolumeUsage, ...] = ()

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> DiskUsage:
        images = _unique_images(d.get("Images") or ())
        containers = [c for c in d.get("Containers") or () if isinstance(c, Mapping)]
        volumes = [v for v in d.get("Volumes") or () if isinstance(v, Mapping)]
        images_size = _int(d.get("ImagesSize")) or sum(_int(i.get("Size")) for i in images)
        used = sum(_int(i.get("UniqueSize")) for i in images if _int(i.get("Containers")) > 0)
        stopped = [c for c in containers if _str(c.get("Status")).lower() != "running"]
        return cls(
            images_count=len(images),
            images_active=sum(1 for i in images if _int(i.get("Containers")) > 0),
            images_size=images_size,
            images_reclaimable=max(0, images_size - used),
            containers_count=len(containers),
            containers_active=len(containers) - len(stopped),
            containers_size=sum(_int(c.get("RWSize")) for c in containers),
            containers_reclaimable=sum(_int(c.get("RWSize")) for c in stopped),
            volumes_count=len(volumes),
            volumes_active=sum(1 for v in volumes if _int(v.get("Links")) > 0),
            volumes_size=sum(_int(v.get("Size")) for v in volumes),
            volumes_reclaimable=sum(_int(v.get("ReclaimableSize")) for v in volumes),
            image_items=_image_usages(d.get("Images") or ()),
            container_items=tuple(ContainerUsage.from_api(c) for c in containers),
            volume_items=tuple(VolumeUsage.from_api(v) for v in volumes),
        )

    @property
    def total_size(self) -> int:
        return self.images_size + self.containers_size + self.volumes_size

    @property
    def reclaimable(self) -> int:
        return self.images_reclaimable + self.containers_reclaimable + self.volumes_reclaimable


@dataclass(frozen=True, slots=True)
class ImageUsage:
    """One image as ``system df`` reports it; ``names`` gathers its tags (df lists an
    image once per tag). Removing it frees ``unique_size``: layers it shares stay."""

    id: str
    names: tuple[str, ...] = ()
    size: int = 0
    unique_size: int = 0
    containers: int = 0  # how many containers use it
    created: datetime | None = None


def _image_usages(entries: Iterable[Any]) -> tuple[ImageUsage, ...]:
    found: dict[str, ImageUsage] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        image_id = _str(_first(entry, "ImageID", "Id"))
        repo, tag = _str(entry.get("Repository")), _str(entry.get("Tag"))
        name = f"{repo}:{tag}" if repo and repo != "<none>" else ""
        known = found.get(image_id)
        if known is not None:
            if name and name not in known.names:
                found[image_id] = replace(known, names=(*known.names, name))
            continue
        found[image_id] = ImageUsage(
            id=image_id,
            names=(name,) if name else (),
            size=_int(entry.get("Size")),
            unique_size=_int(entry.get("UniqueSize")),
            containers=_int(entry.get("Containers")),
            created=parse_time(entry.get("Created")),
        )
    return tuple(found.values())


@dataclass(frozen=True, slots=True)
class ContainerUsage:
    """One container as ``system df`` reports it; ``rw_size`` is its own writes."""

    id: str
    name: str = ""
    status: str = ""
    rw_size: int = 0
    size: int = 0

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> ContainerUsage:
        names = d.get("Names")
        return cls(
            id=_str(_first(d, "ContainerID", "Id")),
            name=names if isinstance(names, str) else ",".join(_strs(names)),
            status=_str(d.get("Status")).lower(),
            rw_size=_int(d.get("RWSize")),
            size=_int(d.get("Size")),
        )


@dataclass(frozen=True, slots=True)
class VolumeUsage:
    """One volume as ``system df`` reports it: its size, and how many containers use it."""

    name: str
    links: int = 0
    size: int = 0
    reclaimable: int = 0

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> VolumeUsage:
        return cls(
            name=_str(_first(d, "VolumeName", "Name")),
            links=_int(d.get("Links")),
            size=_int(d.get("Size")),
            reclaimable=_int(d.get("ReclaimableSize")),
        )


def _unique_images(entries: Iterable[Any]) -> list[Mapping[str, Any]]:
    """One entry per image ID: df lists an image once per tag."""
    seen: dict[str, Mapping[str, Any]] = {}
    for entry in entries:
        if isinstance(entry, Mapping):
            seen.setdefault(_str(_first(entry, "ImageID", "Id")), entry)
    return list(seen.values())


@dataclass(frozen=True)
class ProcessTable:
    """A container's processes, as ``podman top`` lists them: column titles and rows."""

    titles: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @classmethod
    def from_api(cls, data: Any) -> ProcessTable:
        data = data if isinstance(data, dict) else {}
        titles = tuple(str(t) for t in data.get("Titles") or ())
        rows = tuple(tuple(str(c) for c in row) for row in data.get("Processes") or ())
        return cls(titles, rows)


@dataclass(frozen=True, slots=True)
class PullProgress:
    """One step of a pull (or push): a layer's status with its bytes when the endpoint
    counts them, or a line of text (libpod's pull stream sends text only)."""

    status: str
    layer: str = ""
    current: int | None = None
    total: int | None = None

    @classmethod
    def from_api(cls, record: Mapping[str, Any]) -> PullProgress | None:
        text = record.get("stream")
        if isinstance(text, str):
            text = text.strip()
            return cls(text) if text else None
        status = record.get("status")
        if not isinstance(status, str) or not status:
            return None
        detail = record.get("progressDetail") or {}
        current = detail.get("current") if isinstance(detail, Mapping) else None
        total = detail.get("total") if isinstance(detail, Mapping) else None
        return cls(
            status.strip(),
            str(record.get("id") or ""),
            current if isinstance(current, int) else None,
            total if isinstance(total, int) and total > 0 else None,
        )


# -- volumes and secrets in detail ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VolumeDetails:
    """What ``podman volume inspect`` says of a volume, with its users and size.

    ``size`` is None when Podman does not report one (``system df`` measures only
    volumes it can read).
    """

    name: str
    driver: str = "local"
    mountpoint: str = ""
    created: datetime | None = None
    labels: Labels = field(default_factory=Labels)
    options: Labels = field(default_factory=Labels)
    scope: str = "local"
    users: tuple[str, ...] = ()  # names of the containers mounting it
    size: int | None = None

    @classmethod
    def from_api(
        cls, d: Mapping[str, Any], users: Iterable[str] = (), size: int | None = None
    ) -> VolumeDetails:
        return cls(
            name=_str(d.get("Name")),
            driver=_str(_first(d, "Driver", default="local")),
            mountpoint=_str(d.get("Mountpoint")),
            created=parse_time(d.get("CreatedAt")),
            labels=Labels(_dict(d.get("Labels"))),
            options=Labels(_dict(d.get("Options"))),
            scope=_str(_first(d, "Scope", default="local")),
            users=tuple(users),
            size=size,
        )


@dataclass(frozen=True, slots=True)
class SecretDetails:
    """A secret's metadata and the containers using it; never its value."""

    summary: SecretSummary
    users: tuple[str, ...] = ()
    driver_options: Labels = field(default_factory=Labels)
    labels: Labels = field(default_factory=Labels)

    @classmethod
    def from_api(cls, d: Mapping[str, Any], users: Iterable[str] = ()) -> SecretDetails:
        spec = _dict(d.get("Spec"))
        driver = spec.get("Driver")
        options = _dict(driver).get("Options") if isinstance(driver, Mapping) else None
        return cls(
            summary=SecretSummary.from_api(d),
            users=tuple(users),
            driver_options=Labels(_dict(options)),
            labels=Labels(_dict(spec.get("Labels"))),
        )


@dataclass(frozen=True, slots=True)
class TransferProgress:
    """Bytes moved so far by a copy (a volume's export or import); ``total`` is None
    when the size is not known beforehand."""

    done: int
    total: int | None = None
    text: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))
