"""Making pods and moving them in and out of Kubernetes YAML, for the Pods page and its
dialogs: create a pod, generate YAML for pods or containers, read a YAML file for its
preview, play it (an Operation, replacing what it made before when asked), tear down
what it made, save YAML to a file. API calls go through the session's pool, files
through a pool of their own: the GUI thread never waits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject

from app.controllers.operations import Operation, Operations
from app.controllers.session import Session
from app.engine import pods
from app.engine.errors import PodmanError, Unreachable
from app.engine.kube import KubePreview, preview
from app.engine.pod_spec import PodSpec
from app.support import log
from app.support.concurrency import Pool, TaskSet

_log = log.get("pods")

# A YAML file larger than this is not a Kubernetes manifest anyone wrote by hand.
MAX_YAML_BYTES = 4 * 1024 * 1024


class FileProblem(PodmanError):
    """A file could not be read or written; the text says which and why."""


class PodController(QObject):
    """Acts on the current session (None when not connected: calls raise Unreachable)."""

    def __init__(
        self,
        session: Callable[[], Session | None],
        operations: Operations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.operations = operations
        self._files = Pool("files", 1)
        self._tasks = TaskSet("pods", _log)

    def close(self) -> None:
        self._files.shutdown()

    def _connected(self) -> Session:
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        return session

    def pod_names(self) -> set[str]:
        """The names of the pods listed now (for the create dialog's name check)."""
        session = self._session()
        return {p.name for p in session.items("pods").values()} if session else set()

    async def create_pod(self, spec: PodSpec) -> str:
        """Create the pod and re-list pods and containers; returns its id."""
        session = self._connected()
        pod_id = await session.call(pods.create_pod, session.client.endpoint, spec)
        await session.reconcile(("pods", "containers"))
        return pod_id

    async def generate_kube(self, names: Iterable[str], service: bool = False) -> str:
        session = self._connected()
        return await session.call(pods.generate_kube, session.client.endpoint, list(names), service)

    async def read_yaml(self, path: str) -> tuple[bytes, KubePreview]:
        """The file's bytes and what playing it creates."""
        return await self._files.run(_read_yaml, path)

    async def save_text(self, path: str, text: str) -> None:
        await self._files.run(_write_text, path, text)

    def play(self, name: str, yaml: bytes, replace: bool) -> Operation:
        session = self._connected()
        operation = self.operations.start(
            f"Play {name}", "kube-play", pods.play_kube, session.client.endpoint, yaml, replace
        )
        operation.ended.connect(lambda: self._relist(session))
        return operation

    def tear_down(self, name: str, yaml: bytes) -> Operation:
        session = self._connected()
        operation = self.operations.start(
            f"Tear down {name}", "kube-down", pods.teardown_kube, session.client.endpoint, yaml
        )
        operation.ended.connect(lambda: self._relist(session))
        return operation

    def _relist(self, session: Session) -> None:
        # Events would bring the new pods too; this makes the lists true at once.
        if session is self._session():
            self._tasks.spawn(session.reconcile(("pods", "containers", "volumes")))


def _read_yaml(path: str) -> tuple[bytes, KubePreview]:
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise FileProblem(f"Could not read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_YAML_BYTES:
        raise FileProblem(f"{path} is larger than 4 MB: not a Kubernetes YAML file.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"{path} is not a text file.") from exc
    return data, preview(text)


def _write_text(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"Could not save {path}: {exc.strerror or exc}") from exc
