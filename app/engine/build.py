"""Building an image from a context directory through the service, with its log live.

The context goes as a tar body produced while it is sent (``build_context``), so a big
context never sits in memory; Podman answers only once it has read all of it, then
streams ``{"stream": TEXT}`` records (the build's output, ANSI colours included) and,
last, the new image's id alone (docs/podman-notes.md, "Building").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import urlencode

from app.engine.build_context import context_blocks, plan
from app.engine.command_line import CommandLine
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost
from app.engine.http_api import LIBPOD_PREFIX
from app.engine.image_records import BuildProgress, BuildRequest, BuildResult
from app.engine.upload import upload
from app.support.concurrency import Cancelled, CancelToken

_IMAGE_ID = re.compile(r"[0-9a-f]{64}")


def build_params(request: BuildRequest, dockerfile: str) -> list[tuple[str, str]]:
    """The query of ``POST /libpod/build``: one ``t`` per tag, build args as JSON."""
    params: list[tuple[str, str]] = [("dockerfile", dockerfile)]
    params += [("t", tag) for tag in request.tags]
    if request.build_args:
        params.append(("buildargs", json.dumps(dict(request.build_args))))
    if request.target:
        params.append(("target", request.target))
    if request.no_cache:
        params.append(("nocache", "true"))
    if request.pull == "always":
        params.append(("pull", "true"))
    return params


def build_command(request: BuildRequest) -> CommandLine:
    """The equivalent ``podman build …`` line."""
    line = CommandLine("build")
    if request.containerfile is not None:
        line.option("--file", str(request.containerfile))
    line.options("--tag", request.tags)
    line.options("--build-arg", [f"{k}={v}" for k, v in request.build_args])
    line.option("--target", request.target)
    line.flag("--no-cache", request.no_cache)
    line.option("--pull", "always" if request.pull == "always" else None)
    line.arg(str(request.context))
    return line


def build_image(
    endpoint: Endpoint,
    request: BuildRequest,
    *,
    on_progress: Callable[[BuildProgress], None] = lambda _p: None,
    cancel: CancelToken | None = None,
) -> BuildResult:
    """Build ``request`` and return the new image's id.

    Raises Cancelled when ``cancel`` fired (the stream is closed; Podman 4.3 finishes the
    step it is running and then abandons the build, committing nothing), ApiError with
    Podman's words when the build failed, ConnectionLost when the service went away.
    """
    cancel = cancel or CancelToken()
    cancel.check()
    context_plan = plan(request.context, request.containerfile)
    sent = [0]

    def on_sent(total: int) -> None:
        sent[0] = total
        on_progress(BuildProgress(sent=total, sending=True))

    body = context_blocks(context_plan, on_sent=on_sent, cancel=cancel)
    query = build_params(request, context_plan.dockerfile_name)
    path = f"{LIBPOD_PREFIX}/build?{urlencode(query)}"
    stream = upload(endpoint, path, body, cancel)
    image_id = ""
    try:
        for line in stream.lines():
            record = _decode(line)
            if record is None:
                continue
            error = record.get("error") or (record.get("errorDetail") or {}).get("message")
            if error:
                raise ApiError(str(error).strip(), 500)
            text = record.get("stream")
            if isinstance(text, str) and text:
                if _IMAGE_ID.fullmatch(text.strip()):
                    image_id = text.strip()  # the last record: the id alone
                    continue
                on_progress(BuildProgress(text=text, sent=sent[0]))
            aux = record.get("aux")
            if isinstance(aux, dict) and aux.get("ID"):
                image_id = str(aux["ID"]).removeprefix("sha256:")
    except ConnectionLost:
        if cancel.cancelled:
            raise Cancelled() from None
        raise
    finally:
        stream.close()
    cancel.check()
    if not image_id:
        raise ApiError("The build ended without naming an image.", 500)
    return BuildResult(image_id, request.tags, sent[0])


def _decode(line: bytes) -> dict | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
