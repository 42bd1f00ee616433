"""What the machine does to any program's timing: a 10 ms heartbeat in its own process.

On the 2-CPU test machines a flood of container logs keeps Podman busy on both CPUs, and
then the OS runs even an idle program's 10 ms timer tens of milliseconds late (measured
here: 32-55 ms worst with nothing but ``curl`` reading the flood). A GUI-thread heartbeat
measured in the same minutes is judged against this one, which shares no interpreter lock
and no work with the app.
"""

from __future__ import annotations

import subprocess
import sys

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

    def __init__(self) -> None:
        self.worst: float | None = None
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> ReferenceHeartbeat:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None and self._proc.stdout.readline() == "ready\n"
        return self

    def __exit__(self, *exc: object) -> None:
        proc = self._proc
        assert proc is not None
        out, _ = proc.communicate("stop\n", timeout=10)
        self.worst = float(out.split()[-1])
