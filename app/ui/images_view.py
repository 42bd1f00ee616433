"""The Images page, one row per image name: remove (a name, and an image with its last
name; force offered when containers use an image that would go) and prune dangling
images, where the confirmation lists exactly the images that will go."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.models.image_model import ImageModel, deleted_images, image_label
from app.ui.confirmation import Confirmation
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No images yet</h3>
<p>Images are the templates containers start from. Pull one from a terminal:</p>
<p><code>podman pull docker.io/library/nginx</code></p>
<p>or build your own with <code>podman build -t myapp .</code></p>
"""


class ImagesView(ResourceView):
    title = "Images"
    empty_html = EMPTY

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(ImageModel(), settings, parent, actions=actions)
        self.model.setParent(self)
        self.model.count_changed.connect(lambda _n: self.update_actions())

    def _build_actions(self) -> None:
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.prune = self.add_action(
            "Prune Dangling…", self._prune, "Remove the images that have no name or tag"
        )

    def update_actions(self) -> None:
        keys = self.selected_keys() if self.connected else []
        self.remove.setEnabled(any(self.model.pending(k) is None for k in keys))
        self.prune.setEnabled(self.connected and bool(self.model.dangling()))

    def remove_selected(self) -> None:
        keys = [k for k in self.selected_keys() if self.model.pending(k) is None]
        if keys and self.connected:
            self.tasks.spawn(self._remove(keys))

    async def _remove(self, keys: list) -> None:
        rows = [self.model.item(k) for k in keys]
        # A row is one name: the image goes only with its last name (as `podman rmi`).
        deleted = deleted_images(rows)
        gone = {i.id for i in deleted}
        kept = [r.name for r in rows if r.id not in gone]
        used = sum(i.containers for i in deleted)
        details = []
        if kept:
            details.append(
                f"Only the name goes for {', '.join(kept)}: "
                + ("its image keeps" if len(kept) == 1 else "their images keep")
                + " its other names."
            )
        if used:
            details.append(
                f"Containers use {'it' if len(deleted) == 1 else 'them'} ({used}): Podman "
                "refuses unless you force, which also removes those containers."
            )
        answer = await self.confirm(
            Confirmation(
                title="Remove images",
                text=_question(len(deleted), len(kept)),
                items=[image_label(r) for r in rows],
                details=" ".join(details),
                force_text="Force: also remove the containers using them" if used else "",
            )
        )
        if answer.accepted and self.session is not None:
            await self.resource_actions.remove_images(keys, force=answer.force)

    def _prune(self) -> None:
        if self.connected:
            self.tasks.spawn(self._prune_dangling())

    async def _prune_dangling(self) -> None:
        dangling = self.model.dangling()
        if not dangling:
            return
        answer = await self.confirm(
            Confirmation(
                title="Prune dangling images",
                text=f"Remove these {len(dangling)} dangling images (no name or tag)?",
                items=[f"{i.id[:12]}  {i.created:%Y-%m-%d}" for i in dangling],
                action="Prune",
            )
        )
        if answer.accepted and self.session is not None:
            await self.resource_actions.prune_images([i.id for i in dangling])


def _question(deleted: int, kept: int) -> str:
    """ "Remove this image?", "Remove 2 names?", "Remove 1 image and 2 names?"."""

    def count(n: int, noun: str) -> str:
        return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

    if not kept:
        return "Remove this image?" if deleted == 1 else f"Remove {deleted} images?"
    if not deleted:
        return "Remove this name?" if kept == 1 else f"Remove {kept} names?"
    return f"Remove {count(deleted, 'image')} and {count(kept, 'name')}?"
