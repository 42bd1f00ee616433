"""Volumes beyond list and remove: create, inspect in full, export to and import from a
tar file.

Podman 4's API has no volume export or import (``podman volume export`` is not offered
by podman-remote, and ``/libpod/volumes/NAME/export`` answers 404 on 4.3: see
docs/podman-notes.md, "Volumes"). So both go through a helper container that mounts
the volume and is never started: the container archive API reads the volume's files
as a tar (``GET …/archive``) and writes a tar into it (``PUT …/archive``). Nothing runs
in the helper, so any local image serves as its root; it is removed when the copy ends,
however it ends.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

from app.engine.dto import TransferProgress, VolumeDetails
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost, NotFound, PodmanError, describe_os_error
from app.engine.http_api import LIBPOD_PREFIX, open_stream, request
from app.support.concurrency import Cancelled, CancelToken

# libpod's NameRegex: Podman refuses other volume names with "names must match …".
VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
# The local driver's options, as ``podman volume create --opt`` documents them.
LOCAL_OPTIONS = ("type", "device", "o", "uid", "gid", "copy", "nocopy", "size", "inodes")
HELPER_LABEL = "io.github.podman-desktop-companion.helper"
MOUNT_POINT = "/volume"
BLOCK = 256 * 1024

Progress = Callable[[TransferProgress], None]


def volume_name_problem(name: str) -> str:
    """Why Podman would refuse ``name`` ("" when it would not; empty lets Podman name it)."""
    if name and not VOLUME_NAME.match(name):
        return "Letters, digits, “_”, “.” and “-” only, starting with a letter or digit."
    return ""


def create_volume(
    endpoint: Endpoint,
    name: str = "",
    driver: str = "local",
    options: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> VolumeDetails:
    """Create a volume (Podman names it when ``name`` is empty); returns what Podman made.

    Raises Conflict when the name is taken, ApiError with Podman's words otherwise
    (an unknown driver, options the filesystem cannot honour).
    """
    body: dict[str, Any] = {"Driver": driver or "local"}
    if name:
        body["Name"] = name
    if options:
        body["Options"] = dict(options)
    if labels:
        body["Labels"] = dict(labels)
    answer = request(endpoint, "POST", f"{LIBPOD_PREFIX}/volumes/create", body=body)
    return VolumeDetails.from_api(answer or {})


def volume_details(endpoint: Endpoint, name: str) -> VolumeDetails:
    """Inspect ``name``, with the containers mounting it and its size from ``system df``."""
    attrs = request(endpoint, "GET", f"{LIBPOD_PREFIX}/volumes/{_q(name)}/json") or {}
    df = request(endpoint, "GET", f"{LIBPOD_PREFIX}/system/df") or {}
    size = None
    for entry in df.get("Volumes") or ():
        if isinstance(entry, Mapping) and entry.get("VolumeName") == name:
            size = int(entry.get("Size") or 0)
    return VolumeDetails.from_api(attrs, _users(endpoint, name), size)


def _users(endpoint: Endpoint, name: str) -> list[str]:
    # The libpod list gives only mount destinations; the Docker-compatible one names
    # each mount's volume (as Client.volume_users reads it).
    entries = request(endpoint, "GET", "/v1.41/containers/json", params={"all": True}) or ()
    found = []
    for entry in entries:
        mounts = entry.get("Mounts") or ()
        if any(m.get("Type") == "volume" and m.get("Name") == name for m in mounts):
            found.append(str((entry.get("Names") or [""])[0]).lstrip("/"))
    return sorted(found)


# -- export and import -------------------------------------------------------------------


def helper_image(endpoint: Endpoint) -> str:
    """The smallest local image, as the root of a helper container (nothing runs in it).

    Raises NotFound, saying what to do, when there is no image at all.
    """
    images = request(endpoint, "GET", f"{LIBPOD_PREFIX}/images/json") or []
    images = [i for i in images if isinstance(i, Mapping) and i.get("Id")]
    if not images:
        raise NotFound(
            "Copying a volume's files needs a helper container, and Podman has no image "
            "to make one from. Pull any image first (nothing runs in the helper)."
        )
    smallest = min(images, key=lambda i: int(i.get("Size") or 0))
    return str(smallest["Id"])


def _create_helper(endpoint: Endpoint, volume: str, purpose: str) -> str:
    spec = {
        "image": helper_image(endpoint),
        "command": ["true"],
        "volumes": [{"Name": volume, "Dest": MOUNT_POINT}],
        "labels": {HELPER_LABEL: purpose},
        "netns": {"nsmode": "none"},  # no network: it never runs, and lists stay clean
    }
    answer = request(endpoint, "POST", f"{LIBPOD_PREFIX}/containers/create", body=spec)
    return str((answer or {}).get("Id") or "")


def _remove_helper(endpoint: Endpoint, helper: str) -> None:
    try:
        request(
            endpoint,
            "DELETE",
            f"{LIBPOD_PREFIX}/containers/{helper}",
            params={"force": True, "v": False},
        )
    except PodmanError:
        pass  # best effort; the label says what it was if it is ever left behind


def export_volume(
    endpoint: Endpoint,
    name: str,
    path: str,
    *,
    size_hint: int | None = None,
    on_progress: Progress = lambda _p: None,
    cancel: CancelToken | None = None,
) -> int:
    """Write the files of volume ``name`` to the tar file ``path``; returns its bytes.

    The tar holds the volume's contents at its top level, as ``podman volume export``
    writes them. A cancelled or failed export removes the partial file.
    """
    cancel = cancel or CancelToken()
    volume_details(endpoint, name)  # NotFound, in Podman's words, before anything is made
    helper = _create_helper(endpoint, name, "export")
    written = 0
    try:
        cancel.check()
        stream = open_stream(
            endpoint,
            f"{LIBPOD_PREFIX}/containers/{helper}/archive",
            params={"path": f"{MOUNT_POINT}/."},
            wait_for_headers=True,
        )
        cancel.on_cancel(stream.close)
        try:
            with open(path, "wb") as out:
                for chunk in stream.chunks(BLOCK):
                    out.write(chunk)
                    written += len(chunk)
                    on_progress(TransferProgress(written, size_hint))
        finally:
            stream.close()
        cancel.check()
    except OSError as exc:
        _discard(path)
        raise ApiError(f"Cannot write {path}: {describe_os_error(exc)}", 400) from None
    except (Cancelled, PodmanError):
        _discard(path)
        if cancel.cancelled:
            raise Cancelled() from None
        raise
    finally:
        _remove_helper(endpoint, helper)
    return written


def import_volume(
    endpoint: Endpoint,
    name: str,
    path: str,
    *,
    on_progress: Progress = lambda _p: None,
    cancel: CancelToken | None = None,
) -> int:
    """Unpack the tar file ``path`` into volume ``name`` (files already there with the
    same names are replaced, others stay, as ``podman volume import`` does); returns the
    bytes sent."""
    cancel = cancel or CancelToken()
    try:
        total = os.stat(path).st_size
        source = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        raise ApiError(f"Cannot read {path}: {describe_os_error(exc)}", 400) from None
    sent = 0

    def blocks() -> Iterator[bytes]:
        nonlocal sent
        while True:
            cancel.check()
            block = source.read(BLOCK)
            if not block:
                return
            sent += len(block)
            on_progress(TransferProgress(sent, total))
            yield block

    sockets: list = []
    try:
        volume_details(endpoint, name)
        helper = _create_helper(endpoint, name, "import")
        try:
            stream = open_stream(
                endpoint,
                f"{LIBPOD_PREFIX}/containers/{helper}/archive",
                params={"path": MOUNT_POINT},
                method="PUT",
                headers={"Content-Type": "application/x-tar"},
                body=blocks(),
                wait_for_headers=True,
                on_socket=sockets.append,
            )
            stream.close()
        except Cancelled:
            # Raised inside the body: the request is cut short, chunked body unfinished,
            # so Podman discards it rather than unpacking half an archive.
            for sock in sockets:
                sock.close()
            raise
        except ConnectionLost:
            if cancel.cancelled:
                raise Cancelled() from None
            raise
        finally:
            _remove_helper(endpoint, helper)
    finally:
        source.close()
    cancel.check()
    return sent


def file_exists(path: str) -> bool:
    """Whether ``path`` names an existing file (asked off the GUI thread)."""
    return os.path.exists(path)


def _discard(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _q(name: str) -> str:
    return quote(name, safe="")
