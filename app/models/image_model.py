"""The image list: repository, tag, id, size, age, how many containers use it.

Dangling images (no tag) are shown as such, in muted text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication, QPalette

from app.engine.dto import ImageSummary
from app.models import humanize
from app.models.resource_model import Column, ResourceModel


def image_label(image: ImageSummary) -> str:
    """An image as confirmations and messages name it: its first name and short id."""
    name = image.repo_tags[0] if image.repo_tags else "<none> (dangling)"
    return f"{name}  {image.id[:12]}"


def _tag(i: ImageSummary) -> str:
    extra = len(i.repo_tags) - 1
    return f"{i.tag} (+{extra})" if extra > 0 else i.tag


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
            lambda i: "<none> (dangling)" if i.dangling else i.repository,
            tooltip=lambda i: (
                "\n".join(i.repo_tags)
                or "A dangling image: no name or tag points at it. “Prune Dangling” removes it."
            ),
        ),
        Column("tag", "Tag", _tag, tooltip=lambda i: "\n".join(i.repo_tags)),
        Column("id", "Image ID", lambda i: i.id[:12], tooltip=lambda i: i.id),
        Column(
            "size",
            "Size",
            lambda i: humanize.size(i.size),
            sort=lambda i: i.size,
            right_aligned=True,
        ),
        Column(
            "created",
            "Created",
            lambda i: humanize.since(i.created),
            sort=lambda i: humanize.timestamp(i.created),
            tooltip=lambda i: humanize.local_time(i.created),
        ),
        Column("used_by", "Used by", _used_by, sort=lambda i: i.containers),
    )

    def foreground(self, item: Any, column: Column) -> Any:
        if item.dangling:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def dangling(self) -> list[ImageSummary]:
        return [i for i in self.items().values() if i.dangling]
