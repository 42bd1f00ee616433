"""Networks through the libpod API: create, details with who is on them and their
addresses, connect a container (with static addresses and aliases), disconnect it.

Plain HTTP (app/engine/http_api.py): podman-py's create and connect take Docker-shaped
arguments (IPAM pools, one IPv4 and one IPv6 address) and lose what libpod offers, such
as several subnets with ranges. Calls block; the app runs them on a session's pool.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, request
from app.engine.network_records import (
    Attachment,
    NetworkDetails,
    NetworkSpec,
    attachment_from_inspect,
)


def _path(name: str, action: str) -> str:
    return f"{LIBPOD_PREFIX}/networks/{quote(name, safe='')}/{action}"


def create_network(endpoint: Endpoint, spec: NetworkSpec) -> NetworkDetails:
    """Create the network; returns what Podman made of it (its subnets, its interface).
    Podman's refusal (a subnet in use, a gateway outside its subnet…) is raised as the
    typed error carrying its words."""
    made = request(endpoint, "POST", f"{LIBPOD_PREFIX}/networks/create", body=spec.body())
    return NetworkDetails.from_api(made or {})


def network_details(endpoint: Endpoint, name: str) -> NetworkDetails:
    """The network's inspect data and every container on it with its addresses there.

    Podman 4.3's network inspect does not list containers, so they are found with the
    container list's ``network`` filter and read from each one's inspect
    (docs/podman-notes.md, "Networks")."""
    data = request(endpoint, "GET", _path(name, "json"))
    real_name = str(data.get("name") or name)
    listed = request(
        endpoint,
        "GET",
        f"{LIBPOD_PREFIX}/containers/json",
        params={"all": True, "filters": {"network": [real_name]}},
    )
    attachments: list[Attachment] = []
    for entry in listed or ():
        ref = str(entry.get("Id") or "")
        inspect = request(endpoint, "GET", f"{LIBPOD_PREFIX}/containers/{ref}/json")
        found = attachment_from_inspect(inspect or {}, real_name)
        if found is not None:
            attachments.append(found)
    attachments.sort(key=lambda a: a.name.lower())
    return NetworkDetails.from_api(data, tuple(attachments))


def connect_container(
    endpoint: Endpoint,
    network: str,
    container: str,
    static_ips: Iterable[str] = (),
    aliases: Iterable[str] = (),
) -> None:
    """Connect a container (running or not) to a network, with the addresses it must
    have there (IPv4 and IPv6 alike) and extra names other containers reach it by."""
    body: dict = {"container": container}
    ips = [ip for ip in static_ips if ip]
    if ips:
        body["static_ips"] = ips
    names = [a for a in aliases if a]
    if names:
        body["aliases"] = names
    request(endpoint, "POST", _path(network, "connect"), body=body)


def disconnect_container(
    endpoint: Endpoint, network: str, container: str, force: bool = False
) -> None:
    """Disconnect a container from a network (libpod takes Docker's body here)."""
    request(
        endpoint,
        "POST",
        _path(network, "disconnect"),
        body={"Container": container, "Force": force},
    )
