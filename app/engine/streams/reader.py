"""The base of the long-lived stream readers (events, logs, stats): one thread each.

A reader owns one named daemon thread that opens its stream, reads it to the end and
opens it again, with backoff after a loss. ``stop()`` shuts the socket down before it
joins, so a reader blocked in a read (or waiting for headers) ends at once and the app
exits promptly. Callbacks run on the reader's thread: the app hands them to the GUI
thread with ``app.support.concurrency.call_in_loop``. No Qt here.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, PodmanError
from app.engine.http_api import Stream
from app.engine.streams.records import StreamState
from app.support import log

# Seconds to wait before each reconnect after a failure; the last one repeats.
DEFAULT_BACKOFF = (0.2, 0.5, 1.0, 2.0, 5.0)


StateCallback = Callable[[StreamState, str], None]


class StreamReader:
    """One stream, read on its own thread until ``stop()``; subclasses say how.

    A subclass implements ``_open()`` (open the stream, passing ``on_socket=
    self._hold_socket`` so a stop can reach the socket before the headers come) and
    ``_read(stream)`` (deliver what arrives; return why the stream ended: ``(LOST,
    reason)`` to reconnect after the backoff, ``(ENDED, "")`` to wait for ``resume()``).
    Errors either raises become LOST with a reason a user can read; the thread never
    dies of one.
    """

    #: The stream, as messages name it ("the events stream").
    what = "the stream"
    logger: logging.Logger = log.get("streams")

    def __init__(
        self,
        endpoint: Endpoint,
        thread_name: str,
        on_state: StateCallback | None = None,
        backoff: Iterable[float] = DEFAULT_BACKOFF,
    ) -> None:
        self.endpoint = endpoint
        self._on_state = on_state
        self._backoff = tuple(backoff) or (1.0,)
        self._state = StreamState.STOPPED
        self._connected = False  # whether the current session opened its stream
        self._stopping = threading.Event()
        self._wake = threading.Event()  # resume() or stop() during a pause
        self._lock = threading.Lock()  # guards _stream and _sock against stop()
        self._stream: Stream | None = None
        self._sock: Any = None
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)
        self._started = False
        self._last_error: PodmanError | None = None

    # -- from any thread ---------------------------------------------------------------

    @property
    def state(self) -> StreamState:
        return self._state

    @property
    def last_error(self) -> PodmanError | None:
        """The typed error of the last attempt that failed (None once the stream opened),
        for a caller that branches on the kind of failure rather than its words."""
        return self._last_error

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        """stop() was called (a subclass's read loop may end early)."""
        return self._stopping.is_set()

    def start(self) -> None:
        if self._started:
            raise RuntimeError(f"a {type(self).__name__} can be started only once")
        self._started = True
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> bool:
        """Shut the socket down, then join; True once the thread has ended.

        Returns within ``timeout`` even if the thread is stuck opening a connection;
        the thread is a daemon and makes no callbacks once stopping.
        """
        self._stopping.set()
        self._wake.set()
        self._interrupt(close=True)
        if not self._started:
            self._state = StreamState.STOPPED
            return True
        if self._thread is threading.current_thread():
            return False  # a callback stopped its own reader: it ends when it returns
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def resume(self) -> None:
        """Open a new stream now: after ENDED (the container runs again) or during a pause."""
        self._wake.set()

    def drop(self) -> None:
        """Break the current connection, as a dropped one looks from here (for tests)."""
        self._interrupt(close=False)

    # -- for subclasses, on the reader's thread ------------------------------------------

    def _open(self) -> Stream:
        raise NotImplementedError

    def _read(self, stream: Stream) -> tuple[StreamState, str]:
        raise NotImplementedError

    def _refused(self, exc: ApiError) -> str:
        """What to say when Podman answers the request with an error status."""
        return f"Podman refused {self.what}: {exc.message}"

    def _hold_socket(self, sock: Any) -> None:
        """``on_socket`` of ``open_stream``: the connected socket, for stop() to shut down."""
        with self._lock:
            self._sock = sock
        if self._stopping.is_set():
            self._interrupt(close=False)

    def _set_state(self, state: StreamState, reason: str = "") -> None:
        if state is self._state:
            return
        self._state = state
        self._call(self._on_state, state, reason)

    def _call(self, callback: Callable[..., None] | None, *args: Any) -> None:
        """Run a callback unless stopping; one that raises is logged and reading goes on."""
        if callback is None or self._stopping.is_set():
            return
        try:
            callback(*args)
        except Exception:
            self.logger.exception("a callback of %s failed", self.what)

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        reason = ""
        try:
            while not self._stopping.is_set():
                self._set_state(StreamState.CONNECTING, reason)
                state, reason = self._session()
                if self._stopping.is_set():
                    break
                self._set_state(state, reason)
                if state is StreamState.ENDED:
                    failures, reason = 0, ""
                    self._wake.wait()  # until resume() or stop()
                else:
                    # Even after a good connection wait the first step, so a service that
                    # accepts and hangs up at once does not turn this into a busy loop.
                    failures = 0 if self._connected else failures + 1
                    self._wake.wait(self._delay(failures))
                self._wake.clear()
        finally:
            self._state = StreamState.STOPPED

    def _delay(self, failures: int) -> float:
        return self._backoff[min(max(failures - 1, 0), len(self._backoff) - 1)]

    def _session(self) -> tuple[StreamState, str]:
        """One connection, read to its end: how it ended and why."""
        self._connected = False
        stream, why = self._open_or_why()
        if stream is None:
            self._forget_socket()
            return StreamState.LOST, why
        self._last_error = None
        with self._lock:
            if self._stopping.is_set():
                self._sock = None
                stream.close()
                return StreamState.STOPPED, ""
            self._stream = stream
        self._connected = True
        self._set_state(StreamState.CONNECTED)
        try:
            return self._read(stream)
        except PodmanError as exc:
            self._last_error = exc
            return StreamState.LOST, str(exc)
        except Exception as exc:  # http.client can raise odd errors on a closed socket
            if self._stopping.is_set():
                return StreamState.STOPPED, ""
            self.logger.exception("reading %s from %s failed", self.what, self.endpoint)
            return StreamState.LOST, f"{self.what.capitalize()} broke: {exc}"
        finally:
            with self._lock:
                self._stream = None
                self._sock = None
            stream.close()

    def _open_or_why(self) -> tuple[Stream | None, str]:
        try:
            return self._open(), ""
        except ApiError as exc:
            self._last_error = exc
            return None, self._refused(exc)
        except PodmanError as exc:
            self._last_error = exc
            return None, str(exc)
        except Exception as exc:  # the thread must never die; report it as a loss
            if self._stopping.is_set():
                return None, ""
            self.logger.exception("opening %s from %s failed", self.what, self.endpoint)
            return None, f"Cannot open {self.what}: {exc}"

    def _forget_socket(self) -> None:
        with self._lock:
            self._sock = None

    def _interrupt(self, close: bool) -> None:
        """Shut the current socket down (a blocked read returns); ``close`` also closes
        the stream, whose reader then ends quietly instead of seeing a loss."""
        with self._lock:
            sock, stream = self._sock, self._stream
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if close and stream is not None:
            stream.close()
