"""A container's processes, as `podman top` lists them."""

from __future__ import annotations

from app.engine.dto import ProcessTable
from app.engine.endpoint import Endpoint
from app.engine.errors import Conflict
from app.engine.http_api import LIBPOD_PREFIX, request


def top(endpoint: Endpoint, container_id: str, timeout: float = 10.0) -> ProcessTable:
    """The container's processes (blocking; raises Conflict when it is not running).

    Podman 4.3 answers a stopped or paused container with an empty body rather than an
    error (docs/podman-notes.md, "Stats and processes of a stopped container"): a
    listing without column titles is read as that refusal, never as "no processes".
    """
    path = f"{LIBPOD_PREFIX}/containers/{container_id}/top"
    listing = ProcessTable.from_api(request(endpoint, "GET", path, timeout=timeout))
    if not listing.titles:
        raise Conflict("Podman lists no processes: the container is not running")
    return listing
