"""What the Files tab asks of Podman: a directory's listing (on the session's API pool)
and downloads and uploads (Operations on the transfers pool, with progress and cancel)."""

from __future__ import annotations

from pathlib import PurePosixPath

from PySide6.QtCore import QObject

from app.controllers.operations import Operation, Operations
from app.controllers.session import Session
from app.engine import container_archive, container_files, file_transfers
from app.engine.endpoint import Endpoint
from app.engine.file_records import DirectoryListing, PathStat


class ContainerFiles(QObject):
    """One container's files. ``container_id`` is set once the inspector read it."""

    def __init__(self, session: Session, operations: Operations, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.operations = operations
        self.container_id = ""

    @property
    def _endpoint(self) -> Endpoint:
        return self.session.client.endpoint

    async def list(self, path: str, running: bool) -> DirectoryListing:
        """The entries of ``path`` (exec when ``running``, else the archive API)."""
        return await self.session.call(
            container_files.list_directory, self._endpoint, self.container_id, path, running
        )

    async def stat(self, path: str) -> PathStat:
        return await self.session.call(
            container_archive.stat_path, self._endpoint, self.container_id, path
        )

    def download(
        self, path: str, target: str, *, as_tar: bool = False, total: int | None = None
    ) -> Operation:
        """Copy ``path`` out of the container to the host's ``target``."""
        name = PurePosixPath(path).name or "/"
        return self.operations.start(
            f"Download {name}",
            "download",
            file_transfers.download,
            self._endpoint,
            self.container_id,
            path,
            target,
            as_tar=as_tar,
            total=total,
        )

    def upload(self, sources: list[str], directory: str) -> Operation:
        """Copy the host's ``sources`` (files or folders) into the container's ``directory``."""
        what = PurePosixPath(sources[0]).name if len(sources) == 1 else f"{len(sources)} items"
        return self.operations.start(
            f"Upload {what} to {directory}",
            "upload",
            file_transfers.upload,
            self._endpoint,
            self.container_id,
            list(sources),
            directory,
        )
