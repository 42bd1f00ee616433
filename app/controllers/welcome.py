"""The first-run welcome: whether Podman answers, and Podman's own first container.

"Run the hello container" does what ``podman run quay.io/podman/hello`` does, through
the active session: the image is pulled through Podman when it is missing (so registry
mirrors and registries.conf apply as for the CLI) as an Operation with progress, then a
container named ``hello-N`` is created and started, and once it has exited its output
is handed to the page. The reference is a setting (``Settings.hello_image``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.controllers.connection_manager import ConnectionManager
from app.controllers.operations import Operation, Operations
from app.controllers.podman_check import PodmanCheck, podman_check
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.engine.client import Client
from app.engine.container_wait import wait_container
from app.engine.dto import PullProgress
from app.engine.errors import (
    AuthRequired,
    Conflict,
    ConnectionLost,
    NotFound,
    PodmanError,
)
from app.engine.pull import pull_image
from app.engine.streams.logs import read_logs
from app.engine.streams.records import LogLine
from app.support import log
from app.support.concurrency import Cancelled, CancelToken, TaskSet

_log = log.get("welcome")

NAME_PREFIX = "hello-"


@dataclass(frozen=True)
class HelloOutput:
    """A hello container that ran: its name, id, exit code and what it wrote."""

    name: str
    container_id: str
    exit_code: int
    lines: list[LogLine]


@dataclass(frozen=True)
class HelloFailure:
    """Why the hello container did not run: ``title`` in plain words, ``message`` in
    Podman's (or the registry's, passed on by Podman), ``stage`` where it stopped
    ("podman", "pull", "create", "start" or "wait")."""

    stage: str
    title: str
    message: str
    hint: str = ""


class Welcome(QObject):
    """Signals:
    check_changed(PodmanCheck): what is known now about Podman on the active connection.
    hello_step(str, float): what the hello run does now, and how far (-1: unknown).
    hello_finished(HelloOutput), hello_failed(HelloFailure), hello_cancelled().
    """

    check_changed = Signal(object)
    hello_step = Signal(str, float)
    hello_finished = Signal(object)
    hello_failed = Signal(object)
    hello_cancelled = Signal()

    def __init__(
        self,
        settings: Settings,
        manager: ConnectionManager,
        operations: Operations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.manager = manager
        self.operations = operations
        self.check: PodmanCheck = podman_check(None, None)
        self._session: Session | None = None
        self._operation: Operation | None = None
        self._tasks = TaskSet("welcome", _log)
        self.running = False
        self._cancel = CancelToken()
        manager.session_changed.connect(self._on_session)
        manager.notice_changed.connect(lambda _n: self._update())
        self._on_session(manager.session)

    # -- is Podman there -----------------------------------------------------------------

    def _on_session(self, session: Session | None) -> None:
        self._session = session
        if session is not None:
            session.state_changed.connect(lambda _s, _r, s=session: self._update(s))
            session.version_known.connect(lambda _v, s=session: self._update(s))
        self._update()

    def _update(self, sender: Session | None = None) -> None:
        session = self.manager.session
        if sender is not None and sender is not session:
            return  # a replaced session's last words
        version = session.version.version if session is not None and session.version else ""
        check = podman_check(
            session.connection if session is not None else None,
            session.state if session is not None else None,
            session.reason if session is not None else "",
            version,
            self.manager.notice,
        )
        if check != self.check:
            self.check = check
            self.check_changed.emit(check)

    # -- the hello container ------------------------------------------------------------

    @property
    def hello_image(self) -> str:
        return self.settings.hello_image.strip() or Settings.hello_image.default

    def start_hello(self) -> None:
        """Run the hello container (once at a time); the signals say how it went."""
        if not self.running:
            self.running = True
            self._cancel = CancelToken()
            self._tasks.spawn(self._run_hello())

    def cancel_hello(self) -> None:
        """Stop the run at its next step, or its pull or wait now (a container that has
        started keeps running)."""
        self._cancel.cancel()
        if self._operation is not None:
            self._operation.cancel()

    def close(self) -> None:
        self.cancel_hello()
        self._tasks.cancel_all()

    async def _run_hello(self) -> None:
        try:
            output = await self._hello()
        except Cancelled:
            self.hello_cancelled.emit()
        except _Failed as failed:
            self.hello_failed.emit(failed.failure)
        else:
            self.hello_finished.emit(output)
        finally:
            self.running = False
            self._operation = None

    async def _hello(self) -> HelloOutput:
        session = self.manager.session
        if session is None or not session.state.can_act():
            raise _Failed("podman", "Podman cannot be reached", self.check.title)
        reference = self.hello_image
        client = session.client
        self.hello_step.emit(f"Looking for {reference}…", -1)
        try:
            present = await session.call(_image_present, client, reference)
        except PodmanError as exc:
            raise _Failed("podman", "Podman did not answer", str(exc)) from exc
        if not present:
            await self._pull(session, reference)
        self._cancel.check()
        name, container_id = await self._create(session, reference)
        self._cancel.check()
        self.hello_step.emit(f"Starting {name}…", -1)
        try:
            await session.call(client.start_container, container_id)
        except PodmanError as exc:
            raise _Failed("start", f"{name} could not start", str(exc)) from exc
        self._cancel.check()
        self.hello_step.emit(f"{name} is running; waiting for it to finish…", -1)
        wait = self.operations.start(
            f"Wait for {name}", "run", wait_container, client.endpoint, container_id
        )
        self._operation = wait
        try:
            code = await wait.wait()
            lines = await session.call(read_logs, client.endpoint, container_id)
        except PodmanError as exc:
            raise _Failed(
                "wait", f"{name} ran, but its output could not be read", str(exc)
            ) from exc
        return HelloOutput(name, container_id, int(code), lines)

    async def _pull(self, session: Session, reference: str) -> None:
        operation = self.operations.start(
            f"Pull {reference}", "pull", pull_image, session.client.endpoint, reference
        )
        self._operation = operation
        layers: dict[str, tuple[int, int]] = {}

        def report(step: PullProgress) -> None:
            if step.layer and step.total:
                layers[step.layer] = (step.current or 0, step.total)
            done = sum(c for c, _ in layers.values())
            total = sum(t for _, t in layers.values())
            fraction = done / total if total else -1
            status = f"{step.layer[:12]}: {step.status}" if step.layer else step.status
            self.hello_step.emit(f"Pulling {reference} — {status}", fraction)

        operation.progress.connect(report)
        self.hello_step.emit(f"Pulling {reference} through Podman…", -1)
        try:
            await operation.wait()
        except PodmanError as exc:
            raise _Failed("pull", *_pull_words(reference, exc)) from exc

    async def _create(self, session: Session, reference: str) -> tuple[str, str]:
        client = session.client
        try:
            taken = {c.name for c in await session.call(client.containers)}
        except PodmanError as exc:
            raise _Failed("create", "The containers could not be listed", str(exc)) from exc
        number = 1
        for _attempt in range(5):
            while f"{NAME_PREFIX}{number}" in taken:
                number += 1
            name = f"{NAME_PREFIX}{number}"
            self.hello_step.emit(f"Creating {name}…", -1)
            spec = {"image": reference, "name": name, "remove": False}
            try:
                return name, await session.call(client.create_container, spec)
            except Conflict:
                taken.add(name)  # made meanwhile (by another client): the next number
            except PodmanError as exc:
                raise _Failed("create", f"{name} could not be created", str(exc)) from exc
        raise _Failed("create", "No free hello-N name", "five names in a row were taken")


class _Failed(Exception):
    def __init__(self, stage: str, title: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.failure = HelloFailure(stage, title, message, hint)


def _image_present(client: Client, reference: str) -> bool:
    try:
        client.inspect_image(reference)
    except NotFound:
        return False
    return True


def registry_of(reference: str) -> str:
    """The registry a reference names (``quay.io`` of ``quay.io/podman/hello``)."""
    first, _, rest = reference.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first
    return "the registry"


def _pull_words(reference: str, exc: PodmanError) -> tuple[str, str, str]:
    """(title, Podman's message, what to do) for a pull that failed."""
    registry = registry_of(reference)
    if isinstance(exc, AuthRequired):
        return (
            f"{registry} asks for a login",
            str(exc),
            f"Log in with podman login {registry}, or use a mirror, then try again.",
        )
    if isinstance(exc, NotFound):
        return (
            f"{registry} has no image {reference}",
            str(exc),
            "Check the reference (Settings, app/hello_image), then try again.",
        )
    if isinstance(exc, ConnectionLost):
        return ("Podman stopped answering during the pull", str(exc), "")
    return (
        f"The registry {registry} cannot be reached",
        str(exc),
        "Check the network or proxy, or give Podman a mirror of it in registries.conf; "
        "then try again. The rest of this page works without it.",
    )
