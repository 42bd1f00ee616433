"""The ``podman machine`` and ``podman system connection`` commands the app runs.

Argument lists are built here for Podman 4 and 5 alike, and :class:`StreamingCommand`
runs one of them on its own thread, handing its output over line by line and stopping
it on request. No Qt here: the controller in ``app/machine_controller.py`` bridges it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.engine.cli.podman_cli import json_rows
from app.engine.connection import Connection
from app.engine.endpoint import EndpointError
from app.support import log

_log = log.get("machines")

# No CLI step of a machine lifecycle has a useful end to wait for, except its own exit.
TERMINATE_GRACE_S = 5.0


@dataclass(frozen=True)
class MachineSpec:
    """What ``podman machine init`` is asked for (sizes as podman takes them)."""

    name: str
    cpus: int = 0  # 0 = Podman's default
    memory_mib: int = 0
    disk_gib: int = 0
    rootful: bool = False
    image: str = ""  # a path or URL; "" = Podman's default image


def init_args(spec: MachineSpec, podman_major: int = 5) -> list[str]:
    """``machine init``: Podman 5 calls the image option ``--image``, Podman 4
    ``--image-path`` (5 still accepts the old name, but warns)."""
    args = ["machine", "init"]
    if spec.cpus:
        args += ["--cpus", str(spec.cpus)]
    if spec.memory_mib:
        args += ["--memory", str(spec.memory_mib)]
    if spec.disk_gib:
        args += ["--disk-size", str(spec.disk_gib)]
    if spec.rootful:
        args.append("--rootful")
    if spec.image:
        args += ["--image" if podman_major >= 5 else "--image-path", spec.image]
    args.append(spec.name)
    return args


def start_args(name: str) -> list[str]:
    return ["machine", "start", name]


def stop_args(name: str) -> list[str]:
    return ["machine", "stop", name]


def remove_args(name: str) -> list[str]:
    # --force: the app asked for confirmation already, and podman would prompt on stdin.
    return ["machine", "rm", "--force", name]


def set_rootful_args(name: str, rootful: bool) -> list[str]:
    return ["machine", "set", f"--rootful={'true' if rootful else 'false'}", name]


def ssh_args(name: str) -> list[str]:
    return ["machine", "ssh", name]


def set_default_args(connection_name: str) -> list[str]:
    return ["system", "connection", "default", connection_name]


def add_connection_args(name: str, uri: str, identity: str = "") -> list[str]:
    args = ["system", "connection", "add"]
    if identity:
        args += ["--identity", identity]
    return [*args, name, uri]


def remove_connection_args(name: str) -> list[str]:
    return ["system", "connection", "remove", name]


def validate_remote(name: str, uri: str, identity: str) -> str:
    """Why a remote connection cannot be added as typed ("" when it can)."""
    name = name.strip()
    if not name:
        return "Give the connection a name."
    if any(ch.isspace() for ch in name) or "/" in name:
        return "A connection name cannot contain spaces or slashes."
    if not uri.startswith("ssh://"):
        return "The address must start with ssh:// (ssh://user@host[:port]/path/to/podman.sock)."
    try:
        target = Connection(name, uri).ssh_target()
    except EndpointError as exc:
        return str(exc)
    if not target.user:
        return "Say which user to log in as: ssh://USER@host/…"
    if not target.socket_path.startswith("/"):
        return (
            "Add the path of Podman's socket on that host, e.g. /run/podman/podman.sock "
            "(root) or /run/user/1000/podman/podman.sock."
        )
    if identity and not os.path.isfile(os.path.expanduser(identity)):
        return f"The identity file {identity} does not exist."
    return ""


def podman_major(version: str) -> int:
    """The major number of a ``podman version`` string (5 when unknown: the current one)."""
    try:
        return int(version.split(".", 1)[0])
    except ValueError:
        return 5


def terminal_command(inner: list[str]) -> list[str] | None:
    """A command opening the user's terminal emulator running ``inner``; None if none found."""
    if sys.platform == "darwin":
        script = f'tell app "Terminal" to do script "{shlex.join(inner)}"'
        return ["osascript", "-e", script]
    if sys.platform == "win32":
        return ["cmd.exe", "/c", "start", "cmd.exe", "/k", subprocess.list2cmdline(inner)]
    candidates = [
        os.environ.get("TERMINAL", ""),
        "x-terminal-emulator",
        "gnome-terminal",
        "konsole",
        "xfce4-terminal",
        "xterm",
    ]
    for term in filter(None, candidates):
        path = shutil.which(term)
        if path is None:
            continue
        if os.path.basename(term) == "gnome-terminal":
            return [path, "--", *inner]
        return [path, "-e", *inner]
    return None


