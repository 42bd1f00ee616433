"""A build context as a tar stream, produced block by block and never held whole.

``podman build`` (remote) sends the context directory as a tar body; a context can be
gigabytes, so :func:`context_blocks` yields one tar header or one file chunk at a time
while the HTTP body is being sent. What ``.containerignore`` (else ``.dockerignore``)
excludes is never read. The grammar is Docker's (docs/podman-notes.md, "Building"):
one pattern a line, ``#`` comments, ``*`` and ``?`` within one path part, ``**`` across
parts, a leading ``!`` re-includes, the last matching line wins, and a pattern that
matches a directory excludes what is under it.
"""

from __future__ import annotations

import os
import re
import stat
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.support.concurrency import CancelToken

BLOCK = tarfile.BLOCKSIZE  # 512
CHUNK = 1024 * 1024  # one read of a file; what is in memory at a time
IGNORE_FILES = (".containerignore", ".dockerignore")
CONTAINERFILES = ("Containerfile", "Dockerfile")


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    include: bool  # a "!" line


class IgnoreRules:
    """The patterns of an ignore file; :meth:`ignored` answers for one relative path."""

    def __init__(self, lines: list[str]) -> None:
        self.rules: list[_Rule] = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            include = line.startswith("!")
            line = line[1:].strip() if include else line
            line = os.path.normpath(line.replace("\\", "/")).lstrip("/")
            if line in ("", "."):
                continue
            self.rules.append(_Rule(re.compile(_translate(line)), include))

    @classmethod
    def of(cls, context: Path) -> IgnoreRules:
        """The rules of ``context``'s ``.containerignore``, else ``.dockerignore``."""
        for name in IGNORE_FILES:
            path = context / name
            if path.is_file():
                return cls(path.read_text(errors="replace").splitlines())
        return cls([])

    def ignored(self, relative: str) -> bool:
        """Whether ``relative`` (with "/" separators) is left out of the context."""
        parts = relative.split("/")
        # A path is out when it, or a directory above it, matches (the last rule wins).
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        verdict = False
        for rule in self.rules:
            if any(rule.pattern.fullmatch(p) for p in prefixes):
                verdict = not rule.include
        return verdict

    def __bool__(self) -> bool:
        return bool(self.rules)


def _translate(pattern: str) -> str:
    """A glob of the ignore grammar as a regular expression over a relative path."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):  # "**/" matches zero or more directories
                i += 1
                out.append("(?:.*/)?")
            else:
                out.append(".*")
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class ContextPlan:
    """What a build sends: the files of the context that are not ignored, and the
    name the Containerfile has inside the stream (``dockerfile=`` of the API)."""

    context: Path
    containerfile: Path
    dockerfile_name: str  # relative, "/"-separated, inside the stream
    outside: bool  # the Containerfile is not under the context: it is added at its root


def default_containerfile(context: Path) -> Path | None:
    """``Containerfile``, else ``Dockerfile``, in ``context`` (None if neither)."""
    for name in CONTAINERFILES:
        if (context / name).is_file():
            return context / name
    return None


def plan(context: Path, containerfile: Path | None = None) -> ContextPlan:
    """Where the Containerfile goes in the stream. One outside the context is sent at
    the stream's root under its own file name, or a name no context file has."""
    context = context.resolve()
    chosen = (
        containerfile or default_containerfile(context) or context / "Containerfile"
    ).resolve()
    try:
        relative = chosen.relative_to(context).as_posix()
        return ContextPlan(context, chosen, relative, False)
    except ValueError:
        pass
    name = chosen.name
    n = 1
    while (context / name).exists():
        n += 1
        name = f"{chosen.name}.{n}"
    return ContextPlan(context, chosen, name, True)


def walk(context_plan: ContextPlan) -> Iterator[tuple[str, Path]]:
    """(name in the stream, path on disk) of every entry sent, parents before children."""
    context = context_plan.context
    rules = IgnoreRules.of(context)
    always = {context_plan.dockerfile_name} if not context_plan.outside else set()
    always.update(IGNORE_FILES)  # the service reads them too, whatever they say
    for top, dirs, files in os.walk(context, followlinks=False):
        base = Path(top)
        rel_top = base.relative_to(context).as_posix()
        rel_top = "" if rel_top == "." else rel_top + "/"
        dirs.sort()
        kept_dirs = []
        for d in dirs:
            rel = rel_top + d
            # An ignored directory may still hold a "!"-included file: descend then.
            if rules.ignored(rel) and not _may_reinclude(rules, rel):
                continue
            kept_dirs.append(d)
            if not rules.ignored(rel):
                yield rel, base / d
        dirs[:] = kept_dirs
        for f in sorted(files):
            rel = rel_top + f
            if rel in always or not rules.ignored(rel):
                yield rel, base / f
    if context_plan.outside:
        yield context_plan.dockerfile_name, context_plan.containerfile


def _may_reinclude(rules: IgnoreRules, directory: str) -> bool:
    return any(r.include for r in rules.rules) and bool(directory)


def context_blocks(
    context_plan: ContextPlan,
    *,
    on_sent: Callable[[int], None] = lambda _n: None,
    cancel: CancelToken | None = None,
) -> Iterator[bytes]:
    """The tar stream of the context, one header or file chunk at a time.

    ``on_sent`` gets the running total of bytes produced after each file. Files are read
    in chunks of CHUNK bytes; a file that changes size while read is padded or cut to the
    size its header announced, so the stream stays a valid tar.
    """
    sent = 0
    for name, path in walk(context_plan):
        if cancel is not None:
            cancel.check()
        try:
            st = path.lstat()
        except OSError:
            continue  # gone since the walk
        info = tarfile.TarInfo(name)
        info.mode = stat.S_IMODE(st.st_mode)
        info.mtime = int(st.st_mtime)
        info.uid, info.gid = st.st_uid, st.st_gid
        if stat.S_ISDIR(st.st_mode):
            info.type = tarfile.DIRTYPE
        elif stat.S_ISLNK(st.st_mode):
            info.type = tarfile.SYMTYPE
            info.linkname = os.readlink(path)
        elif stat.S_ISREG(st.st_mode):
            info.size = st.st_size
        else:
            continue  # sockets, fifos, devices: podman build skips them too
        header = info.tobuf(format=tarfile.PAX_FORMAT)
        yield header
        sent += len(header)
        if info.size:
            for chunk in _file_chunks(path, info.size, cancel):
                yield chunk
                sent += len(chunk)
        on_sent(sent)
    end = b"\0" * (BLOCK * 2)
    yield end
    on_sent(sent + len(end))


def _file_chunks(path: Path, size: int, cancel: CancelToken | None) -> Iterator[bytes]:
    left = size
    try:
        with open(path, "rb") as file:
            while left > 0:
                if cancel is not None:
                    cancel.check()
                data = file.read(min(CHUNK, left))
                if not data:
                    break
                left -= len(data)
                yield data
    except OSError:
        pass  # unreadable now: the rest is zeros, the announced size is kept
    while left > 0:
        n = min(CHUNK, left)
        left -= n
        yield b"\0" * n
    pad = -size % BLOCK
    if pad:
        yield b"\0" * pad
