"""Pulling an image with progress, through the service (so registries.conf, mirrors and
the service's own credentials apply as they do for ``podman pull``).

Podman 4.3 has two pull endpoints (docs/podman-notes.md, "Pulling"): the Docker-compatible
``/images/create`` streams per-layer status with byte counts but ignores ``tlsVerify``;
libpod's ``/images/pull`` honours ``tlsVerify`` but streams only text lines. A pull that
verifies TLS (the default) takes the first, one that skips verification the second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from app.engine.dto import PullProgress
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost, error_for_status
from app.engine.http_api import LIBPOD_PREFIX, open_stream, request
from app.support.concurrency import Cancelled, CancelToken

COMPAT_PREFIX = "/v1.41"


def pull_image(
    endpoint: Endpoint,
    reference: str,
    *,
    auth: str | None = None,
    tls_verify: bool = True,
    on_progress: Callable[[PullProgress], None] = lambda _p: None,
    cancel: CancelToken | None = None,
) -> str:
    """Pull ``reference`` and return the pulled image's id.

    ``auth`` is an ``X-Registry-Auth`` header value (engine.registry_auth builds it).
    Raises Cancelled when ``cancel`` fired, ApiError (AuthRequired, NotFound …) with
    the registry's words when the pull failed, ConnectionLost when the service went away.
    """
    cancel = cancel or CancelToken()
    headers = {"X-Registry-Auth": auth} if auth else {}
    if tls_verify:
        path, params = f"{COMPAT_PREFIX}/images/create", {"fromImage": reference}
    else:
        path = f"{LIBPOD_PREFIX}/images/pull"
        params = {"reference": reference, "tlsVerify": False, "policy": "always"}
    cancel.check()
    stream = open_stream(
        endpoint, path, params=params, method="POST", headers=headers, wait_for_headers=True
    )
    cancel.on_cancel(stream.close)
    image_id = ""
    try:
        for line in stream.lines():
            record = _decode(line)
            if record is None:
                continue
            error = record.get("error") or (record.get("errorDetail") or {}).get("message")
            if error:
                raise _pull_error(str(error))
            image_id = str(record.get("id") or "") if "images" in record else image_id
            progress = PullProgress.from_api(record)
            if progress is not None:
                on_progress(progress)
    except ConnectionLost:
        if cancel.cancelled:
            raise Cancelled() from None
        raise
    finally:
        stream.close()
    cancel.check()
    if not image_id:
        # The compat stream does not name the image id; ask for it by reference.
        info = request(endpoint, "GET", f"{LIBPOD_PREFIX}/images/{_quoted(reference)}/json")
        image_id = str(info.get("Id") or "")
    return image_id


def _decode(line: bytes) -> dict | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _pull_error(message: str) -> ApiError:
    # A pull's error comes inside a 200 stream, so only its words say what it was;
    # the registry's own error codes lead them (see errors._AUTH_CAUSE_PREFIXES).
    lowered = message.lower()
    cause = ""
    for marker in ("unauthorized", "denied", "manifest unknown", "name unknown"):
        if marker in lowered:
            cause = marker
            break
    if cause in ("manifest unknown", "name unknown"):
        return error_for_status(404, message, cause)
    return error_for_status(500, message, cause)


def _quoted(reference: str) -> str:
    return quote(reference, safe="")
