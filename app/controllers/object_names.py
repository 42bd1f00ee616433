"""Podman's own words, with the names the user knows in place of ids.

Podman's messages name containers, pods and images by their 64-character ids
(docs/podman-notes.md, "What removing takes with it"); a message the user reads keeps
Podman's wording but says “web” where Podman said 3f2a…, and a short id for an object
the app does not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# An id as Podman prints it: bare, ``sha256:``-prefixed, or quoted (images).
_ID = re.compile(r'"?(?:sha256:)?(?<![0-9a-f])([0-9a-f]{64})(?![0-9a-f])"?')
# The kinds whose objects Podman names by id, and how the user knows each.
_NAMED_KINDS: dict[str, Callable[[object], str]] = {
    "containers": lambda c: getattr(c, "name", ""),
    "pods": lambda p: getattr(p, "name", ""),
    "networks": lambda n: getattr(n, "name", ""),
    "images": lambda i: next(iter(getattr(i, "repo_tags", ())), ""),
}


def known_names(items: Callable[[str], Mapping]) -> dict[str, str]:
    """Id -> name of every container, pod, network and tagged image in ``items(kind)``
    (a session's last listings)."""
    names: dict[str, str] = {}
    for kind, name_of in _NAMED_KINDS.items():
        for key, item in items(kind).items():
            name = name_of(item)
            if name and isinstance(key, str):
                names[key] = name
    return names


def with_names(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every full id replaced by “its name”, or by its first 12 characters."""

    def name(match: re.Match) -> str:
        known = names.get(match[1])
        return f"“{known}”" if known else match[1][:12]

    return _ID.sub(name, text)
