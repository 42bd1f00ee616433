"""Reusable threads for the proxy's connections.

Starting a Python thread costs ~130 µs here (the start handshake needs the new thread
scheduled), and each connection needs two. Idle workers waiting on a queue take a new
connection for ~15 µs instead; they leave after being idle for a while.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger("pdc.proxy")

IDLE_S = 30.0


class Workers:
    """Runs each submitted callable on an idle worker, or on a new one if none is idle."""

    def __init__(self, name: str, idle_s: float = IDLE_S) -> None:
        self._name = name
        self._idle_s = idle_s
        self._queue: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._threads: set[threading.Thread] = set()
        self._serial = 0
        self._closed = False

    @property
    def size(self) -> int:
        """Worker threads alive (busy or idle)."""
        return len(self._threads)

    @property
    def idle(self) -> int:
        return self._idle

    def submit(self, task: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the proxy is stopping")
            if self._idle:
                self._idle -= 1
                self._queue.put(task)
                return
            self._serial += 1
            # Daemon: a forgotten stop() must not hold the app open at exit.
            thread = threading.Thread(
                target=self._work, args=(task,), name=f"{self._name}-{self._serial}", daemon=True
            )
            self._threads.add(thread)
        thread.start()

    def close(self, timeout: float = 1.0) -> None:
        """No new tasks; idle workers leave; wait up to ``timeout`` for busy ones to finish."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._closed = True
            threads = list(self._threads)
            for _ in range(self._idle):
                self._queue.put(None)
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0.01))

    def _work(self, task: Callable[[], None] | None) -> None:
        try:
            while task is not None:
                try:
                    task()
                except Exception:  # noqa: BLE001 - one connection's bug must not kill the pool
                    log.exception("%s: unexpected failure", threading.current_thread().name)
                task = self._next()
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _next(self) -> Callable[[], None] | None:
        with self._lock:
            if self._closed:
                return None
            self._idle += 1
        try:
            return self._queue.get(timeout=self._idle_s)
        except queue.Empty:
            with self._lock:
                # submit() may have counted this worker idle and queued a task meanwhile.
                try:
                    return self._queue.get_nowait()
                except queue.Empty:
                    self._idle -= 1
                    return None
