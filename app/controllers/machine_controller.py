"""Runs ``podman machine`` and ``podman system connection`` commands off the GUI thread.

One command (or short sequence: restart is stop then start) at a time; its output
streams into ``output``, it can be cancelled, and the machine list is re-read after it.
The command's thread hands its lines and its end to the GUI thread with
``call_in_loop``; listings run on the controller's subprocess pool.

Signals:
    output(str): one line the CLI printed.
    busy_changed(bool): a command started or ended.
    progress(str, int, int): what runs now, as step N of M.
    finished(str action, str name, bool ok, str message): a command ended.
    listing_changed(MachineListing): ``podman machine list`` was read again.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal

from app.engine.cli import machine_cli
from app.engine.cli.machine_cli import MachineSpec, StreamingCommand
from app.engine.cli.machines import MachineAvailability, MachineListing, list_machines
from app.engine.cli.podman_cli import PodmanCli
from app.engine.connection import machine_connection_name
from app.support import log
from app.support.concurrency import SUBPROCESS_WORKERS, Pool, call_in_loop

_log = log.get("machines")

ACTION_LABELS = {
    "init": "Creating",
    "start": "Starting",
    "stop": "Stopping",
    "restart": "Restarting",
    "remove": "Removing",
    "rootful": "Changing rootful mode of",
    "default": "Making default:",
    "add-connection": "Adding connection",
    "remove-connection": "Removing connection",
}


class MachineController(QObject):
    output = Signal(str)
    busy_changed = Signal(bool)
    progress = Signal(str, int, int)
    finished = Signal(str, str, bool, str)
    listing_changed = Signal(object)

    def __init__(self, cli_factory: Callable[[], PodmanCli], parent: QObject | None = None):
        super().__init__(parent)
        self._cli_factory = cli_factory
        self.listing: MachineListing | None = None
        self.rootful: dict[str, bool] = {}  # by machine name, from `machine inspect`
        self.podman_version = ""
        self._job: StreamingCommand | None = None
        self._steps: list[list[str]] = []
        self._step = 0
        self._action = ""
        self._name = ""
        self._busy = False
        self._listing_task: asyncio.Future | None = None
        self._pool = Pool("machines", SUBPROCESS_WORKERS)

    # -- state ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def current(self) -> tuple[str, str]:
        """The running action and the machine (or connection) it acts on."""
        return (self._action, self._name) if self.busy else ("", "")

    def machine(self, name: str):
        if self.listing is None:
            return None
        return next((m for m in self.listing.machines if m.name == name), None)

    # -- listing ----------------------------------------------------------------------

    async def refresh(self) -> MachineListing:
        """Read ``podman machine list`` off the GUI thread (joins a read in flight)."""
        if self._listing_task is None or self._listing_task.done():
            listing = self._pool.run(_list_and_inspect, self._cli_factory())
            self._listing_task = asyncio.ensure_future(listing)
        listing, rootful = await asyncio.shield(self._listing_task)
        self.listing, self.rootful = listing, rootful
        self.listing_changed.emit(listing)
        return listing

    @property
    def available(self) -> bool:
        return self.listing is not None and self.listing.availability is MachineAvailability.OK

    # -- commands ---------------------------------------------------------------------

    def init(self, spec: MachineSpec) -> bool:
        major = machine_cli.podman_major(self.podman_version)
        return self._begin("init", spec.name, [machine_cli.init_args(spec, major)])

    def start(self, name: str) -> bool:
        return self._begin("start", name, [machine_cli.start_args(name)])

    def stop(self, name: str) -> bool:
        return self._begin("stop", name, [machine_cli.stop_args(name)])

    def restart(self, name: str) -> bool:
        # Podman has no `machine restart` before 5.x's plugin era: stop, then start.
        return self._begin(
            "restart", name, [machine_cli.stop_args(name), machine_cli.start_args(name)]
        )

    def remove(self, name: str) -> bool:
        return self._begin("remove", name, [machine_cli.remove_args(name)])

    def set_rootful(self, name: str, rootful: bool) -> bool:
        return self._begin("rootful", name, [machine_cli.set_rootful_args(name, rootful)])

    def set_default(self, connection_name: str) -> bool:
        return self._begin(
            "default", connection_name, [machine_cli.set_default_args(connection_name)]
        )

    def set_machine_default(self, name: str) -> bool:
        """Make the machine Podman's default through the connection it runs as: the
        ``NAME-root`` one for a rootful machine (``machine inspect``), else ``NAME``."""
        return self.set_default(machine_connection_name(name, self.rootful.get(name, False)))

    def add_connection(self, name: str, uri: str, identity: str = "") -> bool:
        args = machine_cli.add_connection_args(name, uri, identity)
        return self._begin("add-connection", name, [args])

    def remove_connection(self, name: str) -> bool:
        return self._begin("remove-connection", name, [machine_cli.remove_connection_args(name)])

    def cancel(self) -> None:
        self._steps = []
        if self._job is not None:
            self._job.cancel()

    def open_terminal(self, name: str) -> str:
        """Open ``podman machine ssh NAME`` in the user's terminal; "" or why not."""
        cli = self._cli_factory()
        if not cli.available:
            return "podman is not installed"
        argv = machine_cli.terminal_command([cli.executable, *machine_cli.ssh_args(name)])
        if argv is None:
            return "No terminal emulator was found (set $TERMINAL to choose one)."
        try:
            subprocess.Popen(
                argv,
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            return f"Could not open a terminal: {exc}"
        return ""

    def shutdown(self) -> None:
        """Cancel a running command and wait for it briefly (on exit)."""
        job = self._job
        self.cancel()
        if job is not None:
            job.join(timeout=machine_cli.TERMINATE_GRACE_S + 1)
        self._pool.shutdown()

    # -- running ----------------------------------------------------------------------

    def _begin(self, action: str, name: str, steps: list[list[str]]) -> bool:
        if self.busy:
            running, target = self.current
            self.output.emit(f"Busy: {ACTION_LABELS[running].lower()} {target}. Wait or cancel.")
            return False
        cli = self._cli_factory()
        if not cli.available:
            self.finished.emit(action, name, False, "podman is not installed")
            return False
        self._action, self._name = action, name
        self._steps = [[cli.executable, *args] for args in steps]
        self._step = 0
        self._env = cli.env
        self._busy = True
        self.busy_changed.emit(True)
        self._next()
        return True

    def _next(self) -> None:
        argv = self._steps.pop(0)
        self._step += 1
        total = self._step + len(self._steps)
        label = f"{ACTION_LABELS[self._action]} {self._name}"
        self.progress.emit(label, self._step, total)
        self.output.emit(f"$ podman {' '.join(argv[1:])}")
        loop = asyncio.get_event_loop()
        self._job = StreamingCommand(
            argv, call_in_loop(loop, self._on_line), call_in_loop(loop, self._on_done), self._env
        )
        self._job.start()

    def _on_line(self, line: str) -> None:
        # A cancelled command's last lines can come after Qt deleted this object at exit.
        if shiboken6.isValid(self):
            self.output.emit(line)

    def _on_done(self, code: int, last_error: str) -> None:
        if not shiboken6.isValid(self):
            return
        job, self._job = self._job, None
        if job is not None:
            job.join(timeout=1)
        if code == 0 and self._steps:
            self._next()
            return
        ok = code == 0
        message = "" if ok else (last_error or f"podman exited with code {code}")
        if job is not None and job.cancelled:
            ok, message = False, "cancelled"
        action, name = self._action, self._name
        _log.info("%s %s: %s", action, name, "ok" if ok else message)
        self._steps = []
        self._busy = False
        self.busy_changed.emit(False)
        self.finished.emit(action, name, ok, message)


def _list_and_inspect(cli: PodmanCli) -> tuple[MachineListing, dict[str, bool]]:
    listing = list_machines(cli)
    if listing.availability is not MachineAvailability.OK:
        return listing, {}
    return listing, machine_cli.inspect_rootful(cli, [m.name for m in listing.machines])
