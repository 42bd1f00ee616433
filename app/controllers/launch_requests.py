"""What a later launch asks of the running instance: switch connection, inspect a
container, or just come to the front. Each request is checked as a first launch checks
its arguments (``app/engine/arguments.py``), carried out, and answered with the exit code
and line the first launch would have given.

Signals:
    answered(int, str): a request was answered with this exit code and line.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from app import APP_NAME
from app.controllers.connection_manager import ConnectionManager
from app.controllers.inspector_manager import InspectorManager
from app.controllers.single_instance import InstanceRequest
from app.engine import arguments
from app.engine import discovery as disco
from app.engine.arguments import EXIT_FAILED, EXIT_OK, ArgumentError
from app.engine.errors import PodmanError
from app.models.connection_state import ConnectionState
from app.support import log
from app.support.concurrency import Pool

_log = log.get("ui")


class LaunchRequests(QObject):
    answered = Signal(int, str)

    def __init__(
        self,
        manager: ConnectionManager,
        inspectors: InspectorManager,
        show_window: Callable[[], None],
        spawn: Callable[[Coroutine], Any],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._manager = manager
        self._inspectors = inspectors
        self._show_window = show_window
        self._spawn = spawn
        # Its own pool: the answer must not queue behind a connection being opened.
        self._pool = Pool("launch", 1)

    def handle(self, request: InstanceRequest) -> None:
        _log.info("request from another launch: %s", request.data)
        self._spawn(self._answer(request))

    def shutdown(self) -> None:
        self._pool.shutdown()

    async def _answer(self, request: InstanceRequest) -> None:
        try:
            code, line = await self._carry_out(request.data)
        except ArgumentError as exc:
            code, line = exc.code, exc.line
        except BaseException:
            # A bug (the crash handler reports it): the later launch still gets an answer.
            request.reply(EXIT_FAILED, "the running instance failed; its log says why")
            raise
        _log.info("answered another launch: %d %s", code, line)
        request.reply(code, line)
        self.answered.emit(code, line)

    async def _carry_out(self, data: dict) -> tuple[int, str]:
        requested = _text(data, "connection")
        ref = _text(data, "inspect")
        arguments.check_connection(requested)
        if ref:
            arguments.check_container_ref(ref)
        if requested and requested != self._manager.requested:
            return await self._switch(requested, ref)
        if ref:
            return await self._inspect(ref)
        self._show_window()
        return EXIT_OK, f"{APP_NAME} is already running; it was brought to the front."

    async def _switch(self, requested: str, ref: str) -> tuple[int, str]:
        """Check the connection (and the container there) as a first launch would, then
        start the switch; the window explains a connection that does not answer."""
        found = await self._pool.run(disco.discover, self._manager.cli())
        target = arguments.resolve_connection(requested, found)
        if target is None:  # only an empty value resolves to nothing
            raise ArgumentError("--connection needs a value")
        if ref and not target.is_ssh:  # over ssh:// the inspector says it, as at startup
            await self._pool.run(arguments.check_container_at, target, ref)
        if ref:
            self._inspectors.open_on_next_session(ref)
        self._show_window()
        self._spawn(self._manager.open_initial(requested))
        also = f" and opens the inspector of {ref}" if ref else ""
        return EXIT_OK, f"{APP_NAME} is already running; it switches to {target.name}{also}."

    async def _inspect(self, ref: str) -> tuple[int, str]:
        """On the current connection, checked as a first launch checks it: a container
        Podman does not have, or a connection that does not answer, is refused; over an
        ssh:// connection not yet up, the inspector itself says what it finds."""
        session = self._manager.session
        if session is not None and (
            session.state is ConnectionState.CONNECTED or not session.connection.is_ssh
        ):
            try:
                await session.call(
                    arguments.check_container, session.client, ref, session.connection
                )
            except PodmanError as exc:  # the session closed meanwhile
                raise ArgumentError(f"{session.connection.name}: {exc}", EXIT_FAILED) from None
        self._show_window()
        self._inspectors.open(ref)
        return EXIT_OK, f"{APP_NAME} is already running; it opens the inspector of {ref}."


def _text(data: dict, key: str) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str):
        raise ArgumentError(f"{key}: expected text, got {type(value).__name__}")
    return value
