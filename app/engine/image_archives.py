"""Image archives: ``podman save`` to a tar file, ``podman load`` from one, and
``podman import`` of a root filesystem tarball, all streamed so no archive is ever held
in memory, with byte progress and cancel.

A save is written next to its destination under a temporary name and renamed only
when complete, so a cancelled or failed save leaves no partial file and never spoils a
file that was there before.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost
from app.engine.http_api import LIBPOD_PREFIX, open_stream
from app.engine.image_records import TransferProgress
from app.engine.upload import upload
from app.support.concurrency import Cancelled, CancelToken

COMPAT_PREFIX = "/v1.41"
CHUNK = 1024 * 1024
Report = Callable[[TransferProgress], None]


def save_image(
    endpoint: Endpoint,
    image: str,
    destination: Path,
    *,
    expected_size: int = 0,
    on_progress: Report = lambda _p: None,
    cancel: CancelToken | None = None,
) -> int:
    """Write ``image`` as a docker-archive tar to ``destination``; returns its size.

    The Docker-compatible ``GET /images/NAME/get`` gives the same bytes for the same
    image every time (docs/podman-notes.md, "Images and registries"). ``expected_size``
    (the image's size) only scales the progress: the archive is about that big.
    """
    cancel = cancel or CancelToken()
    cancel.check()
    destination = Path(destination)
    fd, temp = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    done = 0
    try:
        with os.fdopen(fd, "wb") as out:
            stream = open_stream(endpoint, f"{COMPAT_PREFIX}/images/{quote(image, safe='')}/get")
            cancel.on_cancel(stream.close)
            try:
                for chunk in stream.chunks(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    on_progress(TransferProgress(done, expected_size, estimated=True))
            finally:
                stream.close()
            cancel.check()
        os.replace(temp, destination)
    except ConnectionLost:
        _remove(temp)
        if cancel.cancelled:
            raise Cancelled() from None
        raise
    except BaseException:
        _remove(temp)
        raise
    return done


def load_image(
    endpoint: Endpoint,
    archive: Path,
    *,
    on_progress: Report = lambda _p: None,
    cancel: CancelToken | None = None,
) -> list[str]:
    """Load the images of a ``podman save`` archive; returns the names it loaded."""
    answer = _send_file(endpoint, f"{LIBPOD_PREFIX}/images/load", archive, on_progress, cancel)
    names = answer.get("Names") if isinstance(answer, dict) else None
    return [str(n) for n in names or ()]


def import_image(
    endpoint: Endpoint,
    tarball: Path,
    reference: str = "",
    changes: tuple[str, ...] = (),
    message: str = "",
    *,
    on_progress: Report = lambda _p: None,
    cancel: CancelToken | None = None,
) -> str:
    """Make an image of a root filesystem tarball; returns the new image's id.
    ``changes`` are Containerfile instructions applied to it (``CMD ["/bin/sh"]``)."""
    query: list[tuple[str, str]] = []
    if reference:
        query.append(("reference", reference))
    query += [("changes", change) for change in changes]
    if message:
        query.append(("message", message))
    path = f"{LIBPOD_PREFIX}/images/import"
    if query:
        path += "?" + urlencode(query)
    answer = _send_file(endpoint, path, tarball, on_progress, cancel)
    image_id = answer.get("Id") if isinstance(answer, dict) else None
    if not image_id:
        raise ApiError(f"Podman did not name the imported image: {answer}", 500)
    return str(image_id).removeprefix("sha256:")


def _send_file(
    endpoint: Endpoint,
    path: str,
    file: Path,
    on_progress: Report,
    cancel: CancelToken | None,
) -> object:
    cancel = cancel or CancelToken()
    cancel.check()
    total = Path(file).stat().st_size

    def blocks() -> Iterator[bytes]:
        sent = 0
        with open(file, "rb") as source:
            while True:
                cancel.check()
                data = source.read(CHUNK)
                if not data:
                    return
                sent += len(data)
                yield data
                on_progress(TransferProgress(sent, total))

    stream = upload(endpoint, path, blocks(), cancel)
    try:
        data = b"".join(stream.chunks())
    except ConnectionLost:
        if cancel.cancelled:
            raise Cancelled() from None
        raise
    finally:
        stream.close()
    cancel.check()
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
