"""Plain records of the image work beyond listing: building, moving image archives,
history and details. No I/O here, so the views may import them (docs/layers.ini)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# The reference grammar of containers/image (docker/reference): an optional domain
# (with a port), path components of lower-case letters and digits joined by ".", "_",
# "__" or "-"s, an optional tag of up to 128 word characters, ".", "-", and an optional
# digest. Podman lower-cases nothing: an upper-case repository is refused.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?")
MAX_NAME = 255


def reference_problem(text: str, *, digest_allowed: bool = False) -> str:
    """Why ``text`` is not an image reference Podman accepts ("" when it is)."""
    if not text:
        return "A name is needed."
    if text != text.strip() or any(c.isspace() for c in text):
        return "A name has no spaces."
    match = _REFERENCE.fullmatch(text)
    if match is None:
        if any(c.isupper() for c in text.split(":")[0].split("/")[-1]):
            return "The repository must be lower case (the tag may not be)."
        if text.endswith(":"):
            return "A tag follows the colon: name:tag."
        return (
            "Not an image name: lower-case letters, digits and . _ - separated by /, "
            "then an optional :tag (for example localhost/myapp:1.0)."
        )
    if len(match.group(1)) > MAX_NAME:
        return f"The repository is longer than {MAX_NAME} characters."
    if match.group(3) and not digest_allowed:
        return "A new name cannot carry a digest (@sha256:…)."
    return ""


def split_name(reference: str) -> tuple[str, str]:
    """(repository, tag) of a reference with no digest; the tag defaults to "latest"."""
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        repo, tag = reference.rsplit(":", 1)
        return repo, tag
    return reference, "latest"


@dataclass(frozen=True)
class BuildRequest:
    """What the Build dialog asks for (``podman build`` options the app supports)."""

    context: Path
    containerfile: Path | None = None  # None: Containerfile, else Dockerfile, in the context
    tags: tuple[str, ...] = ()
    build_args: tuple[tuple[str, str], ...] = ()
    target: str = ""
    no_cache: bool = False
    pull: str = "missing"  # "missing" (Podman's default) or "always"


@dataclass(frozen=True)
class BuildProgress:
    """One step of a build: a piece of Podman's log (``text``, with ANSI escapes kept),
    or, while the context is sent, how many bytes of it went (``sent``)."""

    text: str = ""
    sent: int = 0
    sending: bool = False  # still sending the context

    def __str__(self) -> str:
        # One line for a list of operations (the transfers panel).
        if self.sending:
            return f"Sending the context: {_size(self.sent)}"
        return self.text.strip()


@dataclass(frozen=True)
class BuildResult:
    image_id: str
    tags: tuple[str, ...]
    sent: int  # bytes of context sent


@dataclass(frozen=True)
class TransferProgress:
    """Bytes moved of an image archive (save, load, import); ``total`` 0 when unknown."""

    done: int
    total: int = 0
    text: str = ""
    estimated: bool = False  # ``total`` is a guess (a save: about the image's size)

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total > 0 else None

    def __str__(self) -> str:
        about = "about " if self.estimated else ""
        total = f" of {about}{_size(self.total)}" if self.total else ""
        return self.text or f"{_size(self.done)}{total}"


def _size(count: int) -> str:
    # Decimal units, as Podman prints sizes.
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count} B"


@dataclass(frozen=True)
class HistoryEntry:
    """One layer of ``podman history``: when, how big, and the instruction that made it."""

    id: str
    created: datetime | None
    created_by: str
    size: int
    comment: str = ""
    tags: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, d: Mapping[str, Any]) -> HistoryEntry:
        created = d.get("Created")
        when = None
        if isinstance(created, int | float) and created > 0:
            when = datetime.fromtimestamp(created, tz=timezone.utc)
        return cls(
            id=str(d.get("Id") or d.get("ID") or ""),
            created=when,
            created_by=str(d.get("CreatedBy") or ""),
            size=int(d.get("Size") or 0),
            comment=str(d.get("Comment") or ""),
            tags=tuple(str(t) for t in d.get("Tags") or ()),
        )


@dataclass(frozen=True)
class ImageDetails:
    """What the Details dialog shows of ``/libpod/images/NAME/json``."""

    id: str
    names: tuple[str, ...] = ()
    digest: str = ""
    created: str = ""
    size: int = 0
    architecture: str = ""
    os: str = ""
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    workdir: str = ""
    user: str = ""
    env: tuple[str, ...] = ()
    exposed_ports: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    containers: tuple[str, ...] = ()  # names of the containers using it

    @classmethod
    def from_api(cls, d: Mapping[str, Any], containers: tuple[str, ...] = ()) -> ImageDetails:
        config = d.get("Config") or {}
        return cls(
            id=str(d.get("Id") or "").removeprefix("sha256:"),
            names=tuple(str(n) for n in d.get("RepoTags") or ()),
            digest=str(d.get("Digest") or ""),
            created=str(d.get("Created") or ""),
            size=int(d.get("Size") or 0),
            architecture=str(d.get("Architecture") or ""),
            os=str(d.get("Os") or ""),
            entrypoint=tuple(str(a) for a in config.get("Entrypoint") or ()),
            cmd=tuple(str(a) for a in config.get("Cmd") or ()),
            workdir=str(config.get("WorkingDir") or ""),
            user=str(config.get("User") or ""),
            env=tuple(str(e) for e in config.get("Env") or ()),
            exposed_ports=tuple(sorted(str(p) for p in config.get("ExposedPorts") or {})),
            labels={str(k): str(v) for k, v in (config.get("Labels") or {}).items()},
            containers=containers,
        )
