"""Pods beyond listing: create one from a PodSpec, generate Kubernetes YAML for pods or
containers, play a YAML file and tear down what it made (the libpod API, blocking:
the app calls these off the GUI thread)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError
from app.engine.http_api import LIBPOD_PREFIX, open_stream, request
from app.engine.kube import KubeReport
from app.engine.pod_spec import PodSpec
from app.support.concurrency import CancelToken

# Podman reads the body of play/tear-down as the YAML itself only with a content type
# that is not a form's (curl's default form type leaves it an empty body).
YAML_HEADERS = {"Content-Type": "application/x-yaml"}


def create_pod(endpoint: Endpoint, spec: PodSpec) -> str:
    """Create the pod; returns its id."""
    answer = request(endpoint, "POST", f"{LIBPOD_PREFIX}/pods/create", body=spec.body())
    return str((answer or {}).get("Id") or "")


def generate_kube(endpoint: Endpoint, names: Iterable[str], service: bool = False) -> str:
    """``podman kube generate NAMES``: one Pod document (for a pod, or per container),
    and a Service document before it when ``service``."""
    # ``names`` repeats once per name (url() would JSON-encode a list).
    query = "&".join(f"names={quote(name, safe='')}" for name in names)
    if service:
        query += "&service=true"
    answer = request(endpoint, "GET", f"{LIBPOD_PREFIX}/generate/kube?{query}")
    if not isinstance(answer, str):
        raise ApiError(f"Podman answered without YAML: {str(answer)[:200]}")
    return answer


def play_kube(
    endpoint: Endpoint,
    yaml: bytes,
    replace: bool = False,
    *,
    on_progress: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
) -> KubeReport:
    """``podman kube play``. With ``replace`` what the file made before is torn down
    first: Podman 4.3's API ignores its own ``replace`` (docs/podman-notes.md, "Pods
    and Kubernetes YAML")."""
    report = on_progress or (lambda _text: None)
    if replace:
        report("Removing the pods this file made before…")
        try:
            teardown_kube(endpoint, yaml, cancel=cancel)
        except ApiError as exc:
            if "no such pod" not in str(exc).lower() and "no pod with name" not in str(exc):
                raise
        if cancel is not None:
            cancel.check()
    report("Creating the pods and their containers…")
    return KubeReport.from_api(_send(endpoint, "POST", yaml, cancel))


def teardown_kube(
    endpoint: Endpoint,
    yaml: bytes,
    *,
    on_progress: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
) -> KubeReport:
    """``podman kube down``: stop and remove the pods the file describes."""
    if on_progress is not None:
        on_progress("Stopping and removing the pods…")
    return KubeReport.from_api(_send(endpoint, "DELETE", yaml, cancel))


def _send(endpoint: Endpoint, method: str, yaml: bytes, cancel: CancelToken | None) -> Any:
    # A stream, not request(): it can be closed from the cancelling thread, and playing
    # may take as long as creating every container does.
    stream = open_stream(
        endpoint,
        f"{LIBPOD_PREFIX}/play/kube",
        method=method,
        headers=YAML_HEADERS,
        body=yaml,
        wait_for_headers=True,
        on_socket=None if cancel is None else lambda sock: cancel.on_cancel(_shutter(sock)),
    )
    try:
        data = b"".join(stream.chunks())
    finally:
        stream.close()
    if cancel is not None:
        cancel.check()
    try:
        return json.loads(data) if data else {}
    except ValueError as exc:
        raise ApiError(f"Podman's report could not be read: {data[:200]!r}") from exc


def _shutter(sock: socket.socket) -> Callable[[], None]:
    """Unblocks a read on ``sock`` from another thread (close() alone may not)."""
    return lambda: sock.shutdown(socket.SHUT_RDWR)
