"""What the Images page does beyond removing: build, tag and untag, history and
details, save, load and import.

The long ones (build, save, load, import) run as Operations (``Operations.start``), so
the transfers panel lists them with progress and cancel; the short ones go through the
session's API pool. What changes the image list re-lists it before it reports back, so
the new row is there when the view looks for it.

Signals:
    listed(str image_id): an image this controller made or loaded is in the session's
        list now (the Images page selects it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.controllers.operations import Operation, Operations
from app.controllers.session import Session
from app.engine.command_line import CommandLine
from app.engine.errors import Unreachable
from app.engine.image_archives import import_image, load_image, save_image
from app.engine.image_records import BuildRequest, HistoryEntry, ImageDetails
from app.engine.image_tags import image_details, image_history, tag_image, untag_image
from app.support import log
from app.support.concurrency import TaskSet

_log = log.get("images")


class ImageActions(QObject):
    listed = Signal(str)

    def __init__(
        self,
        session: Callable[[], Session | None],
        operations: Operations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.operations = operations
        self._tasks = TaskSet("image actions", _log)

    def _connected(self) -> Session:
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        return session

    # -- equivalent commands (for the dialogs' previews) ------------------------------------

    @staticmethod
    def build_command(request: BuildRequest) -> str:
        from app.engine.build import build_command  # loaded when a build is asked for

        return str(build_command(request))

    @staticmethod
    def tag_command(image: str, new_name: str) -> str:
        return str(CommandLine("tag").arg(image, new_name))

    @staticmethod
    def import_command(tarball: str, reference: str, changes: tuple[str, ...]) -> str:
        return str(CommandLine("import").options("--change", changes).arg(tarball, reference))

    # -- long work, as operations ----------------------------------------------------------

    def build(self, request: BuildRequest) -> Operation:
        from app.engine.build import build_image

        session = self._connected()
        title = f"Build {request.tags[0] if request.tags else request.context.name}"
        operation = self.operations.start(
            title, "build", build_image, session.client.endpoint, request
        )
        operation.finished.connect(lambda result: self._relist(session, result.image_id))
        return operation

    def save(self, image: str, destination: Path, expected_size: int = 0) -> Operation:
        """Save ``image`` (a name or id) to ``destination``, a docker-archive tar."""
        session = self._connected()
        return self.operations.start(
            f"Save {image} to {Path(destination).name}",
            "save",
            save_image,
            session.client.endpoint,
            image,
            Path(destination),
            expected_size=expected_size,
        )

    def load(self, archive: Path) -> Operation:
        """Load the images of an archive; the result is the list of names loaded."""
        session = self._connected()
        operation = self.operations.start(
            f"Load {Path(archive).name}", "load", load_image, session.client.endpoint, archive
        )
        operation.finished.connect(lambda _names: self._relist(session, ""))
        return operation

    def import_rootfs(
        self, tarball: Path, reference: str = "", changes: tuple[str, ...] = ()
    ) -> Operation:
        """Make an image of a root filesystem tarball; the result is its id."""
        session = self._connected()
        operation = self.operations.start(
            f"Import {Path(tarball).name}",
            "import",
            import_image,
            session.client.endpoint,
            Path(tarball),
            reference,
            tuple(changes),
        )
        operation.finished.connect(lambda image_id: self._relist(session, image_id))
        return operation

    def _relist(self, session: Session, image_id: str) -> None:
        self._tasks.spawn(self._relist_now(session, image_id))

    async def _relist_now(self, session: Session, image_id: str) -> None:
        if session is not self._session():
            return
        await session.reconcile(("images",))
        if image_id:
            self.listed.emit(image_id)

    # -- short calls -----------------------------------------------------------------------

    async def tag(self, image: str, new_name: str) -> None:
        """Give ``image`` another name; raises Podman's refusal as a PodmanError."""
        session = self._connected()
        await session.call(tag_image, session.client.endpoint, image, new_name)
        await session.reconcile(("images",))

    async def untag(self, name: str) -> None:
        """Take one name off its image (the image stays)."""
        session = self._connected()
        await session.call(untag_image, session.client.endpoint, name)
        await session.reconcile(("images",))

    async def history(self, image: str) -> list[HistoryEntry]:
        session = self._connected()
        return await session.call(image_history, session.client.endpoint, image)

    async def details(self, image: str) -> ImageDetails:
        """The image's configuration, with the containers using it by name."""
        session = self._connected()
        found = await session.call(image_details, session.client.endpoint, image)
        # The image list may count a container the container list has not caught up
        # with (both follow events): list the containers now rather than miss a user.
        await session.reconcile(("containers",))
        users = sorted(
            c.name
            for c in session.items("containers").values()
            if c.image_id == found.id and not c.is_infra
        )
        return replace(found, containers=tuple(users))
