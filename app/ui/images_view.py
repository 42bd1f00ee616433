"""The Images page, one row per image name: remove (a name, and an image with its last
name; the confirmation lists every tag and every container that goes with an image) and
prune dangling images, where the confirmation lists exactly the images that will go."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.controllers.image_actions import ImageActions
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.models.image_model import ImageModel
from app.ui.confirmation import Confirmation
from app.ui.image_tools import ImageTools
from app.ui.removal_confirmation import confirm_removal
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No images yet</h3>
<p>Images are the templates containers start from. Pull one with <b>Pull…</b> above, or
from a terminal:</p>
<p><code>podman pull docker.io/library/nginx</code></p>
<p>or build your own with <b>Build…</b> above (<code>podman build -t myapp .</code>),
or load one saved with <code>podman save</code> with <b>Load…</b>.</p>
"""


class ImagesView(ResourceView):
    """Signals: run_requested(str reference): "Run…" on an image (the run dialog);
    pull_requested(), push_requested(str image, list names), registries_requested()
    (the composition root opens the dialogs)."""

    run_requested = Signal(str)
    title = "Images"
    empty_html = EMPTY
    pull_requested = Signal()
    push_requested = Signal(str, list)
    registries_requested = Signal()

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(ImageModel(), settings, parent, actions=actions)
        self.model.setParent(self)
        self.model.count_changed.connect(lambda _n: self.update_actions())
        # Double-click and Enter show an image's details.
        self.tree.doubleClicked.connect(lambda _i: self.tools.open_details())
        for key in (QKeySequence("Return"), QKeySequence("Enter")):
            shortcut = QShortcut(key, self.tree)
            shortcut.setContext(shortcut.context().WidgetShortcut)
            shortcut.activated.connect(self.tools.open_details)

    def use_image_actions(
        self, controller: ImageActions, spawn: Callable[[Coroutine], object]
    ) -> None:
        """Build, tag, save… work through ``controller`` (app/ui/image_tools.py)."""
        self.tools.use(controller, spawn)

    def context_actions(self) -> Sequence[QAction | None]:
        return self.tools.context_actions()

    def _build_actions(self) -> None:
        self.pull = self.add_action("Pull…", self.pull_requested.emit, "Pull an image")
        self.push = self.add_action("Push…", self._push, "Push the selected image to a registry")
        self.registries = self.add_action(
            "Registries…", self.registries_requested.emit, "Log in to and out of registries"
        )
        self.tools = ImageTools(self)  # Build…, Run…, Tag…, Save…, Load…, Import…
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.prune = self.add_action(
            "Prune Dangling…", self._prune, "Remove the images that have no name or tag"
        )

    def update_actions(self) -> None:
        keys = self.selected_keys() if self.connected else []
        self.remove.setEnabled(any(self.model.pending(k) is None for k in keys))
        self.pull.setEnabled(self.connected)
        self.push.setEnabled(self.connected and len(self.selected_items()) == 1)
        self.prune.setEnabled(self.connected and bool(self.model.dangling()))
        self.tools.update()

    def _push(self) -> None:
        items = self.selected_items() if self.connected else []
        if len(items) == 1:
            image = items[0]
            names = [image.name, *(n for n in image.repo_tags if n != image.name)]
            self.push_requested.emit(image.name or image.id, [n for n in names if n])

    def remove_selected(self) -> None:
        keys = [k for k in self.selected_keys() if self.model.pending(k) is None]
        if keys and self.connected:
            self.tasks.spawn(self._remove(keys))

    async def _remove(self, keys: list) -> None:
        removal = await confirm_removal(self.resource_actions, self.confirm, "images", keys)
        if removal is not None:
            await self.resource_actions.remove(removal)

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
