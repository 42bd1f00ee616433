"""Browse a container's filesystem one directory at a time.

A directory is listed with an exec of the container's own `stat` (one call for all
entries, names sent NUL-separated so spaces, tabs and newlines survive), else of
`ls -la`, else through the archive API, which works on a stopped container and on an
image without a shell but sends the whole subtree as tar (docs/podman-notes.md,
"Containers: archives and exec"). One path's details come from the archive API's HEAD.
"""

from __future__ import annotations

import base64
import binascii
import json
import stat as stat_module
import struct
import tarfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, Conflict, ConnectionLost, PodmanError, describe_os_error
from app.engine.file_records import (
    BY_ARCHIVE,
    BY_LS,
    BY_STAT,
    DIR,
    LINK,
    DirectoryListing,
    FileEntry,
    NotADirectory,
    PathStat,
    kind_of_mode,
    normalize,
)
from app.engine.http_api import LIBPOD_PREFIX, EndpointConnection, api_error, open_stream, request
from app.engine.streams.records import STDERR, STDOUT
from app.support import log

_log = log.get("files")

# The exec's own output header: Docker's multiplexed stream (stream type, three zero
# bytes, big-endian length), as in the logs (app/engine/streams/logs.py). The logs
# decoder splits frames into lines; a listing needs the exact bytes, NULs included.
_FRAME = struct.Struct(">BxxxL")

# Runs as `sh -c SCRIPT sh DIR`: the path is an argument, never quoted into the script.
# Prints "N\n", the N names each ending in NUL, N `stat` lines (fields only, no name),
# one line with a flag per entry ("d": is or leads to a directory), then `stat %N` of
# the symbolic links ("'name' -> 'target'"), one per line, in the same order.
STAT_SCRIPT = r"""
cd -- "$1" || exit 3
set -- * .*
k=$#
for f; do
  case $f in .|..) ;; *) if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi;; esac
done
shift $k
echo "$#"
[ $# -gt 0 ] || exit 0
printf '%s\0' "$@"
stat -c '%f %s %Y %u %g %U %G' -- "$@" || exit 4
for f; do if [ -d "$f" ]; then printf d; else printf -; fi; done
echo
k=$#
for f; do if [ -L "$f" ]; then set -- "$@" "$f"; fi; done
shift $k
[ $# -gt 0 ] || exit 0
QUOTING_STYLE=literal stat -c '%N' -- "$@"
"""

LS_SCRIPT = 'cd -- "$1" || exit 3\nexec ls -la'

# An exec that could not start its command: no shell in the image, or no such tool.
_NOT_FOUND_CODES = (126, 127)


class ExecResult:
    """What a non-interactive exec printed, and how it ended."""

    def __init__(self, exit_code: int, stdout: bytes, stderr: bytes) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def message(self) -> str:
        text = self.stderr.decode("utf-8", "replace").strip()
        return text.splitlines()[-1] if text else f"exit code {self.exit_code}"


def demultiplex(data: bytes) -> tuple[bytes, bytes]:
    """stdout and stderr of a multiplexed exec stream (raw text passes as stdout)."""
    out, err = bytearray(), bytearray()
    pos = 0
    while len(data) - pos >= 8 and data[pos] in (0, 1, 2) and data[pos + 1 : pos + 4] == b"\0\0\0":
        stream, size = _FRAME.unpack_from(data, pos)
        payload = data[pos + 8 : pos + 8 + size]
        (err if stream == STDERR else out).extend(payload)
        pos += 8 + size
    if pos < len(data):
        out.extend(data[pos:])  # not framed (a TTY) or a cut frame: keep what came
    return bytes(out), bytes(err)


def run_exec(
    endpoint: Endpoint, container: str, cmd: list[str], timeout: float = 60.0
) -> ExecResult:
    """Run ``cmd`` in a running container and collect its output and exit code.

    Raises Conflict when the container is not running (Podman: "can only create exec
    sessions on running containers").
    """
    created = request(
        endpoint,
        "POST",
        f"{LIBPOD_PREFIX}/containers/{container}/exec",
        body={"AttachStdout": True, "AttachStderr": True, "Cmd": cmd},
    )
    exec_id = created["Id"]
    stream = open_stream(
        endpoint,
        f"{LIBPOD_PREFIX}/exec/{exec_id}/start",
        method="POST",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"Detach": False, "Tty": False}).encode(),
        connect_timeout=timeout,
    )
    try:
        data = b"".join(stream.chunks())
    finally:
        stream.close()
    out, err = demultiplex(data)
    info = request(endpoint, "GET", f"{LIBPOD_PREFIX}/exec/{exec_id}/json")
    code = info.get("ExitCode")
    return ExecResult(int(code if code is not None else -1), out, err)


