"""What the service's registries.conf says, as its ``/libpod/info`` reports it: the
registries a short name is looked up in (``registries.search``) and those it reaches
without TLS verification (``Insecure``)."""

from __future__ import annotations

from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, request


def _registries(endpoint: Endpoint) -> dict:
    info = request(endpoint, "GET", f"{LIBPOD_PREFIX}/info") or {}
    registries = info.get("registries") if isinstance(info, dict) else None
    return registries if isinstance(registries, dict) else {}


def search_registries(endpoint: Endpoint) -> list[str]:
    """The registries the service tries for a short name, in order (may be empty)."""
    search = _registries(endpoint).get("search")
    return [str(r) for r in search] if isinstance(search, list) else []


def insecure_registries(endpoint: Endpoint) -> list[str]:
    """The registries the service's registries.conf marks ``insecure`` (plain HTTP or an
    unverified certificate allowed)."""
    found = []
    for key, entry in _registries(endpoint).items():
        if isinstance(entry, dict) and entry.get("Insecure") is True:
            found.append(str(entry.get("Location") or key))
    return found
