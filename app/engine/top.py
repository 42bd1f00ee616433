"""A container's processes, as `podman top` lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, request


@dataclass(frozen=True)
class ProcessTable:
    titles: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @classmethod
    def from_api(cls, data: Any) -> ProcessTable:
        data = data if isinstance(data, dict) else {}
        titles = tuple(str(t) for t in data.get("Titles") or ())
        rows = tuple(tuple(str(c) for c in row) for row in data.get("Processes") or ())
        return cls(titles, rows)


def top(endpoint: Endpoint, container_id: str, timeout: float = 10.0) -> ProcessTable:
    """The container's processes (blocking; raises Conflict when it is not running)."""
    path = f"{LIBPOD_PREFIX}/containers/{container_id}/top"
    return ProcessTable.from_api(request(endpoint, "GET", path, timeout=timeout))