# -- listing ------------------------------------------------------------------------------


def list_directory(
    endpoint: Endpoint, container: str, path: str, running: bool
) -> DirectoryListing:
    """The entries of one directory, by the best way the container allows.

    A running container is asked through exec (`stat`, else `ls -la`); a stopped one,
    or one without a shell, through the archive API. Raises NotFound for a missing
    path, NotADirectory, and ApiError with the container's words ("Permission denied").
    """
    path = normalize(path)
    if not running:
        return _listed_by_archive(endpoint, container, path, "The container is not running")
    try:
        result = run_exec(endpoint, container, ["sh", "-c", STAT_SCRIPT, "sh", path])
    except Conflict:
        return _listed_by_archive(endpoint, container, path, "The container is not running")
    except ApiError as exc:
        if _no_shell(str(exc)):
            return _listed_by_archive(endpoint, container, path, "The image has no shell")
        raise
    if result.exit_code == 3:
        raise _cd_error(result, path)
    if result.exit_code == 0:
        try:
            return DirectoryListing(path, tuple(parse_stat_listing(result.stdout)), BY_STAT)
        except ValueError as exc:
            _log.warning("could not read stat's listing of %s: %s", path, exc)
    elif result.exit_code in _NOT_FOUND_CODES and _no_shell(
        result.stderr.decode("utf-8", "replace")
    ):
        return _listed_by_archive(endpoint, container, path, "The image has no shell")
    _log.info("stat listing of %s failed (%s); trying ls", path, result.message)
    result = run_exec(endpoint, container, ["sh", "-c", LS_SCRIPT, "sh", path])
    if result.exit_code == 3:
        raise _cd_error(result, path)
    if result.exit_code == 0:
        entries = tuple(parse_ls_listing(result.stdout))
        return DirectoryListing(path, entries, BY_LS, "Listed with ls: names are approximate")
    return _listed_by_archive(endpoint, container, path, "The image has neither stat nor ls")


def _no_shell(message: str) -> bool:
    text = message.lower()
    return (
        "executable file not found" in text
        or "no such file or directory" in text
        and ("exec" in text or "sh" in text)
    )


def _cd_error(result: ExecResult, path: str) -> ApiError:
    # busybox: "sh: cd: can't cd to /x: No such file or directory"; bash: "cd: /x: ..."
    message = result.message
    lowered = message.lower()
    if "no such file" in lowered:
        from app.engine.errors import NotFound

        return NotFound(f"{path}: no such file or directory in the container", 404, message)
    if "not a directory" in lowered:
        return NotADirectory(f"{path} is not a directory", 400, message)
    reason = message.rsplit(":", 1)[-1].strip() if ":" in message else message
    return ApiError(f"Cannot open {path}: {reason}", 403, message)


def parse_stat_listing(data: bytes) -> Iterator[FileEntry]:
    """FileEntry records from STAT_SCRIPT's output (see there for its shape)."""
    head, _, rest = data.partition(b"\n")
    count = int(head)
    names: list[bytes] = []
    for _ in range(count):
        name, sep, rest = rest.partition(b"\0")
        if not sep:
            raise ValueError("the names ended early")
        names.append(name)
    lines = rest.split(b"\n", count + 1)
    if count and len(lines) < count + 1:
        raise ValueError("fewer stat lines than names (a file vanished meanwhile)")
    fields = lines[:count]
    flags = lines[count] if count else b""
    links_text = lines[count + 1] if len(lines) > count + 1 else b""
    if len(flags) != count:
        raise ValueError("the directory flags do not match the names")
    link_names = [n for n, f in zip(names, fields, strict=True) if _is_link_line(f)]
    targets = _link_targets(links_text, link_names)
    for name, line, flag in zip(names, fields, flags, strict=True):
        parts = line.decode("utf-8", "replace").split(" ", 6)
        if len(parts) != 7:
            raise ValueError(f"an unreadable stat line: {line[:80]!r}")
        raw_mode, size, mtime, uid, gid, user, group = parts
        mode = int(raw_mode, 16)
        kind = kind_of_mode(mode)
        text = name.decode("utf-8", "replace")
        yield FileEntry(
            name=text,
            kind=kind,
            size=int(size),
            mode=stat_module.filemode(mode),
            owner=f"{_known(user, uid)}:{_known(group, gid)}",
            modified=float(mtime),
            target=targets.get(name, b"").decode("utf-8", "replace"),
            target_is_dir=kind == LINK and flag == ord("d"),
        )


