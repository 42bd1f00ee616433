"""An interactive exec in a container: a process with a TTY, its bytes both ways.

podman-py has no interactive exec (docs/podman-notes.md, "podman-py"), so this creates
the exec and starts it on a hijacked connection of the engine's own HTTP module
(``http_api.hijack``). The same path works on a unix socket and on the proxy's local
end of an ssh:// connection: after the upgrade it is a plain byte stream.

Threads: ``open()`` blocks (create, start) and runs off the GUI thread. A reader thread
hands every received block to ``on_output`` and calls ``on_end`` once when the stream
ends; a writer thread sends what ``write()`` queued and runs the resizes, so neither
typing nor a resize ever waits on the network in the caller's thread.
"""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.engine import http_api
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, PodmanError
from app.support import log

_log = log.get("exec")

LIBPOD = http_api.LIBPOD_PREFIX
SHELLS = ("bash", "sh")
TERM = "xterm-256color"
# What a POSIX shell returns for a command it cannot find; Podman's exec of a missing
# binary ends with the same code (docs/podman-notes.md, "Containers: archives and exec").
NOT_FOUND_CODES = (126, 127)


@dataclass(frozen=True)
class ExecEnd:
    """How an exec session ended: its exit code (None when unknown) and what to say."""

    exit_code: int | None
    message: str


def create_exec(
    endpoint: Endpoint,
    container: str,
    cmd: list[str],
    *,
    tty: bool = True,
    user: str = "",
    env: dict[str, str] | None = None,
) -> str:
    """Create an exec instance (not started yet) and return its id."""
    body: dict[str, Any] = {
        "AttachStdin": tty,
        "AttachStdout": True,
        "AttachStderr": True,
        "Tty": tty,
        "Cmd": cmd,
        "Env": [f"{k}={v}" for k, v in (env or {}).items()],
    }
    if user:
        body["User"] = user
    answer = http_api.request(endpoint, "POST", f"{LIBPOD}/containers/{container}/exec", body=body)
    return answer["Id"]


def inspect_exec(endpoint: Endpoint, exec_id: str) -> dict:
    return http_api.request(endpoint, "GET", f"{LIBPOD}/exec/{exec_id}/json") or {}


def run_quietly(endpoint: Endpoint, container: str, cmd: list[str], timeout: float = 15.0) -> int:
    """Run ``cmd`` without a TTY, discard its output, return its exit code (-1 unknown)."""
    exec_id = create_exec(endpoint, container, cmd, tty=False)
    # Without an upgrade Podman writes the multiplexed output as the answer's body and
    # ends it when the process ends.
    http_api.request(
        endpoint,
        "POST",
        f"{LIBPOD}/exec/{exec_id}/start",
        body={"Detach": False, "Tty": False},
        timeout=timeout,
    )
    code = inspect_exec(endpoint, exec_id).get("ExitCode")
    return code if isinstance(code, int) else -1


def default_shell(endpoint: Endpoint, container: str) -> str:
    """The first of bash, sh that the container can run ("sh" when none answers)."""
    for shell in SHELLS:
        try:
            if run_quietly(endpoint, container, [shell, "-c", "exit 0"]) == 0:
                return shell
        except ApiError as exc:  # a missing binary may also be refused outright
            _log.debug("%s not usable in %s: %s", shell, container[:12], exc)
    return SHELLS[-1]


