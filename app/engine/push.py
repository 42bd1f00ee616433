"""Pushing an image through the service, with its text progress.

Podman 4.3's ``POST /libpod/images/{name}/push?destination=&tlsVerify=&quiet=false``
streams ``{"stream": TEXT}`` lines ("Copying blob sha256:…", "Writing manifest …") and a
failure as ``{"error": TEXT}`` inside a 200 answer; no byte counts (docs/podman-notes.md,
"Pushing"). Without ``quiet=false`` it sends nothing until the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from app.engine.dto import PullProgress
from app.engine.endpoint import Endpoint
from app.engine.errors import ConnectionLost
from app.engine.http_api import LIBPOD_PREFIX, open_stream
from app.engine.pull import _pull_error as registry_error
from app.support.concurrency import Cancelled, CancelToken


def push_image(
    endpoint: Endpoint,
    image: str,
    destination: str,
    *,
    auth: str | None = None,
    tls_verify: bool = True,
    on_progress: Callable[[PullProgress], None] = lambda _p: None,
    cancel: CancelToken | None = None,
) -> str:
    """Push ``image`` (a name or id in the store) to ``destination``; returns it.

    Raises Cancelled, ApiError (AuthRequired, NotFound …) with the registry's words,
    or ConnectionLost.
    """
    cancel = cancel or CancelToken()
    headers = {"X-Registry-Auth": auth} if auth else {}
    # tlsVerify=true would override registries.conf's "insecure" for the registry (the
    # push then fails on a plain-HTTP registry the CLI pushes to); unset, it applies.
    params = {"destination": destination, "tlsVerify": None if tls_verify else False}
    params["quiet"] = False
    cancel.check()
    stream = open_stream(
        endpoint,
        f"{LIBPOD_PREFIX}/images/{quote(image, safe='')}/push",
        params=params,
        method="POST",
        headers=headers,
        wait_for_headers=True,
    )
    cancel.on_cancel(stream.close)
    try:
        for line in stream.lines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            if record.get("error"):
                raise registry_error(str(record["error"]))
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
    return destination