def _known(name: str, number: str) -> str:
    # busybox prints UNKNOWN for an id the container's /etc/passwd or /etc/group lacks
    return number if name == "UNKNOWN" else name


def _is_link_line(line: bytes) -> bool:
    try:
        return stat_module.S_ISLNK(int(line.split(b" ", 1)[0], 16))
    except ValueError:
        return False


def _link_targets(text: bytes, names: list[bytes]) -> dict[bytes, bytes]:
    """Targets from `stat -c %N` lines, read knowing each name in turn.

    busybox prints "'name' -> 'target'" without escaping; GNU stat with
    QUOTING_STYLE=literal prints "name -> target". A name or target holding a newline
    still reads right, because each record starts with the next known name.
    """
    targets: dict[bytes, bytes] = {}
    pos = 0
    for index, name in enumerate(names):
        quoted = b"'" + name + b"' -> '"
        plain = name + b" -> "
        if text.startswith(quoted, pos):
            start, closing = pos + len(quoted), b"'\n"
        elif text.startswith(plain, pos):
            start, closing = pos + len(plain), b"\n"
        else:
            break
        if index + 1 < len(names):
            following = names[index + 1]
            ends = [
                text.find(closing + b"'" + following + b"' -> '", start),
                text.find(closing + following + b" -> ", start),
            ]
            found = [e for e in ends if e >= 0]
            end = min(found) if found else -1
        else:
            end = text.rfind(closing)
        if end < 0:
            end = len(text)
        targets[name] = text[start:end]
        pos = end + len(closing)
    return targets


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}


def parse_ls_listing(data: bytes) -> Iterator[FileEntry]:
    """FileEntry records from `ls -la` (busybox or GNU, default time style)."""
    for raw in data.decode("utf-8", "replace").splitlines():
        parts = raw.split(None, 8)
        if len(parts) < 9 or len(parts[0]) < 10 or parts[0][0] not in "-dlcbps":
            continue  # "total N", or a line this parser cannot read
        mode, _links, user, group, size = parts[:5]
        date, name = parts[5:8], parts[8]
        if mode[0] in "cb" and size.endswith(","):
            # a device: "major, minor" takes the size column and one more
            more = raw.split(None, 9)
            date, name = more[6:9], more[9] if len(more) > 9 else ""
            size = "0"
        if name in (".", ".."):
            continue
        target = ""
        if mode[0] == "l" and " -> " in name:
            name, target = name.split(" -> ", 1)
        kind = {"d": DIR, "l": LINK, "-": "file"}.get(mode[0], "other")
        yield FileEntry(
            name=name,
            kind=kind,
            size=int(size) if size.isdigit() else 0,
            mode=mode[:10],
            owner=f"{user}:{group}",
            modified=_ls_time(date),
            target=target,
        )


def _ls_time(parts: list[str]) -> float | None:
    try:
        month = _MONTHS[parts[0]]
        day = int(parts[1])
        if ":" in parts[2]:
            hour, minute = (int(x) for x in parts[2].split(":"))
            now = datetime.now()
            year = now.year if (month, day) <= (now.month, now.day) else now.year - 1
        else:
            year, hour, minute = int(parts[2]), 0, 0
        return datetime(year, month, day, hour, minute).timestamp()
    except (KeyError, ValueError, IndexError):
        return None


# -- the archive API ------------------------------------------------------------------------


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


def _listed_by_archive(endpoint: Endpoint, container: str, path: str, why: str) -> DirectoryListing:
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
        from app.engine.http_api import url

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


__all__ = [
    "BY_ARCHIVE",
    "BY_LS",
    "BY_STAT",
    "DIR",
    "STDOUT",
    "ChunkReader",
    "ExecResult",
    "NotADirectory",
    "demultiplex",
    "list_directory",
    "run_exec",
    "stat_path",
]
