"""What the soak benches share: the app's real window in a child process, and its readings.

``soak_bench.py`` (a day of churn, every page) and ``soak.py`` (thousands of containers,
outages) both run the app as it runs for a user, offscreen, in a child process of its own,
so that nothing of the driver (the parent) counts in its figures. The parent speaks to it
one line at a time on stdin and reads one ``M {json}`` line back per request.

The child side is :class:`WindowChild`: the main window and an inspector manager on the
app's qasync loop, a 10 ms heartbeat timer on the GUI thread (the gaps between its beats
are the GUI thread's stalls), and :meth:`WindowChild.readings` (RSS now, Python threads,
descriptors, sockets among them, SSH channels of the connection's proxy, Qt widgets,
objects Python's GC tracks). The parent side is :func:`spawn` and :func:`ask`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class WindowChild:
    """The app's main window, offscreen, built as app/application.py builds it (child side).

    Build it first thing in the child: it sets the offscreen platform and the event loop.
    """

    def __init__(self) -> None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import asyncio
        import tempfile

        import qasync
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from app.controllers.connection_manager import ConnectionManager
        from app.controllers.inspector_manager import InspectorManager
        from app.controllers.resource_actions import ResourceActions
        from app.controllers.settings import Settings
        from app.support.responsiveness import prepare_qt_environment
        from app.ui.inspector.container_inspector import ContainerInspector
        from app.ui.main_window import MainWindow

        prepare_qt_environment()  # as the app does
        self.qapp = QApplication([])
        self.loop = qasync.QEventLoop(self.qapp)
        asyncio.set_event_loop(self.loop)
        # Each beat: (wall, the GUI thread's own CPU, its time waiting for a CPU), so that a
        # stall the app causes is told from one a loaded machine imposes (Linux schedstat).
        stat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        waited = (lambda: int(stat.read_text().split()[1]) / 1e9) if stat.exists() else float
        self.beats: list[tuple[float, float, float]] = []
        beat = lambda: self.beats.append((time.perf_counter(), time.thread_time(), waited()))  # noqa: E731
        beat()
        self._heart = QTimer(interval=10)
        self._heart.timeout.connect(beat)
        self._heart.start()
        self.settings = Settings(Path(tempfile.mkdtemp()) / "s.ini")
        self.manager = ConnectionManager(self.settings)
        actions = ResourceActions(lambda: self.manager.session)
        self.window = MainWindow(self.settings, actions)
        self.manager.session_changed.connect(self.window.set_session)
        self.inspectors = InspectorManager(
            self.manager, lambda session, ref: ContainerInspector(session, ref, actions)
        )
        self.window.resize(1180, 720)
        self.window.show()
        self.commands: asyncio.Queue = asyncio.Queue()
        threading.Thread(target=self._read_commands, name="soak-stdin", daemon=True).start()

    def _read_commands(self) -> None:  # stdin on a thread of its own: the GUI thread never blocks
        for line in sys.stdin:
            self.loop.call_soon_threadsafe(self.commands.put_nowait, line.rstrip("\n"))
        self.loop.call_soon_threadsafe(self.commands.put_nowait, "quit")

    async def connect(self, uri: str, identity: str = "") -> None:
        """Open ``uri`` as the app would: a socket directly, ssh:// through its own proxy."""
        if identity:
            from app.engine.connection import Connection

            # is_machine on loopback: the host key is trusted as Podman trusts a machine's.
            await self.manager.open(Connection("soak-ssh", uri, identity=identity, is_machine=True))
        else:
            await self.manager.open_initial(uri)

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 30.0, what: str = ""
    ) -> None:
        import asyncio

        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError(what)
            await asyncio.sleep(0.01)

    def max_gap_ms(self, since: float) -> float:
        """The longest gap between heartbeats from ``since`` until now (ms)."""
        stamps = [since] + [b[0] for b in self.beats if b[0] >= since] + [time.perf_counter()]
        return max(b - a for a, b in zip(stamps, stamps[1:], strict=False)) * 1000

    def gaps_since(self, since: float) -> dict[str, float]:
        """The longest wall gap between beats from ``since`` (ms), split into the GUI
        thread's own CPU and its wait for a CPU, and the most own CPU in any gap."""
        beats = [b for b in self.beats if b[0] >= since]
        pairs = list(zip(beats, beats[1:], strict=False))
        if not pairs:
            return {
                "gap_ms": self.max_gap_ms(since),
                "gap_own_ms": 0.0,
                "gap_wait_ms": 0.0,
                "most_own_ms": 0.0,
            }
        a, b = max(pairs, key=lambda p: p[1][0] - p[0][0])
        return {
            "gap_ms": self.max_gap_ms(since),
            "gap_own_ms": (b[1] - a[1]) * 1000,
            "gap_wait_ms": (b[2] - a[2]) * 1000,
            "most_own_ms": max(y[1] - x[1] for x, y in pairs) * 1000,
        }

    def forget_beats(self) -> None:
        """Drop all beats but the last: a long run would otherwise grow the list (and RSS)."""
        del self.beats[:-1]

    def channels(self) -> int:
        """Open SSH channels on the connection's proxy session (-1: not over SSH).

        Read from paramiko's private channel map: a bench may look inside, the app does not.
        """
        session = self.manager.session
        proxy = getattr(session, "proxy", None)
        if proxy is None:
            return -1
        upstream = proxy.thread._proxy.upstream
        transport = getattr(upstream, "_transport", None)
        return len(transport._channels) if transport is not None else 0

    def readings(self) -> dict[str, Any]:
        """The process's counts now (collect garbage first if they should be comparable)."""
        import gc

        from PySide6.QtWidgets import QApplication

        with open("/proc/self/statm") as statm:
            rss = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        fds = os.listdir("/proc/self/fd")
        sockets = 0
        for fd in fds:
            try:
                sockets += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
            except OSError:
                pass  # the listing's own descriptor, closed by now
        return {
            "rss_mb": rss / 2**20,
            "threads": threading.active_count(),
            "thread_names": sorted(t.name for t in threading.enumerate()),
            "fds": len(fds),
            "sockets": sockets,
            "channels": self.channels(),
            "widgets": len(QApplication.allWidgets()),
            "py_objects": len(gc.get_objects()),
        }

    def run(self, main: Callable[[], Any]) -> None:
        """Run the coroutine function ``main`` on the app's loop, then shut the app down."""
        with self.loop:
            self.loop.run_until_complete(main())
        self.inspectors.close_all()
        self.manager.shutdown()


