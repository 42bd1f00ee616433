"""Naming images: ``podman tag`` and ``podman untag``, and what an image is made of
(``podman history``, ``podman image inspect``), over the libpod API."""

from __future__ import annotations

from urllib.parse import quote

from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, request
from app.engine.image_records import HistoryEntry, ImageDetails, split_name


def _path(image: str, action: str) -> str:
    return f"{LIBPOD_PREFIX}/images/{quote(image, safe='')}/{action}"


def tag_image(endpoint: Endpoint, image: str, new_name: str) -> None:
    """Give ``image`` (an id or name) the name ``new_name`` (``repo[:tag]``)."""
    repo, tag = split_name(new_name)
    request(endpoint, "POST", _path(image, "tag"), params={"repo": repo, "tag": tag})


def untag_image(endpoint: Endpoint, name: str) -> None:
    """Take the name ``name`` off its image; the image stays, even without any name."""
    repo, tag = split_name(name)
    request(endpoint, "POST", _path(name, "untag"), params={"repo": repo, "tag": tag})


def image_history(endpoint: Endpoint, image: str) -> list[HistoryEntry]:
    """The image's layers, newest first, as ``podman history`` prints them."""
    found = request(endpoint, "GET", _path(image, "history")) or []
    return [HistoryEntry.from_api(d) for d in found if isinstance(d, dict)]


def image_details(endpoint: Endpoint, image: str, containers: tuple[str, ...] = ()) -> ImageDetails:
    """The image's configuration (``podman image inspect``); ``containers`` names the
    containers using it, which the caller knows from its container list."""
    data = request(endpoint, "GET", _path(image, "json")) or {}
    return ImageDetails.from_api(data, containers)
