"""The Images page's actions beyond removing: Build…, Run…, Details…, History…, Tag…,
Untag…, Save…, Load… and Import…, with the dialogs they open and the messages they
post. The page (``images_view.py``) only places them; the work goes through the
``ImageActions`` controller, the long parts as Operations (the transfers panel).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from app.controllers.image_actions import ImageActions
from app.controllers.operations import Operation
from app.engine.dto import ImageSummary
from app.engine.errors import PodmanError
from app.models import humanize
from app.support.concurrency import Cancelled
from app.ui.confirmation import Confirmation
from app.ui.path_field import OPEN_FILE, SAVE_FILE, pick

if TYPE_CHECKING:  # the dialogs are imported when first opened (launch time)
    from app.ui.build_dialog import BuildDialog
    from app.ui.image_details_dialog import ImageDetailsDialog
    from app.ui.image_history_dialog import ImageHistoryDialog
    from app.ui.images_view import ImagesView
    from app.ui.import_dialog import ImportDialog
    from app.ui.tag_dialog import TagDialog

ARCHIVES = "Image archives (*.tar);;All files (*)"


def archive_name(image: ImageSummary) -> str:
    """A file name for a saved image: ``myapp-1.0.tar`` (the id for a nameless one)."""
    if not image.name:
        return f"{image.id[:12]}.tar"
    base = f"{image.repository.rsplit('/', 1)[-1]}-{image.tag}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", base) + ".tar"


class ImageTools(QObject):
    """Owns the actions; ``use(controller, spawn)`` makes them work."""

    def __init__(self, view: ImagesView) -> None:
        super().__init__(view)
        self.view = view
        self.controller: ImageActions | None = None
        self.spawn: Callable[[Coroutine], object] = view.tasks.spawn
        # Replaceable (tests): where a save goes, which archive to load; "" cancels.
        self.choose_save_path: Callable[[ImageSummary], str] = self._pick_save_path
        self.choose_archive: Callable[[], str] = lambda: pick(
            view, OPEN_FILE, "Load images from an archive", str(Path.home()), ARCHIVES
        )
        self._select_id = ""
        self.dialogs: list[QObject] = []  # the open ones (tests look at them)
        add = view.add_action
        self.build = add("Build…", self.open_build, "Build an image from a Containerfile")
        self.load = add("Load…", self.load_archive, "Load images from a podman save archive")
        self.import_ = add("Import…", self.open_import, "Make an image of a root filesystem")
        view.toolbar.addSeparator()
        self.run = add("Run…", self.request_run, "Run a container from the selected image")
        self.tag = add("Tag…", self.open_tag, "Give the selected image another name")
        self.save = add("Save…", self.save_selected, "Save the selected image to a tar file")
        self.details = self._action("Details…", self.open_details, "What the image holds")
        self.history = self._action("History…", self.open_history, "The image's layers")
        self.untag = self._action("Untag…", self.untag_selected, "Remove this name only")
        view.model.rowsInserted.connect(lambda *_: self._select_pending())

    def _action(self, text: str, slot: Callable[[], object], tip: str) -> QAction:
        action = QAction(text, self.view)
        action.setObjectName(text.rstrip("…").lower())
        action.setToolTip(tip)
        action.triggered.connect(lambda: slot())
        return action

    def use(self, controller: ImageActions, spawn: Callable[[Coroutine], object]) -> None:
        self.controller, self.spawn = controller, spawn
        controller.listed.connect(self.select_image)
        self.update()

    def context_actions(self) -> Sequence[QAction | None]:
        return [
            self.details, self.history, self.run, None, self.tag, self.untag, self.save,
            None, self.view.remove,
        ]  # fmt: skip

    def update(self) -> None:
        ready = self.controller is not None and self.view.connected
        items = self.view.selected_items() if ready else []
        one = items[0] if len(items) == 1 else None
        for action in (self.build, self.load, self.import_):
            action.setEnabled(ready)
        for action in (self.run, self.details, self.history, self.tag, self.save):
            action.setEnabled(one is not None)
        self.untag.setEnabled(one is not None and bool(one.name))

    def _one(self) -> ImageSummary | None:
        items = self.view.selected_items()
        return items[0] if len(items) == 1 and self.controller is not None else None

    def _show(self, dialog: QObject) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda *_: self.dialogs.remove(dialog))
        dialog.show()

    # -- selecting what was made -----------------------------------------------------------

    def select_image(self, image_id: str) -> None:
        """Select the rows of ``image_id`` now, or when they are listed."""
        self._select_id = image_id
        self._select_pending()

    def _select_pending(self) -> None:
        if not self._select_id:
            return
        keys = [k for k, i in self.view.model.items().items() if i.id == self._select_id]
        if keys:
            self._select_id = ""
            self.view.select_keys(keys)
            row = self.view.model.row_of(keys[0])
            index = self.view.proxy.mapFromSource(self.view.model.index(row, 0))
            self.view.tree.scrollTo(index)

    # -- dialogs -----------------------------------------------------------------------------

    def open_build(self) -> BuildDialog | None:
        if self.controller is None:
            return None
        from app.ui.build_dialog import BuildDialog

        dialog = BuildDialog(self.controller, self.spawn, self.view)
        self._show(dialog)
        return dialog

    def open_import(self) -> ImportDialog | None:
        if self.controller is None:
            return None
        from app.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.controller, self.spawn, self.view)
        self._show(dialog)
        return dialog

    def open_tag(self) -> TagDialog | None:
        image = self._one()
        if image is None:
            return None
        from app.ui.tag_dialog import TagDialog

        dialog = TagDialog(self.controller, image, self.spawn, self.view)
        self._show(dialog)
        return dialog

    def open_history(self) -> ImageHistoryDialog | None:
        image = self._one()
        if image is None:
            return None
        ref = image.name or image.id
        controller = self.controller
        from app.ui.image_history_dialog import ImageHistoryDialog

        dialog = ImageHistoryDialog(
            ref, lambda: controller.history(image.id), self.spawn, self.view
        )
        self._show(dialog)
        return dialog

    def open_details(self) -> ImageDetailsDialog | None:
        image = self._one()
        if image is None:
            return None
        ref = image.name or image.id[:12]
        controller = self.controller
        from app.ui.image_details_dialog import ImageDetailsDialog

        dialog = ImageDetailsDialog(
            ref, lambda: controller.details(image.id), self.spawn, self.view
        )
        self._show(dialog)
        return dialog

    def request_run(self) -> None:
        image = self._one()
        if image is not None:
            self.view.run_requested.emit(image.name or image.id)

    # -- untag -------------------------------------------------------------------------------

    def untag_selected(self) -> None:
        image = self._one()
        if image is not None and image.name:
            self.spawn(self._untag(image))

    async def _untag(self, image: ImageSummary) -> None:
        last = len(image.repo_tags) <= 1
        details = (
            "It is the image's only name: the image stays, without a name (dangling)."
            if last
            else "The image keeps its other names: "
            + ", ".join(n for n in image.repo_tags if n != image.name)
        )
        answer = await self.view.confirm(
            Confirmation(
                title="Untag image",
                text=f"Remove the name {image.name} from image {image.id[:12]}?",
                action="Untag",
                details=details,
                action_tip="podman untag",
            )
        )
        if not answer.accepted or self.controller is None:
            return
        try:
            await self.controller.untag(image.name)
        except PodmanError as exc:
            self.view.message_posted.emit("error", f"Could not untag {image.name}: {exc}")

    # -- save and load ---------------------------------------------------------------------

    def _pick_save_path(self, image: ImageSummary) -> str:
        start = str(Path.home() / archive_name(image))
        return pick(self.view, SAVE_FILE, f"Save {image.name or image.id[:12]}", start, ARCHIVES)

    def save_selected(self) -> Operation | None:
        image = self._one()
        if image is None:
            return None
        path = self.choose_save_path(image)
        if not path:
            return None
        label = image.name or image.id[:12]
        try:
            operation = self.controller.save(
                image.id if not image.name else image.name, Path(path), image.size
            )
        except PodmanError as exc:
            self.view.message_posted.emit("error", f"Could not save {label}: {exc}")
            return None
        self.view.message_posted.emit("info", f"Saving {label} to {path}…")
        self.spawn(
            self._report(
                operation,
                f"save {label}",
                lambda size: f"Saved {label} to {path} ({humanize.size(size)}).",
            )
        )
        return operation

    def load_archive(self) -> Operation | None:
        if self.controller is None:
            return None
        path = self.choose_archive()
        if not path:
            return None
        try:
            operation = self.controller.load(Path(path))
        except PodmanError as exc:
            self.view.message_posted.emit("error", f"Could not load {path}: {exc}")
            return None

        def loaded(names: list[str]) -> str:
            return (
                f"Loaded from {Path(path).name}: {', '.join(names) or 'an image without a name'}."
            )

        self.view.message_posted.emit("info", f"Loading images from {path}…")
        self.spawn(self._report(operation, f"load {Path(path).name}", loaded))
        operation.finished.connect(lambda names: self._select_loaded(names))
        return operation

    def _select_loaded(self, names: list[str]) -> None:
        keys = [n for n in names if self.view.model.item(n) is not None]
        if keys:
            self.view.select_keys(keys)

    async def _report(self, operation: Operation, what: str, done: Callable) -> None:
        try:
            result = await operation.wait()
        except Cancelled:
            self.view.message_posted.emit("info", f"Cancelled: {what}.")
        except PodmanError as exc:
            self.view.message_posted.emit("error", f"Could not {what}: {exc}")
        else:
            self.view.message_posted.emit("info", done(result))
