"""Plain records of a container's files: a directory's entries, how they were listed,
a transfer's progress, and the one error of their own. No I/O here, so the views may
import this module whole."""

from __future__ import annotations

import posixpath
import stat as stat_module
from dataclasses import dataclass

from app.engine.errors import ApiError

DIR = "dir"
FILE = "file"
LINK = "link"
OTHER = "other"

# How a directory was listed (DirectoryListing.method).
BY_STAT = "stat"  # an exec of the container's own `stat`: every field, exact names
BY_LS = "ls"  # an exec of `ls -la`: names with a newline cannot be told apart
BY_ARCHIVE = "archive"  # the archive API: works stopped and without a shell, but slower


class NotADirectory(ApiError):
    """A folder was asked for, and the path is a file (or leads to one)."""


def kind_of_mode(mode: int) -> str:
    """DIR, FILE, LINK or OTHER for a POSIX st_mode."""
    if stat_module.S_ISDIR(mode):
        return DIR
    if stat_module.S_ISLNK(mode):
        return LINK
    if stat_module.S_ISREG(mode):
        return FILE
    return OTHER


def join(directory: str, name: str) -> str:
    """The container path of ``name`` in ``directory``."""
    return posixpath.join(directory or "/", name)


def parent(path: str) -> str:
    """The directory above ``path`` ("/" stays "/")."""
    clean = posixpath.normpath(path or "/")
    return posixpath.dirname(clean) or "/"


def normalize(path: str) -> str:
    """An absolute, normalized container path ("" and "." are "/")."""
    text = (path or "/").strip()
    if not text.startswith("/"):
        text = "/" + text
    clean = posixpath.normpath(text)
    return "/" if clean.startswith("//") else clean


@dataclass(frozen=True)
class FileEntry:
    """One entry of a directory in a container."""

    name: str
    kind: str  # DIR, FILE, LINK or OTHER
    size: int
    mode: str  # as ls shows it: "drwxr-xr-x"
    owner: str  # "user:group" (names where the container knows them)
    modified: float | None  # Unix seconds, None when unknown
    target: str = ""  # a symbolic link's target
    target_is_dir: bool = False  # a link that leads to a directory (open it like one)

    @property
    def opens_as_directory(self) -> bool:
        return self.kind == DIR or (self.kind == LINK and self.target_is_dir)


@dataclass(frozen=True)
class DirectoryListing:
    """A directory's entries and how they were read (BY_STAT, BY_LS or BY_ARCHIVE)."""

    path: str
    entries: tuple[FileEntry, ...]
    method: str
    note: str = ""  # why a slower way was used, for the view to say


@dataclass(frozen=True)
class PathStat:
    """One path's details, from the archive API's HEAD (X-Docker-Container-Path-Stat)."""

    path: str
    name: str
    size: int
    is_dir: bool
    mode: str
    modified: str
    link_target: str


@dataclass(frozen=True)
class TransferProgress:
    """How far a download or upload is: bytes so far, of ``total`` when known."""

    done: int
    total: int | None
    current: str = ""  # the file being sent or written

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)
