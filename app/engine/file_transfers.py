"""Copy files and folders between the host and a container through the archive API.

Both ways are a tar stream that is never held whole: a download is read from
``GET …/archive?path=`` and extracted as it comes (or saved as the .tar itself), an
upload is generated block by block into ``PUT …/archive?path=DIR``. Both are blocking
calls meant to run as an Operation: they report TransferProgress and stop on cancel,
removing what they had written.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import stat as stat_module
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from app.engine.container_archive import ChunkReader, archive_path
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost, PodmanError, describe_os_error
from app.engine.file_records import TransferProgress, normalize
from app.engine.http_api import EndpointConnection, api_error, open_stream, url
from app.support import log
from app.support.concurrency import CancelToken

_log = log.get("files")

Progress = Callable[[TransferProgress], None]
_BLOCK = 512
_CHUNK = 256 * 1024
# Reports at most every this many bytes: each one is a signal on the GUI thread.
_REPORT_EVERY = 512 * 1024


class TransferError(PodmanError):
    """A transfer failed on the host's side (the disk, a name that exists already)."""


def _nothing(_progress: TransferProgress) -> None:
    pass


def _why(exc: OSError) -> str:
    """A host file's error in the system's words ("Permission denied")."""
    return exc.strerror or str(exc)


# -- download ------------------------------------------------------------------------------


def download(
    endpoint: Endpoint,
    container: str,
    path: str,
    target: str,
    *,
    as_tar: bool = False,
    total: int | None = None,
    on_progress: Progress = _nothing,
    cancel: CancelToken | None = None,
) -> str:
    """Copy the container's ``path`` (a file or a folder) to the host's ``target``.

    ``target`` is the new file or folder's own path (it must not exist), or with
    ``as_tar`` the .tar file to write. Entries that would land outside ``target``
    (absolute names, "..", links leading out) are left out. Returns ``target``.
    """
    cancel = cancel or CancelToken()
    destination = Path(target)
    if destination.exists() and not as_tar:
        raise TransferError(f"{destination} already exists: choose another name")
    if not destination.parent.is_dir():
        raise TransferError(f"The folder {destination.parent} does not exist")
    stream = open_stream(endpoint, archive_path(container), params={"path": normalize(path)})
    cancel.on_cancel(stream.close)
    reporter = _Reporter(total, destination.name, on_progress, cancel)
    reader = ChunkReader(stream.chunks(), reporter)
    try:
        if as_tar:
            _save_tar(reader, destination, cancel)
        else:
            _extract(reader, destination, cancel)
    except OSError as exc:
        if cancel.cancelled:
            cancel.check()
        raise TransferError(f"Cannot write {destination}: {_why(exc)}") from exc
    finally:
        stream.close()
    cancel.check()
    on_progress(TransferProgress(reader.count, total or reader.count, destination.name))
    return str(destination)


class _Reporter:
    """Reports progress every _REPORT_EVERY bytes read and stops a cancelled read."""

    def __init__(
        self, total: int | None, name: str, on_progress: Progress, cancel: CancelToken
    ) -> None:
        self.total = total
        self.name = name
        self.on_progress = on_progress
        self.cancel = cancel
        self.reported = 0

    def __call__(self, count: int) -> None:
        self.cancel.check()
        if count - self.reported >= _REPORT_EVERY:
            self.reported = count
            self.on_progress(TransferProgress(count, self.total, self.name))


def _save_tar(reader: ChunkReader, destination: Path, cancel: CancelToken) -> None:
    part = destination.with_name(destination.name + ".part")
    try:
        with open(part, "wb") as out:
            while chunk := reader.read(_CHUNK):
                out.write(chunk)
        cancel.check()
        os.replace(part, destination)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _extract(reader: ChunkReader, destination: Path, cancel: CancelToken) -> None:
    """Extract into a private folder beside ``destination``, then move the top entry to
    ``destination``: a cancel or failure leaves nothing behind."""
    work = Path(
        tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    )
    try:
        top = _extract_members(reader, work, cancel)
        cancel.check()
        if top is None:
            raise TransferError("Podman sent an empty archive")
        os.rename(work / top, destination)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _extract_members(reader: ChunkReader, work: Path, cancel: CancelToken) -> str | None:
    top: str | None = None
    left_out = 0
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            for member in tar:
                cancel.check()
                if top is None:
                    top = member.name.strip("/").split("/", 1)[0]
                elif member.name.strip("/").split("/", 1)[0] != top:
                    left_out += 1
                    continue  # one top entry per archive: anything else is not ours
                try:
                    # "data": no absolute names or "..", no links leading out, no devices.
                    tar.extract(member, work, filter="data")
                except (tarfile.FilterError, tarfile.ExtractError) as exc:
                    left_out += 1
                    _log.info("left out of the download: %s (%s)", member.name, exc)
    except tarfile.TarError as exc:
        cancel.check()
        raise ConnectionLost(f"The archive from Podman broke off: {exc}") from exc
    if left_out:
        _log.info("%d entries left out of the download (outside the target)", left_out)
    return top


# -- upload ---------------------------------------------------------------------------------


