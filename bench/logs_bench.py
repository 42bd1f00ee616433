"""Benchmark of the Logs tab under a flood (a script, not a test): ``python bench/logs_bench.py``.

Each run, in a child process, starts a container in an isolated Podman that writes 20 MB
of 41-byte lines in 1 MB bursts (up to 10 MB/s) a few seconds later, and opens the real
inspector window on its Logs tab, offscreen, as the app runs it. While the flood streams:

- the gaps between 10 ms heartbeats on the GUI thread (worst and p99), split for the
  worst one into the GUI thread's own CPU time and its time waiting for a CPU (Linux
  schedstat), plus the most CPU the GUI thread spent between any two beats (and the
  mean of the five largest such amounts, ``own_top5_ms``, steadier than the one largest);
- the worst gap of an idle 10 ms heartbeat in a process of its own, the same seconds
  (what the machine does to any program; tests/bed/heartbeat.py);
- what arrived (MB), how long the flood took to reach the window, the app's CPU, its
  peak RSS (``rss_mb``, the figure of issue 16), its RSS with the window open before the
  flood (``rss_open_mb``) and once the flood is shown (``rss_end_mb``, Linux only).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402

LINE = "0123456789012345678901234567890123456789"
FLOOD = (  # the flood begins once the window follows (it opens within ~1 s)
    "sleep 3; i=0; while [ $i -lt 20 ]; do i=$((i+1)); "
    f"yes {LINE} | head -c 1000000; sleep 0.1; done; echo; echo FLOOD-DONE; sleep 600"
)


def child(uri: str, shot: str = "") -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import asyncio
    import resource
    import tempfile

    import qasync
    from PySide6.QtWidgets import QApplication

    from app.controllers.connection_manager import ConnectionManager
    from app.controllers.inspector_manager import InspectorManager
    from app.controllers.resource_actions import ResourceActions
    from app.controllers.settings import Settings
    from app.engine.connection import Connection
    from app.models.connection_state import ConnectionState
    from app.support.responsiveness import prepare_qt_environment, tune_for_gui
    from app.ui import theme
    from app.ui.inspector.container_inspector import ContainerInspector
    from tests.bed.heartbeat import GuiHeartbeat, ReferenceHeartbeat

    prepare_qt_environment()  # as the app does
    app = QApplication([])
    theme.apply("system")  # as the app does with its default setting
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    manager = ConnectionManager(Settings(Path(tempfile.mkdtemp()) / "s.ini"))
    actions = ResourceActions(lambda: manager.session)
    inspectors = InspectorManager(manager, lambda s, r: ContainerInspector(s, r, actions))

    async def wait_for(predicate, timeout: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError("timed out")
            await asyncio.sleep(0.02)

    def rss_now_mb() -> float:
        with open("/proc/self/status") as status:  # Linux: the bench's machine
            kb = next(line.split()[1] for line in status if line.startswith("VmRSS:"))
        return int(kb) / 1024

    async def main() -> dict:
        subprocess.run(["podman", "rm", "-f", "-t", "0", "flood"], capture_output=True)
        subprocess.run(
            ["podman", "run", "-d", "--name", "flood", TEST_IMAGE, "sh", "-c", FLOOD],
            check=True,
            capture_output=True,
        )
        await manager.open(Connection("local", uri, source="podman"))
        connected = ConnectionState.CONNECTED
        await wait_for(lambda: getattr(manager.session, "state", None) is connected)
        window = inspectors.open("flood")
        await wait_for(lambda: window.container_id != "")
        window.tabs.setCurrentWidget(window.logs)
        logs = window.logs
        tune_for_gui()  # as the app does once started
        cpu0 = time.process_time()
        rss_open = rss_now_mb()  # the flood begins ~3 s after the container starts
        heart = GuiHeartbeat()
        with ReferenceHeartbeat() as machine:
            heart.start()
            await wait_for(lambda: logs.last_line().endswith("FLOOD-DONE"))
            heart.stop()
        if shot:
            window.resize(1000, 640)
            window.grab().save(shot)
        gaps = heart.gaps()
        walls = sorted(g[0] for g in gaps)
        worst = max(gaps)
        return {
            "mb": logs.received * (len(LINE) + 1) / 1e6,
            "flood_s": heart.elapsed,
            "worst_ms": worst[0] * 1000,
            "worst_own_ms": worst[1] * 1000,
            "worst_cpu_wait_ms": worst[2] * 1000,
            "p99_ms": walls[int(0.99 * (len(walls) - 1))] * 1000,
            "most_own_ms": max(g[1] for g in gaps) * 1000,
            "own_top5_ms": statistics.mean(sorted(g[1] for g in gaps)[-5:]) * 1000,
            "idle_process_worst_ms": (machine.worst or 0) * 1000,
            "app_cpu_pct": 100 * (time.process_time() - cpu0) / (heart.elapsed),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_open_mb": rss_open,
            "rss_end_mb": rss_now_mb(),
        }

    with loop:
        out = loop.run_until_complete(main())
    inspectors.close_all()
    manager.shutdown()
    print("RESULT " + json.dumps(out), flush=True)


def run_child(uri: str, env: dict, shot: str = "") -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", uri, *(["--shot", shot] if shot else [])],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"child failed: {proc.stderr[-3000:]}")
    return json.loads(line[7:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="/tmp/pdc-logs-bench", help="kept Podman store")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shot", default="", help="save a PNG of the window after run 1")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.shot)
        return 0
    bed = IsolatedPodman(Path(args.base))
    bed.ensure_image(Path(args.base) / "cache")
    bed.start_service()
    env = {**bed.env, "XDG_CONFIG_HOME": str(Path(args.base) / "xdg")}
    results = []
    try:
        for n in range(args.runs):
            result = run_child(bed.uri, env, args.shot if n == 0 else "")
            results.append(result)
            print(f"run {n + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in result.items()))
        bed.cli("rm", "-f", "-t", "0", "flood")
    finally:
        bed.stop_service()
    print(f"\nmedians of {args.runs} runs (worst in brackets):")
    for key in results[0]:
        values = [r[key] for r in results]
        print(f"  {key:24} {statistics.median(values):8.1f}  ({max(values):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
