"""A container's processes, as `podman top` lists them."""

from __future__ import annotations

from app.engine.dto import ProcessTable
from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, request


def top(endpoint: Endpoint, container_id: str, timeout: float = 10.0) -> ProcessTable:
    """The container's processes (blocking; raises Conflict when it is not running)."""
    path = f"{LIBPOD_PREFIX}/containers/{container_id}/top"
    return ProcessTable.from_api(request(endpoint, "GET", path, timeout=timeout))
