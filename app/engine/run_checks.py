"""The checks of a run's fields, each giving the reason it is wrong ("" when it is fine),
in the words of the field it is about, so the run dialog can say it next to the field
before Podman is asked. Plain functions: no Qt, no I/O.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from app.engine.container_spec import parse_memory, split_words

# libpod's NameRegex (docs/podman-notes.md, "Container names").
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
ENV_KEY = re.compile(r"^[^=\s]+$")
# Below this runc fails to start the container (docs/podman-notes.md, "Running a container").
MIN_MEMORY = 6 * 1024 * 1024


def name_problem(name: str, existing: Iterable[str]) -> str:
    if not name:
        return ""
    if not NAME_PATTERN.match(name):
        return (
            "Use letters, digits, “_”, “.” and “-”, starting with a letter or digit "
            "(Podman's rule for names)."
        )
    if name in set(existing):
        return f"A container named “{name}” exists already. Choose another name."
    return ""


def image_problem(image: str) -> str:
    if not image.strip():
        return "Choose or type the image to run, for example docker.io/library/nginx."
    if any(c.isspace() for c in image.strip()):
        return "An image reference has no spaces."
    return ""


def words_problem(text: str) -> str:
    try:
        split_words(text)
    except ValueError:
        return "A quote is not closed."
    return ""


def port_number_problem(text: str, what: str, optional: bool) -> str:
    if not text and optional:
        return ""
    if not text.isdigit():
        return f"The {what} is a number from 1 to 65535."
    if not 1 <= int(text) <= 65535:
        return f"The {what} must be from 1 to 65535 (not {text})."
    return ""


def ip_problem(text: str, family: int | None = None, what: str = "address") -> str:
    if not text:
        return ""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return f"“{text}” is not an IP {what}."
    if family is not None and address.version != family:
        return f"“{text}” is not an IPv{family} {what}."
    return ""


def memory_problem(text: str) -> str:
    if not text:
        return ""
    try:
        size = parse_memory(text)
    except ValueError:
        return "Write a size such as 512m or 1g (k, m, g: KiB, MiB, GiB)."
    if size < MIN_MEMORY:
        return "At least 6m: with less the container cannot start."
    return ""


def cpus_problem(text: str, available: int = 0) -> str:
    if not text:
        return ""
    try:
        cpus = float(text)
    except ValueError:
        return "Write a number of CPUs, such as 0.5 or 2."
    if cpus <= 0:
        return "The CPU limit must be more than 0."
    if available and cpus > available:
        return f"The host has {available} CPUs; the limit cannot be more."
    return ""


def env_key_problem(key: str) -> str:
    if not key:
        return "A variable needs a name."
    if not ENV_KEY.match(key):
        return f"“{key}” cannot be a variable name (no spaces or “=”)."
    return ""


def path_problem(text: str, what: str) -> str:
    if not text:
        return f"The {what} is missing."
    if not text.startswith("/"):
        return f"The {what} must be an absolute path (starting with /)."
    return ""


def duplicates(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, in order."""
    seen: set[str] = set()
    twice: list[str] = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice
