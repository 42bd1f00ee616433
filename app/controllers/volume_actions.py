"""Creating volumes, describing them, and copying their files to and from tar files,
for the Volumes page's dialogs.

Create and inspect are short calls on the session's API pool; export and import are
Operations (progress, cancel, listed with the other transfers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject

from app.controllers.operations import Operation, Operations
from app.controllers.session import Session
from app.engine import volumes
from app.engine.command_line import CommandLine
from app.engine.dto import VolumeDetails
from app.engine.errors import Unreachable
from app.support import log

_log = log.get("volumes")


class VolumeActions(QObject):
    """Creates, describes, exports and imports volumes on the current session."""

    def __init__(
        self,
        session: Callable[[], Session | None],
        operations: Operations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.operations = operations

    def names(self) -> set[str]:
        """The volume names Podman listed last (to refuse a taken name before asking)."""
        session = self._session()
        return set(session.items("volumes")) if session is not None else set()

    def name_problem(self, name: str) -> str:
        """Why ``name`` cannot be a new volume's name ("" when it can; empty is fine:
        Podman then chooses one)."""
        problem = volumes.volume_name_problem(name)
        if not problem and name and name in self.names():
            problem = f"A volume named “{name}” exists already."
        return problem

    @staticmethod
    def option_keys() -> tuple[str, ...]:
        """The local driver's options, as ``podman volume create --opt`` takes them."""
        return volumes.LOCAL_OPTIONS

    @staticmethod
    def create_command(
        name: str,
        driver: str = "local",
        options: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        line = CommandLine("volume", "create")
        line.option("--driver", driver if driver and driver != "local" else None)
        line.options("--opt", [f"{k}={v}" for k, v in (options or {}).items()])
        line.options("--label", [f"{k}={v}" for k, v in (labels or {}).items()])
        return str(line.arg(name))

    @staticmethod
    def export_command(name: str, path: str) -> str:
        return str(CommandLine("volume", "export").option("--output", path or "FILE").arg(name))

    @staticmethod
    def import_command(name: str, path: str) -> str:
        return str(CommandLine("volume", "import").arg(name, path or "FILE"))

    async def create(
        self,
        name: str,
        driver: str = "local",
        options: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> VolumeDetails:
        session = self._connected()
        made = await session.call(
            volumes.create_volume, session.client.endpoint, name, driver, options, labels
        )
        _log.info("created volume %s", made.name)
        await session.reconcile(("volumes",))
        return made

    async def details(self, name: str) -> VolumeDetails:
        session = self._connected()
        return await session.call(volumes.volume_details, session.client.endpoint, name)

    async def file_exists(self, path: str) -> bool:
        """Whether ``path`` exists, asked on the session's pool (a stat can hang on a
        network filesystem)."""
        session = self._connected()
        return await session.call(volumes.file_exists, path)

    def export(self, name: str, path: str, size_hint: int | None = None) -> Operation:
        """Write the volume's files to the tar file ``path``, as an Operation."""
        session = self._connected()
        return self.operations.start(
            f"Export volume “{name}”",
            "volume-export",
            volumes.export_volume,
            session.client.endpoint,
            name,
            path,
            size_hint=size_hint,
        )

    def import_(self, name: str, path: str) -> Operation:
        """Unpack the tar file ``path`` into the volume, as an Operation."""
        session = self._connected()
        return self.operations.start(
            f"Import into volume “{name}”",
            "volume-import",
            volumes.import_volume,
            session.client.endpoint,
            name,
            path,
        )

    def _connected(self) -> Session:
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        return session