def report(figures: dict[str, Any]) -> None:
    """Answer the parent (child side)."""
    print("M " + json.dumps(figures), flush=True)


def spawn(
    script: str, args: list[str], env: dict[str, str], log: Path, own_session: bool = True
) -> subprocess.Popen:
    """Start ``script --child ARGS`` and wait for its READY line (parent side).

    ``own_session``: the child calls setsid(), as an app started from a desktop launcher
    is in a session (and a systemd scope) of its own. Linux's scheduler (autogroup, or the
    desktop's cgroups) shares the CPUs between sessions first, so in the driver's session
    the window would compete for its share with every ``podman`` command the driver runs,
    which no user's terminal does to a desktop app.
    """
    child_log = open(log, "w")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [sys.executable, script, "--child", *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=child_log,
        text=True,
        start_new_session=own_session,
    )
    child_log.close()
    if proc.stdout.readline().strip() != "READY":
        proc.kill()
        raise RuntimeError(f"the child did not start: see {log}")
    return proc


def ask(proc: subprocess.Popen, line: str) -> dict[str, Any]:
    """Send one request line and return the child's ``M`` answer (parent side)."""
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    answer = proc.stdout.readline()
    if not answer.startswith("M "):
        raise RuntimeError(f"the child failed on {line[:60]!r} (see its log)")
    return json.loads(answer[2:])


def slope_mb_per_100(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of RSS over cycles, scaled to 100 cycles."""
    if len(points) < 2:
        return 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return 100 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0
