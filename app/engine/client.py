"""The engine's client facade: blocking calls to one Podman service, in plain typed data.

It wraps podman-py (over the app's own transport, see podman_adapter) and answers in
app.engine.dto records and app.engine.errors exceptions, so callers never see
podman-py, requests or HTTP. Calls block: the app runs them off the GUI thread.

The version check and the lists a connection starts with are plain HTTP (http_api):
podman-py, requests and urllib3 (~80 ms to import here) are loaded on the first call
that needs them, after the first window is painted, not at start.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from app.engine.dto import (
    ContainerSummary,
    DiskUsage,
    ImageSummary,
    NetworkSummary,
    PodSummary,
    SecretSummary,
    SystemInfo,
    VersionInfo,
    VolumeSummary,
    image_rows,
    parse_version,
)
from app.engine.endpoint import Endpoint
from app.engine.errors import ConnectionLost, NotFound, NotPodman, PodmanError, PodmanTooOld
from app.engine.http_api import LIBPOD_PREFIX, ping_headers, request

if TYPE_CHECKING:
    from podman import PodmanClient

MINIMUM_PODMAN = (4, 0)
# The Docker-compatible API version podman-py speaks (its ``compatible`` paths), for the
# compatible calls sent here as plain HTTP.
COMPATIBLE_PREFIX = "/v1.40"
# Up to this many known containers an event names are refreshed one inspect each; more
# (a burst: `podman stop -a`) cost less as one filtered list.
INSPECT_AT_MOST = 20


def check_version(info: VersionInfo, minimum: tuple[int, ...] = MINIMUM_PODMAN) -> None:
    """Raise PodmanTooOld when the service's libpod API is older than ``minimum`` or unreadable.

    The libpod API version decides (it follows Podman's own version from 4.0 on); a
    service that gives none is judged by its version, so a Docker engine (API 1.4x) or
    Podman 3 is refused with what was found.
    """
    found = info.api_version_tuple or info.version_tuple
    if found and (found + (0,) * len(minimum))[: len(minimum)] >= tuple(minimum):
        return
    raise PodmanTooOld(_describe_found(info), ".".join(str(n) for n in minimum))


def _describe_found(info: VersionInfo) -> str:
    if not info.version and not info.api_version:
        return "with no readable version"
    if not parse_version(info.api_version) and not parse_version(info.version):
        return f"with an unreadable version ({info.version or info.api_version!r})"
    if info.api_version and info.api_version != info.version:
        return f"{info.version or 'unknown'} (API {info.api_version})"
    return info.version or info.api_version


class Client:
    """Blocking calls to one Podman service at one local endpoint (unix, npipe or tcp).

    Safe to share between worker threads: the connection pool is. Every failure is an
    app.engine.errors exception carrying Podman's own message.
    """

    def __init__(self, endpoint: Endpoint | str, timeout: float = 30.0) -> None:
        # Endpoint.parse refuses ssh://: remote services are reached through the app's proxy.
        self.endpoint = endpoint if isinstance(endpoint, Endpoint) else Endpoint.parse(endpoint)
        self.timeout = timeout
        self._made: PodmanClient | None = None
        self._making = threading.Lock()

    @property
    def podman(self) -> PodmanClient:
        """The podman-py client underneath, for the few calls this facade does not wrap.

        Made on first use (see the module's docstring). Wrap its calls in
        ``translated_errors(client.endpoint)`` to get engine errors.
        """
        with self._making:
            if self._made is None:
                from app.engine.podman_adapter import make_podman_client

                self._made = make_podman_client(self.endpoint, self.timeout)
            return self._made

    def close(self) -> None:
        """Close pooled connections; the client must not be used afterwards."""
        with self._making:
            made = self._made
        if made is not None:
            made.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.endpoint.uri!r})"

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from app.engine.podman_adapter import translated_errors

        with translated_errors(self.endpoint):
            return fn(*args, **kwargs)

    def _list(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The objects of a libpod list: the request podman-py's ``list()`` sends, as
        plain HTTP."""
        answer = self._get_json(path, params=params)
        return [item for item in answer or () if isinstance(item, dict)]

    # -- service -------------------------------------------------------------------------

    def version(self) -> VersionInfo:
        """What answers at the endpoint, from the Docker-compatible ``/version``.

        The compatible path exists on every Podman and Docker, so an old or foreign
        service is identified instead of failing with "not found".
        """
        return VersionInfo.from_api(self._get_json("/version", compatible=True))

    def connect_check(self) -> VersionInfo:
        """version() plus check_version(): raises PodmanTooOld below Podman 4.0, and
        NotPodman when something else answers at the address."""
        try:
            info = self.version()
        except NotFound as exc:  # every Podman serves /version: this is some other server
            raise NotPodman(
                f"Something answered at {self.endpoint}, but not the Podman API "
                f"(HTTP {exc.status} for /version)."
            ) from exc
        check_version(info)
        return info

    def quick_check(self) -> VersionInfo:
        """connect_check() from ``/_ping``'s headers when they name a libpod API version.

        ``/version`` costs Podman as much as listing every container (~1 s on a store
        of 1,000 here: it gathers ``/info``), and at connect it runs beside the first
        list on the same CPUs; ``/_ping`` costs ~1 ms. The record has the version and
        API version only (no arch, no Go version). A service whose ping names no libpod
        API (a Docker engine, an old Podman) gets the full check, so a refusal says
        what was found as before.
        """
        try:
            headers = ping_headers(self.endpoint, self.timeout)
        except ConnectionLost:
            raise
        except PodmanError:
            headers = {}  # a ping refused: the full check says what answers
        api = headers.get("libpod-api-version", "")
        if not parse_version(api):
            return self.connect_check()
        # "Libpod/4.3.1 (linux)"; the libpod API version follows Podman's from 4.0 on.
        server = headers.get("server", "")
        name, _, rest = server.partition("/")
        version, _, os_part = rest.partition(" ")
        if name.lower() != "libpod" or not parse_version(version):
            version = api
        info = VersionInfo(version=version, api_version=api, os=os_part.strip("() "))
        check_version(info)
        return info

    def ping(self) -> bool:
        """Whether the service answers ``/_ping`` (False, not an error, when unreachable)."""
        try:
            return bool(self._call(self.podman.ping))
        except ConnectionLost:
            return False

    def info(self) -> SystemInfo:
        return SystemInfo.from_api(self._call(self.podman.info))

    def df(self) -> DiskUsage:
        return DiskUsage.from_api(self._call(self.podman.df))

    def _get_json(
        self, path: str, compatible: bool = False, params: dict[str, Any] | None = None
    ) -> Any:
        """GET a libpod path (or a Docker-compatible one): the decoded JSON answer."""
        prefix = COMPATIBLE_PREFIX if compatible else LIBPOD_PREFIX
        return request(self.endpoint, "GET", f"{prefix}{path}", params=params, timeout=self.timeout)

    # -- containers ----------------------------------------------------------------------

    def containers(self, all: bool = True) -> list[ContainerSummary]:
        """Every container (or only running ones), pods' infra containers included."""
        found = self._list("/containers/json", {"all": all})
        return [ContainerSummary.from_api(c) for c in found]

    def containers_by_id(
        self, ids: Iterable[str], known: Mapping[str, ContainerSummary] | None = None
    ) -> list[ContainerSummary]:
        """Only the containers with these ids (those that still exist).

        A container already ``known`` (its row from the last listing) is refreshed by
        its inspect answer (~1 ms each); the others come from one list filtered by id
        (~100 ms on a store of 1,000: Podman reads them all to filter), sent as plain
        HTTP because podman-py 5.4's list drops ``filters`` (docs/podman-notes.md,
        "Events are hints").
        """
        ids, known = set(ids), known or {}
        found: list[ContainerSummary] = []
        rest = {i for i in ids if i not in known}
        if len(ids) > INSPECT_AT_MOST:
            rest = ids
        for cid in ids - rest:
            try:
                answer = request(self.endpoint, "GET", f"{LIBPOD_PREFIX}/containers/{cid}/json")
            except NotFound:
                continue  # gone: the caller drops its row
            found.append(known[cid].with_inspect(answer or {}))
        if rest:
            found += [ContainerSummary.from_api(c) for c in self._filtered("containers", rest)]
        return found

    def _filtered(self, kind: str, ids: Iterable[str], **params: Any) -> list[dict[str, Any]]:
        filters = {"id": sorted(set(ids))}
        if kind == "containers":
            params["all"] = True
        answer = request(
            self.endpoint,
            "GET",
            f"{LIBPOD_PREFIX}/{kind}/json",
            params={**params, "filters": filters},
        )
        return [item for item in answer or () if isinstance(item, dict)]

    def inspect_container(self, id_or_name: str) -> dict[str, Any]:
        """The raw inspect JSON (``podman container inspect``)."""
        return dict(self._call(self.podman.containers.get, id_or_name).attrs)

    def create_container(self, spec: dict[str, Any]) -> str:
        """Create a container from a libpod SpecGenerator body; returns its id.

        The body is sent as it is (app/engine/container_spec.py builds it), because
        podman-py's create() renames and drops fields a run dialog needs.
        """
        answer = request(self.endpoint, "POST", f"{LIBPOD_PREFIX}/containers/create", body=spec)
        return str((answer or {}).get("Id") or "")

    def _container(self, id_or_name: str) -> Any:
        # A model on the id alone: podman-py's get() would cost an inspect per action.
        return self.podman.containers.prepare_model({"Id": id_or_name})

    def start_container(self, id_or_name: str) -> None:
        self._call(self._container(id_or_name).start)

    def stop_container(self, id_or_name: str, timeout: int | None = None) -> None:
        """Stop, killing after ``timeout`` seconds (None: the container's own stop timeout).

        Stopping a stopped container is not an error.
        """
        # ignore=True: podman-py otherwise fails decoding Podman's empty 304 answer.
        self._call(self._container(id_or_name).stop, timeout=timeout, ignore=True)

    def restart_container(self, id_or_name: str, timeout: int | None = None) -> None:
        self._call(self._container(id_or_name).restart, timeout=timeout)

    def pause_container(self, id_or_name: str) -> None:
        self._call(self._container(id_or_name).pause)

    def unpause_container(self, id_or_name: str) -> None:
        self._call(self._container(id_or_name).unpause)

    def kill_container(self, id_or_name: str, signal: str = "SIGKILL") -> None:
        self._call(self._container(id_or_name).kill, signal=signal)

    def remove_container(self, id_or_name: str, force: bool = False, volumes: bool = False) -> None:
        """Remove; without ``force`` a running container is refused (Conflict)."""
        self._call(self.podman.containers.remove, id_or_name, force=force, v=volumes)

    # -- images --------------------------------------------------------------------------

    def images(self) -> list[ImageSummary]:
        """One record per image name, as `podman images` lists them (``key`` tells
        them apart); an image without a name once."""
        try:
            found = self._list("/images/json")
        except NotFound:
            found = []  # as podman-py's list: an API without the path has no images
        return image_rows(ImageSummary.from_api(i) for i in found)

    def images_by_id(self, ids: Iterable[str]) -> list[ImageSummary]:
        """The name rows of only the images with these (full) ids."""
        return image_rows(ImageSummary.from_api(i) for i in self._filtered("images", ids))

    def inspect_image(self, id_or_name: str) -> dict[str, Any]:
        return dict(self._call(self.podman.images.get, id_or_name).attrs)

    def remove_image(self, id_or_name: str, force: bool = False) -> None:
        """Remove (or untag, for one of several names); an image in use is refused (InUse)."""
        self._call(self.podman.images.remove, id_or_name, force=force)

    def prune_images(self, dangling_only: bool = True) -> list[str]:
        """Remove unused images (only untagged ones by default); returns the removed ids."""
        report = self._call(self.podman.images.prune, all=not dangling_only)
        return [str(entry.get("Deleted")) for entry in report.get("ImagesDeleted") or ()]

    # -- volumes -------------------------------------------------------------------------

    def volumes(self) -> list[VolumeSummary]:
        try:
            found = self._list("/volumes/json")
        except NotFound:
            found = []  # as podman-py's list
        return [VolumeSummary.from_api(v) for v in found]

    def inspect_volume(self, name: str) -> dict[str, Any]:
        return dict(self._call(self.podman.volumes.get, name).attrs)

    def remove_volume(self, name: str, force: bool = False) -> None:
        """Remove; a volume in use is refused (InUse) unless ``force`` (which removes its users)."""
        self._call(self.podman.volumes.remove, name, force=force)

    # -- pods ----------------------------------------------------------------------------

    def pods(self) -> list[PodSummary]:
        return [PodSummary.from_api(p) for p in self._list("/pods/json")]

    def pods_by_id(self, ids: Iterable[str]) -> list[PodSummary]:
        return [PodSummary.from_api(p) for p in self._filtered("pods", ids)]

    def inspect_pod(self, id_or_name: str) -> dict[str, Any]:
        return dict(self._call(self.podman.pods.get, id_or_name).attrs)

    def _pod(self, id_or_name: str) -> Any:
        return self.podman.pods.prepare_model({"Id": id_or_name})

    def start_pod(self, id_or_name: str) -> None:
        self._call(self._pod(id_or_name).start)

    def stop_pod(self, id_or_name: str, timeout: int | None = None) -> None:
        self._call(self._pod(id_or_name).stop, timeout=timeout)

    def restart_pod(self, id_or_name: str) -> None:
        self._call(self._pod(id_or_name).restart)

    def pause_pod(self, id_or_name: str) -> None:
        self._call(self._pod(id_or_name).pause)

    def unpause_pod(self, id_or_name: str) -> None:
        self._call(self._pod(id_or_name).unpause)

    def remove_pod(self, id_or_name: str, force: bool = False) -> None:
        self._call(self.podman.pods.remove, id_or_name, force=force)

    # -- networks ------------------------------------------------------------------------

    def networks(self) -> list[NetworkSummary]:
        return [NetworkSummary.from_api(n) for n in self._list("/networks/json")]

    def inspect_network(self, name: str) -> dict[str, Any]:
        return dict(self._call(self.podman.networks.get, name).attrs)

    def remove_network(self, name: str, force: bool = False) -> None:
        """Remove; one with containers is refused (InUse) unless ``force``, which also
        removes those containers.

        Given an id, it is removed by its name: Podman looks for the network's users
        under the name or id it is given, and by id finds none, so it would remove a
        network in use and leave its containers on a network that no longer exists
        (docs/podman-notes.md, "What removing takes with it").
        """
        attrs = self.inspect_network(name)
        self._call(self.podman.networks.remove, str(attrs.get("name") or name), force=force)

    # -- secrets -------------------------------------------------------------------------

    def secrets(self) -> list[SecretSummary]:
        return [SecretSummary.from_api(s) for s in self._list("/secrets/json")]

    def inspect_secret(self, name: str) -> dict[str, Any]:
        """The secret's metadata; its value is never asked for, and dropped if sent."""
        attrs = dict(self._call(self.podman.secrets.get, name).attrs)
        attrs.pop("SecretData", None)
        return attrs

    def remove_secret(self, name: str) -> None:
        self._call(self.podman.secrets.remove, name)

    # -- who uses what (added for the main window's confirmations and "used by" column) --

    def volume_users(self) -> dict[str, tuple[str, ...]]:
        """Volume name -> names of the containers mounting it, in one request.

        The libpod list gives only mount destinations; the Docker-compatible list names
        each mount's volume.
        """
        users: dict[str, list[str]] = {}
        entries = self._get_json("/containers/json", compatible=True, params={"all": "true"})
        for entry in entries or ():
            names = entry.get("Names") or [""]
            name = str(names[0]).lstrip("/")
            for mount in entry.get("Mounts") or ():
                if mount.get("Type") == "volume" and mount.get("Name"):
                    users.setdefault(str(mount["Name"]), []).append(name)
        return {volume: tuple(sorted(names)) for volume, names in users.items()}

    def secret_users(self, secret_name_or_id: str) -> list[str]:
        """Names of the containers that use a secret, from each container's inspect data."""
        found = []
        for container in self.containers():
            try:
                attrs = self.inspect_container(container.id)
            except PodmanError:
                continue  # removed meanwhile
            for secret in (attrs.get("Config") or {}).get("Secrets") or ():
                if secret_name_or_id in (secret.get("Name"), secret.get("ID")):
                    found.append(container.name)
                    break
        return found