class ExecSession:
    """One interactive exec; see the module's docstring for its threads."""

    def __init__(
        self,
        endpoint: Endpoint,
        container: str,
        cmd: list[str],
        *,
        user: str = "",
        rows: int = 24,
        cols: int = 80,
        on_output: Callable[[bytes], None],
        on_end: Callable[[ExecEnd], None],
    ) -> None:
        self.endpoint = endpoint
        self.container = container
        self.cmd = cmd
        self.user = user
        self.size = (rows, cols)
        self.exec_id = ""
        self._on_output = on_output
        self._on_end = on_end
        self._sock: socket.socket | None = None
        self._outbox: queue.Queue[Any] = queue.Queue()
        self._start = b""  # the first bytes of output: a failed start says why there
        self._closed = threading.Event()
        self._ended = False
        self._lock = threading.Lock()
        self._hung_up = threading.Event()

    # -- starting (blocking: off the GUI thread) ------------------------------------------

    def open(self) -> None:
        """Create and start the exec; raises PodmanError with Podman's words."""
        env = {"TERM": TERM}
        self.exec_id = create_exec(self.endpoint, self.container, self.cmd, user=self.user, env=env)
        rows, cols = self.size
        body = {"Detach": False, "Tty": True, "h": rows, "w": cols}
        sock, first = http_api.hijack(self.endpoint, f"{LIBPOD}/exec/{self.exec_id}/start", body)
        self._sock = sock
        # The start's h and w size the TTY before the process runs (docs/podman-notes.md,
        # "Containers: archives and exec"); later sizes go through resize().
        threading.Thread(target=self._read, args=(first,), name="exec-read", daemon=True).start()
        threading.Thread(target=self._write, name="exec-write", daemon=True).start()
        if self._closed.is_set():  # closed while starting: end what started
            with _closing_lock:
                _closing.add(self)
            self._outbox.put(_CLOSE)

    # -- from any thread -------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Queue ``data`` for the process's stdin; never blocks."""
        if data and not self._closed.is_set():
            self._outbox.put(bytes(data))

    def resize(self, rows: int, cols: int) -> None:
        """Queue a resize of the TTY; never blocks."""
        if rows > 0 and cols > 0 and (rows, cols) != self.size:
            self.size = (rows, cols)
            if not self._closed.is_set():
                self._outbox.put((rows, cols))

    def close(self) -> None:
        """End the session and its processes; never blocks.

        Shutting the socket is not enough: Podman 4.3 keeps the exec's processes running
        with nobody attached (docs/podman-notes.md, "Containers: archives and exec"), so
        the writer thread hangs them up first, as closing a terminal does.
        """
        if self._closed.is_set():
            return
        self._closed.set()
        if self._sock is None:
            return  # not started: open() sees the flag
        with _closing_lock:
            _closing.add(self)
        self._outbox.put(_CLOSE)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    # -- threads ---------------------------------------------------------------------------

    def _read(self, first: bytes) -> None:
        sock = self._sock
        assert sock is not None
        try:
            data = first or sock.recv(65536)
            while data:
                if len(self._start) < 512:
                    self._start += data[:512]
                self._on_output(data)
                data = sock.recv(65536)
        except OSError as exc:
            if not self._closed.is_set():
                _log.info("exec %s stream broke: %s", self.exec_id[:12], exc)
        if not self._closed.is_set():
            self._closed.set()
            self._outbox.put(None)
        self._shut()
        self._finish()

    def _write(self) -> None:
        while True:
            item = self._outbox.get()
            if item is None:
                return
            if item is _CLOSE:
                try:
                    self._hang_up()
                    self._shut()
                finally:
                    with _closing_lock:
                        _closing.discard(self)
                    self._hung_up.set()
                return
            try:
                if isinstance(item, tuple):
                    self._send_resize(*item)
                else:
                    # Gather what waits, so a paste or fast typing goes in few writes.
                    while not self._outbox.empty():
                        nxt = self._outbox.queue[0]
                        if not isinstance(nxt, bytes):
                            break
                        item += self._outbox.get_nowait()
                    sock = self._sock
                    if sock is not None:
                        sock.sendall(item)
            except OSError as exc:
                _log.info("exec %s: cannot send: %s", self.exec_id[:12], exc)
                return
            except PodmanError as exc:  # a resize after the process ended: harmless
                _log.debug("exec %s: resize refused: %s", self.exec_id[:12], exc)

    def _send_resize(self, rows: int, cols: int) -> None:
        http_api.request(
            self.endpoint,
            "POST",
            f"{LIBPOD}/exec/{self.exec_id}/resize",
            params={"h": rows, "w": cols},
            timeout=10.0,
        )

    def _hang_up(self) -> None:
        """Send SIGHUP to the processes on the exec's terminal (then SIGKILL to those
        that stay), found by the exec's host pid in the container's process table."""
        try:
            pids = terminal_pids(self.endpoint, self.container, self.exec_id)
            for signal, grace in (("HUP", 1.0), ("KILL", 5.0)):
                if pids:
                    signal_processes(self.endpoint, self.container, signal, pids)
                if self._ended_within(grace):
                    return
                pids = terminal_pids(self.endpoint, self.container, self.exec_id)
        except PodmanError as exc:  # the container stopped or went: so did the process
            _log.debug("exec %s: hang-up: %s", self.exec_id[:12], exc)

    def _ended_within(self, grace: float) -> bool:
        """Whether Podman says the exec ended within ``grace`` seconds. It says so only
        after conmon has reaped the process, which on a busy host lags the signal."""
        deadline = time.monotonic() + grace
        while True:
            if not inspect_exec(self.endpoint, self.exec_id).get("Running"):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)  # the writer thread, never the GUI thread

    def _shut(self) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _finish(self) -> None:
        with self._lock:
            if self._ended:
                return
            self._ended = True
        self._on_end(self.ending())

    def ending(self) -> ExecEnd:
        """What Podman says about the ended exec (blocking)."""
        try:
            info = inspect_exec(self.endpoint, self.exec_id)
        except PodmanError as exc:
            return ExecEnd(None, f"Session ended ({exc})")
        code = info.get("ExitCode")
        code = code if isinstance(code, int) and not info.get("Running") else None
        failed_start = self._start.startswith(b"Error: ") and b"exec" in self._start
        if code in NOT_FOUND_CODES and failed_start:
            why = _why(self._start)
            return ExecEnd(code, f"“{' '.join(self.cmd)}” cannot be run in this container: {why}")
        if not container_running(self.endpoint, self.container):
            return ExecEnd(code, "The container stopped, so this session ended.")
        if code is None:
            return ExecEnd(None, "Session ended.")
        return ExecEnd(code, f"Process exited with code {code}.")


