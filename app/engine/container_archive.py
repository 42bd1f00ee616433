"""The container archive API as the Files tab reads it: one path's details from the
HEAD, and a folder's direct children from the whole subtree's tar when nothing better
can list it (a stopped container, an image without a shell)."""

from __future__ import annotations

import base64
import binascii
import json
import stat as stat_module
import tarfile
from collections.abc import Callable, Iterator
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.errors import ConnectionLost, PodmanError, describe_os_error
from app.engine.file_records import (
    BY_ARCHIVE,
    DIR,
    LINK,
    DirectoryListing,
    FileEntry,
    NotADirectory,
    PathStat,
    normalize,
)
from app.engine.http_api import LIBPOD_PREFIX, EndpointConnection, api_error, open_stream, url


def archive_path(container: str) -> str:
    return f"{LIBPOD_PREFIX}/containers/{container}/archive"


class ChunkReader:
    """A file-like ``read(n)`` over an iterator of byte chunks (for tarfile's stream mode),
    counting the bytes read so far."""

    def __init__(
        self, chunks: Iterator[bytes], on_read: Callable[[int], None] | None = None
    ) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self.count = 0
        # Called with the count after each read: a large file is extracted by one call,
        # so progress and cancel are checked here, between reads.
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer.extend(chunk)
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        self.count += len(out)
        if self._on_read is not None:
            self._on_read(self.count)
        return out


def list_by_archive(endpoint: Endpoint, container: str, path: str, why: str) -> DirectoryListing:
    """List through the whole subtree's tar: the direct children only are kept.

    Podman writes the tree depth first in name order, so a direct child can follow any
    subtree: the stream is read to its end (skipping file contents as it goes).
    """
    # The HEAD first: a file or a missing path is told without sending a tar.
    if not stat_path(endpoint, container, path).is_dir:
        raise NotADirectory(f"{path} is not a directory", 400)
    stream = open_stream(endpoint, archive_path(container), params={"path": path})
    entries: list[FileEntry] = []
    try:
        reader = ChunkReader(stream.chunks())
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            prefix: str | None = None  # the directory's own member name, with a slash
            for member in tar:
                name = member.name
                if name.startswith("./"):
                    name = name[2:]
                name = name.strip("/")  # "/" is sent as "" and "/bin"
                if prefix is None:
                    if not member.isdir():
                        raise NotADirectory(f"{path} is not a directory", 400)
                    prefix = "" if name in ("", ".") else name + "/"
                    continue
                if not name.startswith(prefix):
                    continue
                child = name[len(prefix) :]
                if child and "/" not in child:
                    entries.append(_entry_of_member(child, member))
    except (tarfile.TarError, OSError) as exc:
        raise ConnectionLost(
            f"Could not read the archive of {path}: {describe_os_error(exc)}"
        ) from exc
    finally:
        stream.close()
    entries.sort(key=lambda e: e.name)
    note = f"{why}: listed through the archive, slower for big folders"
    return DirectoryListing(path, tuple(entries), BY_ARCHIVE, note)


def _entry_of_member(name: str, member: tarfile.TarInfo) -> FileEntry:
    if member.isdir():
        kind, type_bits = DIR, stat_module.S_IFDIR
    elif member.issym():
        kind, type_bits = LINK, stat_module.S_IFLNK
    elif member.isreg() or member.islnk():
        kind, type_bits = "file", stat_module.S_IFREG
    else:
        kind, type_bits = "other", 0
    owner = f"{member.uname or member.uid}:{member.gname or member.gid}"
    return FileEntry(
        name=name,
        kind=kind,
        # a link's size is its target's length, as stat reports it (tar says 0)
        size=len(member.linkname.encode()) if member.issym() else member.size,
        mode=stat_module.filemode(type_bits | member.mode),
        owner=owner,
        modified=float(member.mtime),
        target=member.linkname if member.issym() else "",
    )


# Go's os.FileMode bits, as the HEAD stat sends them.
_GO_DIR = 1 << 31
_GO_SYMLINK = 1 << 27


def go_mode_string(mode: int) -> str:
    """An ls-style mode string from a Go os.FileMode number."""
    type_bits = stat_module.S_IFREG
    if mode & _GO_DIR:
        type_bits = stat_module.S_IFDIR
    elif mode & _GO_SYMLINK:
        type_bits = stat_module.S_IFLNK
    return stat_module.filemode(type_bits | (mode & 0o777))


def stat_path(endpoint: Endpoint, container: str, path: str) -> PathStat:
    """One path's details from ``HEAD …/archive?path=`` (works on a stopped container)."""
    path = normalize(path)
    conn = EndpointConnection(endpoint)
    try:
        conn.request("HEAD", url(archive_path(container), {"path": path}))
        resp = conn.getresponse()
        resp.read()
        header = resp.getheader("X-Docker-Container-Path-Stat") or ""
    except OSError as exc:
        why = describe_os_error(exc)
        raise ConnectionLost(f"Lost the connection to Podman at {endpoint}: {why}", why) from exc
    finally:
        conn.close()
    if resp.status >= 400:
        if resp.status == 404:
            raise api_error(f"{path}: no such file or directory in the container".encode(), 404)
        raise api_error(b"", resp.status)
    try:
        data: dict[str, Any] = json.loads(base64.b64decode(header))
    except (ValueError, binascii.Error) as exc:
        raise PodmanError(f"Podman sent an unreadable stat of {path}") from exc
    mode = int(data.get("mode") or 0)
    return PathStat(
        path=path,
        name=str(data.get("name") or ""),
        size=int(data.get("size") or 0),
        is_dir=bool(data.get("isDir")),
        mode=go_mode_string(mode),
        modified=str(data.get("mtime") or ""),
        link_target=str(data.get("linkTarget") or ""),
    )
