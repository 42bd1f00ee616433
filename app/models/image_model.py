"""The image list, one row per name as `podman images` prints it: repository, tag, id,
size, age, how many containers use the image.

An image with four names has four rows, each with its own repository and tag and the
same image id; an image with no name (dangling) has one row, which says so in muted
text. Removing a row removes that name; the image itself goes with its last name
(``deleted_images``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtGui import QGuiApplication, QPalette

from app.engine.dto import ImageSummary
from app.models import humanize
from app.models.resource_model import TIME_SAMPLE, Column, ResourceModel

DANGLING = "<none> (dangling)"
DANGLING_TIP = "A dangling image: no name or tag points at it. “Prune Dangling” removes it."


def image_label(image: ImageSummary) -> str:
    """A row as confirmations and messages name it: its name and short id."""
    name = image.name or (DANGLING if image.dangling else "<none>")
    return f"{name}  {image.id[:12]}"


def other_names(image: ImageSummary) -> tuple[str, ...]:
    """The image's names besides this row's."""
    return tuple(n for n in image.repo_tags if n != image.name)


def deleted_images(rows: Iterable[ImageSummary]) -> list[ImageSummary]:
    """The images that removing these rows deletes: those whose every name is among
    them (or that have none). For the others only the names go."""
    chosen: dict[str, set[str]] = {}
    first: dict[str, ImageSummary] = {}
    for row in rows:
        chosen.setdefault(row.id, set()).add(row.name)
        first.setdefault(row.id, row)
    return [first[i] for i, names in chosen.items() if set(first[i].repo_tags) <= names]


def _tooltip(i: ImageSummary) -> str:
    if i.dangling:
        return DANGLING_TIP
    others = other_names(i)
    also = "\nAlso named: " + ", ".join(others) if others else ""
    return f"{i.name or '<none>'}\nImage {i.id[:12]}{also}"


def _used_by(i: ImageSummary) -> str:
    if i.containers <= 0:
        return ""
    return "1 container" if i.containers == 1 else f"{i.containers} containers"


class ImageModel(ResourceModel):
    kind = "images"
    columns = (
        Column(
            "repository",
            "Repository",
            lambda i: DANGLING if i.dangling else i.repository,
            tooltip=_tooltip,
            stretch=True,
        ),
        Column("tag", "Tag", lambda i: i.tag, tooltip=_tooltip, max_width=200),
        Column("id", "Image ID", lambda i: i.id[:12], tooltip=lambda i: i.id),
        Column(
            "size",
            "Size",
            lambda i: humanize.size(i.size),
            sort=lambda i: i.size,
            right_aligned=True,
            sample="999 MB",
        ),
        Column(
            "created",
            "Created",
            lambda i: humanize.since(i.created),
            sort=lambda i: humanize.timestamp(i.created),
            tooltip=lambda i: humanize.local_time(i.created),
            sample=TIME_SAMPLE,
        ),
        Column("used_by", "Used by", _used_by, sort=lambda i: i.containers),
    )

    def foreground(self, item: Any, column: Column) -> Any:
        if item.dangling:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def dangling(self) -> list[ImageSummary]:
        return [i for i in self.items().values() if i.dangling]