_CLOSE = object()  # the writer's order to hang up and shut the socket
_closing: set[ExecSession] = set()  # sessions whose writer is hanging up
_closing_lock = threading.Lock()


def wait_for_hang_ups(timeout: float) -> bool:
    """Wait (at exit) until the sessions being closed have hung up their processes, so
    quitting the app does not leave shells running in containers; False on timeout."""
    deadline = time.monotonic() + timeout
    with _closing_lock:
        pending = list(_closing)
    return all(s._hung_up.wait(max(0.0, deadline - time.monotonic())) for s in pending)


def _why(start: bytes) -> str:
    """The reason in the runtime's words, from the error line Podman writes to the stream."""
    line = start.decode("utf-8", "replace").splitlines()[0]
    if "not found" in line or "no such file" in line:
        return "no such command."
    if "permission denied" in line:
        return "permission denied."
    return line.removeprefix("Error: ").strip()


def container_running(endpoint: Endpoint, container: str) -> bool:
    try:
        info = http_api.request(endpoint, "GET", f"{LIBPOD}/containers/{container}/json")
    except PodmanError:
        return False
    return bool(((info or {}).get("State") or {}).get("Running"))


def terminal_pids(endpoint: Endpoint, container: str, exec_id: str) -> list[str]:
    """The container's pids of the processes on the exec's terminal (its shell and what
    runs in it), found through the exec's host pid in ``top``'s pid,hpid,tty table."""
    host_pid = str(inspect_exec(endpoint, exec_id).get("Pid") or "")
    if not host_pid or host_pid == "0":
        return []
    table = http_api.request(
        endpoint,
        "GET",
        f"{LIBPOD}/containers/{container}/top",
        params={"ps_args": "pid,hpid,tty"},
    )
    rows = [row for row in (table or {}).get("Processes") or [] if len(row) >= 3]
    tty = next((row[2] for row in rows if row[1] == host_pid), "")
    if not tty or tty == "?":
        return [row[0] for row in rows if row[1] == host_pid]
    return [row[0] for row in rows if row[2] == tty]


def signal_processes(endpoint: Endpoint, container: str, signal: str, pids: list[str]) -> None:
    """``kill -SIGNAL pids`` inside the container: the shell's built-in, else the binary."""
    for cmd in (["sh", "-c", f"kill -{signal} {' '.join(pids)}"], ["kill", f"-{signal}", *pids]):
        try:
            if run_quietly(endpoint, container, cmd) != 127:
                return
        except ApiError as exc:
            _log.debug("cannot signal with %s: %s", cmd[0], exc)