def upload(
    endpoint: Endpoint,
    container: str,
    sources: list[str],
    directory: str,
    *,
    on_progress: Progress = _nothing,
    cancel: CancelToken | None = None,
) -> int:
    """Copy the host's files and folders ``sources`` into the container's ``directory``.

    Returns the number of bytes of file contents sent. Podman's refusal (a read-only
    filesystem, permission denied) is raised as an ApiError in Podman's words, with
    the reason first.
    """
    cancel = cancel or CancelToken()
    directory = normalize(directory)
    try:
        entries = list(_walk(sources))
    except OSError as exc:
        raise TransferError(f"Cannot read {exc.filename}: {_why(exc)}") from exc
    total = sum(size for _arc, _path, size in entries)
    body = _tar_blocks(entries, total, on_progress, cancel)
    try:
        _put(endpoint, url(archive_path(container), {"path": directory}), body, cancel)
    except ApiError as exc:
        raise _explained(exc, directory) from exc
    cancel.check()
    on_progress(TransferProgress(total, total))
    return total


def _put(endpoint: Endpoint, target: str, body: Iterator[bytes], cancel: CancelToken) -> None:
    """PUT a chunked body; when Podman refuses mid-body and closes the connection, its
    answer is still read (http.client would report only the broken pipe)."""
    conn = EndpointConnection(endpoint, timeout=60.0)
    try:
        conn.connect()
        cancel.on_cancel(lambda: _shut(conn.sock))
        conn.sock.settimeout(None)  # the body takes as long as the disk needs
        conn.putrequest("PUT", target)
        conn.putheader("Content-Type", "application/x-tar")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        try:
            for chunk in body:
                if chunk:
                    conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            conn.send(b"0\r\n\r\n")
        except OSError as exc:
            cancel.check()
            _log.info("the upload broke off (%s): reading Podman's answer", exc)
        conn.sock.settimeout(60.0)
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as exc:
        cancel.check()
        why = describe_os_error(exc)
        raise ConnectionLost(f"The upload to Podman broke off: {why}", why) from exc
    finally:
        conn.close()
    if response.status >= 400:
        raise api_error(data, response.status)


def _shut(sock: object) -> None:
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _explained(exc: ApiError, directory: str) -> ApiError:
    text = str(exc)
    lowered = text.lower()
    if "read-only file system" in lowered:
        reason = "the container's filesystem is read-only there"
    elif "permission denied" in lowered:
        reason = "permission denied"
    else:
        return exc
    return type(exc)(f"Cannot write to {directory}: {reason}. Podman said: {text}", exc.status)


def _walk(sources: list[str]) -> Iterator[tuple[str, str, int]]:
    """(name in the archive, host path, bytes of contents) for each entry, folders first."""
    for source in sources:
        root = Path(source)
        base = root.name
        yield base, str(root), _size(root)
        if root.is_dir() and not root.is_symlink():
            for folder, dirs, files in os.walk(root):
                dirs.sort()
                rel = Path(folder).relative_to(root)
                for name in sorted(dirs) + sorted(files):  # names in a tar are POSIX paths
                    path = Path(folder) / name
                    if name in dirs and not path.is_symlink():
                        yield (Path(base) / rel / name).as_posix(), str(path), 0
                    else:
                        yield (Path(base) / rel / name).as_posix(), str(path), _size(path)


def _size(path: Path) -> int:
    info = path.lstat()
    return info.st_size if stat_module.S_ISREG(info.st_mode) else 0


class _Sent:
    """Bytes of file contents sent so far, reported every _REPORT_EVERY bytes."""

    def __init__(self, total: int, on_progress: Progress) -> None:
        self.total = total
        self.on_progress = on_progress
        self.count = 0
        self.reported = 0

    def add(self, size: int, name: str) -> None:
        self.count += size
        if self.count - self.reported >= _REPORT_EVERY:
            self.reported = self.count
            self.on_progress(TransferProgress(self.count, self.total, name))


def _tar_blocks(
    entries: list[tuple[str, str, int]], total: int, on_progress: Progress, cancel: CancelToken
) -> Iterator[bytes]:
    """The tar stream of ``entries``, block by block (never the whole file in memory)."""
    sent = _Sent(total, on_progress)
    for arcname, path, _size_then in entries:
        cancel.check()
        try:
            yield from _member_blocks(arcname, path, sent, cancel)
        except OSError as exc:
            # The host's file, not the connection: say which one could not be read.
            raise TransferError(f"Cannot read {path}: {_why(exc)}") from exc
    yield b"\0" * (_BLOCK * 2)


def _member_blocks(arcname: str, path: str, sent: _Sent, cancel: CancelToken) -> Iterator[bytes]:
    """One entry's header and contents (padded to whole blocks)."""
    info = os.lstat(path)
    member = tarfile.TarInfo(arcname)
    member.mode = stat_module.S_IMODE(info.st_mode)
    member.mtime = int(info.st_mtime)
    if stat_module.S_ISDIR(info.st_mode):
        member.type = tarfile.DIRTYPE
    elif stat_module.S_ISLNK(info.st_mode):
        member.type = tarfile.SYMTYPE
        member.linkname = os.readlink(path)
    elif stat_module.S_ISREG(info.st_mode):
        member.size = info.st_size
    else:
        return  # sockets, devices, pipes: not copied
    yield member.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    if member.type != tarfile.REGTYPE:
        return
    left = member.size
    with open(path, "rb") as source:
        while left > 0:
            cancel.check()
            # A file that shrank meanwhile is padded: the header promised its size.
            chunk = source.read(min(_CHUNK, left)) or b"\0" * min(_CHUNK, left)
            left -= len(chunk)
            yield chunk
            sent.add(len(chunk), arcname)
    padding = -member.size % _BLOCK
    if padding:
        yield b"\0" * padding
