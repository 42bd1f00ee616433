"""The one way work leaves the GUI thread and comes back to it.

The GUI thread runs Qt and asyncio together (qasync). Three tools, and nothing else:

- ``Pool``: a named, bounded thread pool whose blocking calls are awaited from the loop
  (``await pool.run(fn, *args)``); the result or exception arrives on the GUI thread.
- ``TaskSet``: keeps a reference to every task it spawns (asyncio holds tasks only
  weakly, so an unreferenced one can vanish mid-flight), logs the failures nobody
  awaited, and cancels what is left on ``cancel_all()``.
- ``call_in_loop``: wraps a callback so that a long-lived stream's own thread can call
  it and the call runs on the loop's (GUI) thread instead, in order.

No Qt here, so the engine and the proxy could use it too.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

_log = logging.getLogger("pdc.concurrency")

# Bounded sizes, by what the pool runs. An API pool belongs to one session: four lets the
# six lists start together without one slow kind (images) holding the rest back for long.
API_WORKERS = 4
# `podman …` subprocesses and host checks (is something listening, discovery).
SUBPROCESS_WORKERS = 2
# Short one-off blocking work: stopping a proxy, writing a file the user saved.
BACKGROUND_WORKERS = 2


class Pool:
    """A named, bounded thread pool whose calls are awaited from the event loop."""

    def __init__(self, name: str, workers: int) -> None:
        self.name = name
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix=f"pdc-{name}"
        )
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()
        self._closed = False

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on the pool; its result comes back on the loop."""
        future = self.submit(fn, *args, **kwargs)
        return await asyncio.wrap_future(future)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        """Start ``fn`` without awaiting it (``drain`` waits for it at exit)."""
        future = self._executor.submit(functools.partial(fn, *args, **kwargs))
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: concurrent.futures.Future) -> None:
        with self._lock:
            self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            # Awaited callers see it themselves; this catches fire-and-forget work.
            _log.debug("%s: %s", self.name, future.exception())

    def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for what runs now; True when all of it ended."""
        with self._lock:
            pending = set(self._pending)
        if not pending:
            return True
        _done, not_done = concurrent.futures.wait(pending, timeout=timeout)
        return not not_done

    def shutdown(self) -> None:
        """Refuse new work and drop what has not started; returns at once."""
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)

    @property
    def closed(self) -> bool:
        return self._closed


class TaskSet:
    """Tasks spawned on the loop, referenced until they end, cancelled together."""

    def __init__(self, name: str, logger: logging.Logger | None = None) -> None:
        self.name = name
        self._log = logger or _log
        self._tasks: set[asyncio.Future] = set()

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Future:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Future) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            # Nobody awaited it: a coroutine that handles its errors never gets here,
            # so this is a bug. The loop's exception handler shows it (the crash dialog).
            loop = asyncio.get_event_loop()
            loop.call_exception_handler(
                {"message": f"task in {self.name} failed", "exception": exc, "future": task}
            )

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def __len__(self) -> int:
        return len(self._tasks)


def call_in_loop(
    loop: asyncio.AbstractEventLoop, callback: Callable[..., Any]
) -> Callable[..., None]:
    """``callback`` made callable from any thread: each call runs later on ``loop``'s thread.

    Calls made from one thread run in the order they were made; calls from different
    threads (the loop's own included) are not ordered among themselves, so a callback
    that reports a state should read the state when it runs rather than trust the
    order of its arguments. Calls after the loop has closed are dropped (the app is
    exiting; nobody is there to show them).
    """

    def post(*args: Any) -> None:
        if loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # closed between the check and the call
            pass

    return post


async def pause(seconds: float) -> None:
    """``asyncio.sleep`` that needs only the current event loop, not a running one.

    A coroutine that qasync steps from Qt's own event loop (a nested dialog's, or the
    tests' ``qtbot`` waits) has no *running* asyncio loop, and ``asyncio.sleep`` raises
    there; this waits on a timer of the loop instead. Cancellation ends it at once.
    """
    loop = asyncio.get_event_loop()
    done = loop.create_future()
    timer = loop.call_later(seconds, lambda: done.done() or done.set_result(None))
    try:
        await done
    finally:
        timer.cancel()


class Cancelled(Exception):
    """A long operation ended because the user cancelled it."""


class CancelToken:
    """Asks a long blocking operation on a pool thread to stop, from any thread.

    Blocking reads do not look at flags, so an operation registers how to interrupt
    itself (closing its stream shuts the socket, and the read returns at once); a
    closer registered after the cancel runs immediately.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._closers: list[Callable[[], Any]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            closers, self._closers = self._closers, []
        for closer in closers:
            _close_quietly(closer)

    def on_cancel(self, closer: Callable[[], Any]) -> None:
        with self._lock:
            if not self._event.is_set():
                self._closers.append(closer)
                return
        _close_quietly(closer)

    def check(self) -> None:
        """Raise Cancelled if the operation was cancelled (call between steps)."""
        if self._event.is_set():
            raise Cancelled()


def _close_quietly(closer: Callable[[], Any]) -> None:
    try:
        closer()
    except Exception:  # a closer that fails must not stop the others
        _log.exception("closing a cancelled operation failed")