class StreamingCommand:
    """One CLI run on its own thread, its stdout and stderr delivered line by line.

    ``on_line(text)`` and ``on_done(returncode, last_error_line)`` are called on the
    command's thread; :meth:`cancel` may be called from any thread.
    """

    def __init__(
        self,
        argv: list[str],
        on_line: Callable[[str], None],
        on_done: Callable[[int, str], None],
        env: dict[str, str] | None = None,
    ) -> None:
        self.argv = argv
        self._on_line = on_line
        self._on_done = on_done
        self._env = env
        self._proc: subprocess.Popen | None = None
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pdc-machine-cli", daemon=True)

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def cancel(self) -> None:
        """Stop the command: SIGTERM to its process group, SIGKILL after a grace period."""
        self._cancelled.set()
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        _log.info("cancelling: %s", shlex.join(self.argv))
        _signal(proc, signal.SIGTERM if sys.platform != "win32" else None)
        threading.Thread(target=self._kill_later, args=(proc,), daemon=True).start()

    @staticmethod
    def _kill_later(proc: subprocess.Popen) -> None:
        try:
            proc.wait(TERMINATE_GRACE_S)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL if sys.platform != "win32" else None)

    def _run(self) -> None:
        last_error = ""
        _log.info("running: %s", shlex.join(self.argv))
        try:
            self._proc = subprocess.Popen(
                self.argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._env,
                text=True,
                errors="replace",
                bufsize=1,
                start_new_session=sys.platform != "win32",
            )
        except OSError as exc:
            self._on_done(127, f"cannot run {self.argv[0]}: {exc.strerror or exc}")
            return
        if self._cancelled.is_set():
            self.cancel()
        assert self._proc.stdout is not None
        for raw in self._proc.stdout:
            line = raw.rstrip("\r\n")
            if line.startswith("Error:"):
                last_error = line.removeprefix("Error:").strip()
            self._on_line(line)
        code = self._proc.wait()
        if self._cancelled.is_set():
            last_error = "cancelled"
        self._on_done(code, last_error)


def _signal(proc: subprocess.Popen, sig: int | None) -> None:
    try:
        if sig is None:
            proc.kill()
        else:
            os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def readback_warning(name: str, typed_uri: str, stored: Connection | None) -> str:
    """What to tell the user when Podman stored something other than what was typed.

    Podman 4.3 drops or shortens ssh:// socket paths outside ``/run`` (docs/podman-notes.md,
    "Podman 4.3 rewrites ssh:// socket paths"), and without a path Podman guesses the
    socket on each use.
    """
    if stored is None:
        return f"Podman did not list “{name}” after adding it."
    if stored.uri.rstrip("/") == typed_uri.rstrip("/"):
        return ""
    return (
        f"Podman stored “{name}” as {stored.uri} instead of {typed_uri}. The podman CLI "
        "and this app use what Podman stored; if the socket path is missing or wrong, "
        "put the socket under /run on that host, or edit the connection in "
        "containers.conf."
    )


def inspect_rootful(cli, names: list[str]) -> dict[str, bool]:
    """Which machines run rootful (``machine inspect``'s ``Rootful``, Podman 4.1+ and 5);
    machines whose answer cannot be read are left out (blocking)."""
    if not names:
        return {}
    result = cli.run("machine", "inspect", *names, timeout=30)
    if not result.ok:
        return {}
    try:
        rows = json_rows(result.stdout, "podman machine inspect")
    except ValueError:
        return {}
    return {
        row["Name"]: row["Rootful"]
        for row in rows
        if isinstance(row.get("Name"), str) and isinstance(row.get("Rootful"), bool)
    }
