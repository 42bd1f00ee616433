"""Long operations (pull, push, build, save, load, transfers, run) off the GUI thread,
with progress, cancel and one place that lists them all (the transfers panel).

An operation is a blocking engine function called on the ``transfers`` pool as
``fn(*args, on_progress=…, cancel=…, **kwargs)``: it reports progress from its thread
(each report comes back to the GUI thread through the loop, in order) and returns its
result or raises. Podman's refusals (PodmanError) and a cancel end the operation with
a state the views show; anything else is a bug and reaches the crash handler.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.engine.errors import PodmanError
from app.support.concurrency import Cancelled, CancelToken, Pool, TaskSet, call_in_loop

_log = logging.getLogger("pdc.operations")

# Pulls, pushes, builds and copies each hold a stream for their whole length; four at
# once keeps the window's own list calls (on the session's API pool) from waiting.
TRANSFER_WORKERS = 4


class OperationState(enum.Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Operation(QObject):
    """One long operation; its signals arrive on the GUI thread."""

    progress = Signal(object)  # what the engine function reported (a record or a chunk)
    finished = Signal(object)  # its result
    failed = Signal(object)  # the PodmanError; str() of it is Podman's own words
    cancelled = Signal()
    ended = Signal()  # after finished, failed or cancelled

    def __init__(self, title: str, kind: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.kind = kind
        self.state = OperationState.RUNNING
        self.result: Any = None
        self.error: PodmanError | None = None
        self.last_progress: Any = None
        self.token = CancelToken()
        self._done: asyncio.Future | None = None

    def cancel(self) -> None:
        """Ask the operation to stop; it ends with ``cancelled`` once its call returns."""
        self.token.cancel()

    @property
    def running(self) -> bool:
        return self.state is OperationState.RUNNING

    async def wait(self) -> Any:
        """The result; raises the PodmanError, or Cancelled."""
        assert self._done is not None
        return await asyncio.shield(self._done)

    def _report(self, item: Any) -> None:
        if self.state is OperationState.RUNNING:
            self.last_progress = item
            self.progress.emit(item)


class Operations(QObject):
    """Starts operations and keeps the list of those not yet dismissed."""

    added = Signal(object)  # Operation
    removed = Signal(object)  # Operation

    def __init__(self, parent: QObject | None = None, workers: int = TRANSFER_WORKERS) -> None:
        super().__init__(parent)
        self._pool = Pool("transfers", workers)
        self._tasks = TaskSet("operations", _log)
        self.items: list[Operation] = []

    def start(
        self, title: str, kind: str, fn: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Operation:
        """Run ``fn(*args, on_progress=…, cancel=…, **kwargs)`` on the transfers pool."""
        operation = Operation(title, kind, self)
        loop = asyncio.get_event_loop()
        operation._done = loop.create_future()
        report = call_in_loop(loop, operation._report)
        self.items.append(operation)
        self.added.emit(operation)
        self._tasks.spawn(self._run(operation, fn, args, {**kwargs, "on_progress": report}))
        return operation

    async def _run(
        self, operation: Operation, fn: Callable[..., Any], args: tuple, kwargs: dict
    ) -> None:
        done = operation._done
        assert done is not None
        try:
            result = await self._pool.run(fn, *args, cancel=operation.token, **kwargs)
        except Cancelled as exc:
            operation.state = OperationState.CANCELLED
            done.set_exception(exc)
            done.exception()  # nobody has to await it
            operation.cancelled.emit()
        except PodmanError as exc:
            if operation.token.cancelled:
                # Closing the stream under a running call often surfaces as a lost
                # connection: the user's cancel is what happened.
                operation.state = OperationState.CANCELLED
                done.set_exception(Cancelled())
                done.exception()
                operation.cancelled.emit()
            else:
                _log.info("%s failed: %s", operation.title, exc)
                operation.state = OperationState.FAILED
                operation.error = exc
                done.set_exception(exc)
                done.exception()
                operation.failed.emit(exc)
        except BaseException as exc:
            if not done.done():
                done.set_exception(exc)
                done.exception()
            raise
        else:
            operation.state = OperationState.DONE
            operation.result = result
            done.set_result(result)
            operation.finished.emit(result)
        operation.ended.emit()

    def running(self) -> list[Operation]:
        return [op for op in self.items if op.running]

    def dismiss(self, operation: Operation) -> None:
        """Forget an ended operation (the transfers panel's "Clear")."""
        if operation in self.items and not operation.running:
            self.items.remove(operation)
            self.removed.emit(operation)

    def cancel_all(self) -> None:
        for operation in self.running():
            operation.cancel()

    def drain(self, timeout: float) -> bool:
        return self._pool.drain(timeout)

    def close(self) -> None:
        self.cancel_all()
        self._pool.shutdown()
