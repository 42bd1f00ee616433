"""Regression: PySide6 6.12.0 on CPython 3.11 kills the interpreter after a few hundred
Signal.emit() calls (docs/podman-notes.md, "PySide6 6.12 on CPython 3.11 aborts in
Signal.emit"). Push 100,000 cross-thread deliveries through the paths the app uses, in a
subprocess, because the failure is a fatal abort."""

from __future__ import annotations

import subprocess
import sys
import textwrap

DELIVERIES = 100_000

SCRIPT = textwrap.dedent(
    f"""
    import asyncio, threading
    from PySide6.QtCore import QObject, Signal, Qt
    from PySide6.QtWidgets import QApplication
    import qasync

    N = {DELIVERIES}
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    class Relay(QObject):
        ping = Signal(object, bool)

    relay = Relay()
    got = {{"signal": 0, "loop": 0}}
    done = loop.create_future()

    def check():
        if got["signal"] == N and got["loop"] == N and not done.done():
            done.set_result(None)

    def on_ping(value, flag):
        got["signal"] += 1
        check()

    def on_loop(value):
        got["loop"] += 1
        check()

    relay.ping.connect(on_ping, Qt.ConnectionType.QueuedConnection)

    def worker():
        for i in range(N):
            relay.ping.emit(i, True)              # queued signal emit, as the proxy does
            loop.call_soon_threadsafe(on_loop, i)  # as the events reader does

    thread = threading.Thread(target=worker)
    thread.start()
    with loop:
        loop.run_until_complete(asyncio.wait_for(done, 90))
    thread.join()
    print("delivered", got["signal"], got["loop"])
    """
)


def test_hundred_thousand_cross_thread_deliveries_survive():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=110
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["delivered", str(DELIVERIES), str(DELIVERIES)]
