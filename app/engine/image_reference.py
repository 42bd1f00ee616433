"""Image references as Podman reads them: ``[registry/]name[:tag][@digest]``.

The grammar is distribution's (github.com/distribution/reference, which containers/image
uses): lowercase path components joined by ``/``, each of ``[a-z0-9]`` runs separated by
``.``, ``_``, ``__`` or dashes; a registry is the first component when it has a ``.`` or
a ``:`` or is ``localhost``; a tag is ``\\w[\\w.-]{0,127}``; a digest is
``algorithm:hex`` (sha256 takes exactly 64 lowercase hex digits). A name without a
registry is a short name, which Podman resolves through registries.conf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = re.compile(rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}")
NAME_MAX = 255


@dataclass(frozen=True)
class ImageReference:
    """A parsed reference; ``registry`` is "" for a short name."""

    registry: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def short(self) -> bool:
        return not self.registry

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.path}" if self.registry else self.path

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


class BadReference(ValueError):
    """The reference breaks the grammar; str() says how, in words."""


def parse(text: str) -> ImageReference:
    """Parse ``text`` or raise BadReference with the reason."""
    if not text:
        raise BadReference("Type an image name, such as quay.io/podman/hello:latest")
    if text != text.strip() or any(c.isspace() for c in text):
        raise BadReference("An image name has no spaces")
    rest, digest = text, ""
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.fullmatch(digest):
            raise BadReference(
                "The digest after @ must be algorithm:hex, such as sha256: and 64 hex digits"
            )
        if digest.startswith("sha256:") and not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            raise BadReference("A sha256 digest has exactly 64 lowercase hex digits")
    tag = ""
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > last_slash:  # a colon after the last slash starts the tag
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not tag:
            raise BadReference("Nothing follows the ':' — type a tag or remove the colon")
        if not _TAG.fullmatch(tag):
            raise BadReference(
                "A tag is up to 128 letters, digits, '_', '.' or '-', and does not start "
                "with '.' or '-'"
            )
    registry, path = _split_registry(rest)
    if not path:
        raise BadReference("The image name is missing after the registry")
    if len(rest) > NAME_MAX:
        raise BadReference(f"The name is longer than {NAME_MAX} characters")
    for component in path.split("/"):
        if not component:
            raise BadReference("Two slashes in a row, or a slash at an end")
        if component != component.lower():
            raise BadReference("Repository names must be lowercase")
        if not _COMPONENT.fullmatch(component):
            raise BadReference(
                f"'{component}' is not a valid name part: use lowercase letters and digits, "
                "separated by '.', '_', '__' or '-'"
            )
    if registry and not _DOMAIN.fullmatch(registry):
        raise BadReference(f"'{registry}' is not a valid registry host (host or host:port)")
    return ImageReference(registry, path, tag, digest)


def problem(text: str) -> str:
    """Why ``text`` is not a valid reference, or "" when it is."""
    try:
        parse(text)
    except BadReference as exc:
        return str(exc)
    return ""


def _split_registry(name: str) -> tuple[str, str]:
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        return first, rest
    return "", name


def registry_of(text: str) -> str:
    """The registry a reference names ("" for a short name or an unreadable one)."""
    try:
        return parse(text).registry
    except BadReference:
        return ""


def registry_problem(text: str) -> str:
    """Why ``text`` is not a registry host (``host``, ``host:port``), or ""."""
    if not text:
        return "Type the registry's host name, such as quay.io"
    if "/" in text or "://" in text:
        return "Only the host (and port), such as quay.io or registry.local:5000"
    if not _DOMAIN.fullmatch(text):
        return f"'{text}' is not a valid host name (host or host:port)"
    return ""
