"""Runs containers for the run dialog, and answers what it asks first: the names, images,
volumes, networks, secrets and pods it offers, whether a host port is free, an env
file's variables, whether SELinux labels apply, and (for "Duplicate…") the RunSpec of an
existing container.

A run is an Operation (listed with the other long work, cancellable while it pulls);
the look-ups are short calls on the session's API pool. Nothing here blocks the GUI
thread: the port check binds and the env file is read on that pool too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.controllers.operations import Operation, Operations
from app.controllers.session import Session
from app.engine import container_run
from app.engine.container_copy import spec_from_inspect
from app.engine.container_spec import RunSpec
from app.engine.errors import ConnectionLost, NotFound


class ContainerRunner(QObject):
    def __init__(
        self,
        session: Callable[[], Session | None],
        operations: Operations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.operations = operations

    @property
    def session(self) -> Session | None:
        return self._session()

    def _names(self, kind: str, attribute: str = "name") -> list[str]:
        session = self.session
        if session is None:
            return []
        return sorted({getattr(item, attribute) for item in session.items(kind).values()})

    # -- what the dialog offers --------------------------------------------------------

    def container_names(self) -> list[str]:
        return self._names("containers")

    def image_names(self) -> list[str]:
        session = self.session
        if session is None:
            return []
        names = {n for image in session.items("images").values() for n in image.repo_tags}
        return sorted(names)

    def volume_names(self) -> list[str]:
        return self._names("volumes")

    def network_names(self) -> list[str]:
        return self._names("networks")

    def secret_names(self) -> list[str]:
        return self._names("secrets")

    def pod_names(self) -> list[str]:
        return self._names("pods")

    def free_name(self, base: str) -> str:
        """``base-copy``, or ``base-copy-2``… : the first no container has."""
        taken = set(self.container_names())
        candidate, n = f"{base}-copy", 2
        while candidate in taken:
            candidate, n = f"{base}-copy-{n}", n + 1
        return candidate

    @property
    def local(self) -> bool:
        """Whether published ports bind on this computer (a unix socket or a named
        pipe; a tcp:// address may be another host's): only then can a taken host port
        be found before running."""
        session = self.session
        return session is not None and session.connection.scheme in ("unix", "npipe")

    # -- look-ups off the GUI thread ----------------------------------------------------

    async def ports_in_use(self, ports: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
        session = self.session
        if session is None or not self.local or not ports:
            return []
        return await session.call(container_run.ports_in_use, ports)

    async def read_env_file(self, path: str) -> dict[str, str]:
        """Raises OSError or ValueError with the reason."""
        session = self.session
        if session is None:
            raise ConnectionLost("Not connected to Podman")
        return await session.call(container_run.read_env_file, path)

    async def selinux_enabled(self) -> bool:
        session = self.session
        if session is None:
            return False
        try:
            return await session.call(container_run.selinux_enabled, session.client.endpoint)
        except ConnectionLost:
            return False

    async def spec_of(self, container: str) -> RunSpec:
        """The RunSpec of an existing container, its name made free (``web-copy``)."""
        session = self.session
        if session is None:
            raise ConnectionLost("Not connected to Podman")
        client = session.client
        attrs = await session.call(client.inspect_container, container)
        image_ref = str(attrs.get("Image") or "")
        try:
            image = await session.call(client.inspect_image, image_ref) if image_ref else None
        except NotFound:
            image = None  # removed since: every setting then counts as the user's
        pods = {pod.id: pod.name for pod in session.items("pods").values()}
        spec = spec_from_inspect(attrs, image, pods)
        spec.name = self.free_name(str(attrs.get("Name") or "container").lstrip("/"))
        return spec

    # -- the run -------------------------------------------------------------------------

    def run(self, spec: RunSpec) -> Operation:
        """Start the run (pull if needed, create, start) as an Operation whose result is
        the new container's id."""
        session = self.session
        if session is None:
            raise ConnectionLost("Not connected to Podman")
        title = f"Run {spec.name or spec.image}"
        operation = self.operations.start(
            title, "run", container_run.run_container, session.client.endpoint, spec
        )
        return operation

    async def refresh_lists(self) -> None:
        """List again what the dialog offers: Podman sends no event for some changes
        (a secret made from the CLI), and a dialog should not offer yesterday's list."""
        session = self.session
        if session is not None:
            await session.reconcile(
                ("containers", "images", "volumes", "networks", "secrets", "pods")
            )

    async def refresh(self) -> None:
        """Re-list what a run changes, so the new container's row is there at once
        (the events would bring it a moment later)."""
        session = self.session
        if session is not None:
            await session.reconcile(("containers", "images", "volumes", "pods"))
