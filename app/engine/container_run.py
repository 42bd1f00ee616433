"""Running a container: pull its image when the service lacks it, create, start; and the
look-ups a run dialog makes beforehand (is a host port free, an env file's variables,
whether the host labels files for SELinux). All calls block; the app runs them off the
GUI thread.

When the start fails after the create (a port taken, an address outside the network's
range), the created container is removed: ``podman run`` leaves it behind, but then the
user's next try under the same name fails with "name is already in use", which hides
the real error behind a second one. The dialog keeps every field, so trying again costs
one click.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from app.engine.container_spec import RunSpec
from app.engine.dto import PullProgress
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, NotFound, PodmanError
from app.engine.http_api import LIBPOD_PREFIX, request
from app.engine.pull import pull_image
from app.support.concurrency import CancelToken


@dataclass(frozen=True)
class RunStep:
    """Progress of a run: a pull step (``pull`` set) or a phase in words."""

    text: str
    pull: PullProgress | None = None


def image_present(endpoint: Endpoint, reference: str) -> bool:
    """Whether the service has an image under ``reference``."""
    try:
        request(endpoint, "GET", f"{LIBPOD_PREFIX}/images/{quote(reference, safe='')}/exists")
    except NotFound:
        return False
    return True


def run_container(
    endpoint: Endpoint,
    spec: RunSpec,
    *,
    on_progress: Callable[[RunStep], None] = lambda _s: None,
    cancel: CancelToken | None = None,
) -> str:
    """Pull (if needed), create and start; returns the container's id.

    Raises the PodmanError of the step that failed, with Podman's words; a container
    created before a failed start is removed again (see the module's docstring).
    """
    cancel = cancel or CancelToken()
    if not image_present(endpoint, spec.image):
        on_progress(RunStep(f"Pulling {spec.image}…"))
        pull_image(
            endpoint,
            spec.image,
            on_progress=lambda p: on_progress(RunStep(p.status, p)),
            cancel=cancel,
        )
    cancel.check()
    on_progress(RunStep("Creating the container…"))
    answer = request(endpoint, "POST", f"{LIBPOD_PREFIX}/containers/create", body=spec.to_api())
    container_id = str((answer or {}).get("Id") or "")
    on_progress(RunStep("Starting…"))
    try:
        request(endpoint, "POST", f"{LIBPOD_PREFIX}/containers/{container_id}/start")
    except PodmanError:
        _remove_quietly(endpoint, container_id)
        raise
    return container_id


def _remove_quietly(endpoint: Endpoint, container_id: str) -> None:
    try:
        request(
            endpoint,
            "DELETE",
            f"{LIBPOD_PREFIX}/containers/{container_id}",
            params={"force": True, "v": False},
        )
    except PodmanError:
        pass  # the start's error is the one to report


def ports_in_use(ports: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """Of ``(host_ip, port, protocol)``, those this computer cannot bind now (something
    listens there). Meaningful only for a local connection: a machine or remote host
    binds on its own side."""
    taken = []
    for host_ip, port, protocol in ports:
        if port and not _can_bind(host_ip or "0.0.0.0", port, protocol):
            taken.append((host_ip, port, protocol))
    return taken


def _can_bind(host_ip: str, port: int, protocol: str) -> bool:
    family = socket.AF_INET6 if ":" in host_ip else socket.AF_INET
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    with socket.socket(family, kind) as sock:
        # SO_REUSEADDR: a port left in TIME_WAIT by a stopped container is free to Podman.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host_ip, port))
        except OSError as exc:
            # Only "in use" means taken; an address this host lacks is Podman's to judge.
            return exc.errno != errno.EADDRINUSE
    return True


def read_env_file(path: str) -> dict[str, str]:
    """The variables of an env file as ``podman run --env-file`` reads it: ``KEY=VALUE``
    per line, ``#`` comments and blank lines skipped, a bare ``KEY`` left out (it would
    take the host's value, which a dialog cannot show). Raises OSError, ValueError."""
    found: dict[str, str] = {}
    text = Path(path).read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not key or key != key.strip() or " " in key:
            raise ValueError(f"line {number}: “{raw}” is not KEY=VALUE")
        if sep:
            found[key] = value
    return found


def selinux_enabled(endpoint: Endpoint) -> bool:
    """Whether the service's host labels files for SELinux (so :z/:Z mean something)."""
    try:
        info = request(endpoint, "GET", f"{LIBPOD_PREFIX}/info")
    except ApiError:
        return False
    security = ((info or {}).get("host") or {}).get("security") or {}
    return bool(security.get("selinuxEnabled"))
