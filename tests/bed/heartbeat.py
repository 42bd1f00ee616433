"""Heartbeats: what the machine does to any program's timing (a 10 ms heartbeat in a
process of its own), and the GUI thread's own, split into work and waiting.

On the 2-CPU test machines a flood of container logs keeps Podman busy on both CPUs, and
then the OS runs even an idle program's 10 ms timer tens of milliseconds late (measured
here: 32-55 ms worst with nothing but ``curl`` reading the flood). A GUI-thread heartbeat
measured in the same minutes is judged against this one, which shares no interpreter lock
and no work with the app.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

_CHILD = r"""
import sys, threading, time
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
print("ready", flush=True)
worst, last = 0.0, time.perf_counter()
while not stop.is_set():
    time.sleep(0.01)
    now = time.perf_counter()
    worst, last = max(worst, now - last), now
print(worst, flush=True)
"""


class ReferenceHeartbeat:
    """``with ReferenceHeartbeat() as ref: ...``; then ``ref.worst`` is its longest gap (s)."""

    def __init__(self, own_session: bool = False) -> None:
        self.worst: float | None = None
        self._own_session = own_session  # in a session of its own, as the window it is beside
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> ReferenceHeartbeat:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=self._own_session,
        )
        assert self._proc.stdout is not None and self._proc.stdout.readline() == "ready\n"
        return self

    def __exit__(self, *exc: object) -> None:
        proc = self._proc
        assert proc is not None
        out, _ = proc.communicate("stop\n", timeout=10)
        self.worst = float(out.split()[-1])


class GuiHeartbeat:
    """A 10 ms heartbeat on the calling (GUI) thread. Each gap between beats is split into
    wall time, the thread's own CPU time and its time waiting for a CPU (Linux schedstat;
    0 elsewhere), so a stall the window causes is told from one the OS imposes."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer  # the bed's other helpers need no Qt

        stat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self._waited = (
            (lambda: int(stat.read_text().split()[1]) / 1e9) if stat.exists() else (lambda: 0.0)
        )
        self._beats: list[tuple[float, float, float]] = []
        self._timer = QTimer(interval=10)
        self._timer.timeout.connect(self.beat)

    def beat(self) -> None:
        self._beats.append((time.perf_counter(), time.thread_time(), self._waited()))

    def start(self) -> None:
        """Start from now (what ran before is not counted)."""
        self.beat()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def elapsed(self) -> float:
        return self._beats[-1][0] - self._beats[0][0]

    def gaps(self) -> list[tuple[float, float, float]]:
        """(wall, own CPU, waiting for a CPU) in seconds, one per gap."""
        pairs = zip(self._beats, self._beats[1:], strict=False)
        return [(b[0] - a[0], b[1] - a[1], b[2] - a[2]) for a, b in pairs]
