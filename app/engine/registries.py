"""What the service's registries.conf says, as its ``/libpod/info`` reports it: the
registries a short name is looked up in (``registries.search``)."""

from __future__ import annotations

from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, request


def search_registries(endpoint: Endpoint) -> list[str]:
    """The registries the service tries for a short name, in order (may be empty)."""
    info = request(endpoint, "GET", f"{LIBPOD_PREFIX}/info") or {}
    registries = info.get("registries") if isinstance(info, dict) else None
    search = registries.get("search") if isinstance(registries, dict) else None
    return [str(r) for r in search] if isinstance(search, list) else []
