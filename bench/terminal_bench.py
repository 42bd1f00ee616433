"""Benchmark of the inspector's terminal (a script, not a test): ``python bench/terminal_bench.py``.

In an isolated Podman with a busybox container, and a private OpenSSH server in front of
that Podman's socket, each run opens the real inspector on its Terminal tab, offscreen,
in a child process, once on the unix socket and once over ssh:// through the app's proxy:

- keystroke to echo: a key press given to the terminal widget until the widget has
  painted the character the shell echoed (and, apart, until the echo's bytes reached the
  GUI thread), p50 and p95 over the keys typed;
- ``cat`` of a 10 MB text file: the gaps between 10 ms heartbeats on the GUI thread
  (worst, with the GUI thread's own CPU in it and its wait for a CPU), the time until the
  shell's next prompt line is painted, and how much of the flood was skipped unseen;
  the worst gap of an idle heartbeat in a process of its own, the same seconds.

For comparison, OpenSSH's round trip to the same sshd: one byte through
``ssh -T … cat`` and back, p50 and p95 (the network part of an ssh:// keystroke).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402
from tests.bed.sshd import SshServer  # noqa: E402

CONTAINER = "term-bench"
BIG_FILE = "/tmp/big.txt"
BIG_LINE = "the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ"
KEYS = 120
LINE_LENGTH = 40  # keys typed before Ctrl+U clears the shell's line


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def child(spec: dict) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import asyncio
    import tempfile

    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
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

    prepare_qt_environment()
    app = QApplication([])
    theme.apply("system")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    manager = ConnectionManager(Settings(Path(tempfile.mkdtemp()) / "s.ini"))
    actions = ResourceActions(lambda: manager.session)
    inspectors = InspectorManager(manager, lambda s, r: ContainerInspector(s, r, actions))

    async def wait_for(predicate, timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError("timed out")
            await asyncio.sleep(0.002)

    async def main() -> dict:
        if spec["identity"]:
            connection = Connection(
                "podman-machine-default",
                spec["uri"],
                identity=spec["identity"],
                is_machine=True,
            )
        else:
            connection = Connection("local", spec["uri"], source="podman")
        await manager.open(connection)
        connected = ConnectionState.CONNECTED
        await wait_for(lambda: getattr(manager.session, "state", None) is connected)
        window = inspectors.open(CONTAINER)
        window.resize(1000, 720)
        await wait_for(lambda: window.container_id != "")
        window.show_terminal()
        await wait_for(lambda: bool(window.terminal.pages()))
        page = window.terminal.pages()[0]
        view = page.view
        await wait_for(lambda: view.text().rstrip().endswith("/ #"))
        tune_for_gui()
        view.setFocus()

        arrived: list[float] = []
        page.controller.output_waiting.connect(lambda: arrived.append(time.perf_counter()))
        painted: list[float] = []
        view.painted.connect(lambda: painted.append(time.perf_counter()))

        def cursor_line() -> str:
            line = view.screen.buffer[view.screen.cursor.y]
            return "".join(line[x].data for x in range(view.cols))

        to_paint, to_gui = [], []
        typed = ""
        for n in range(KEYS):
            char = "abcdefghijklmnopqrstuvwxyz"[n % 26]
            typed += char
            await asyncio.sleep(0.03)  # keys come apart, as typed, not back to back
            arrived.clear()
            painted.clear()
            start = time.perf_counter()
            QTest.keyClick(view, char)
            await wait_for(lambda t=typed: cursor_line().rstrip().endswith(t) and painted, 10)
            to_paint.append((painted[-1] - start) * 1000)
            to_gui.append((arrived[0] - start) * 1000 if arrived else to_paint[-1])
            if len(typed) == LINE_LENGTH:
                QTest.keyClick(view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
                await wait_for(lambda: cursor_line().rstrip() == "/ #", 10)
                typed = ""
        QTest.keyClick(view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
        await wait_for(lambda: cursor_line().rstrip() == "/ #", 10)

        heart = GuiHeartbeat()
        with ReferenceHeartbeat() as machine:
            heart.start()
            start = time.perf_counter()
            view.send_text(f"cat {BIG_FILE}; echo CAT-$((40+2))-DONE\n")
            await wait_for(lambda: "\nCAT-42-DONE" in view.text(), 300)
            cat_s = time.perf_counter() - start
            heart.stop()
        gaps = heart.gaps()
        worst = max(gaps)
        if spec["shot"]:
            window.grab().save(spec["shot"])
        return {
            "echo_p50_ms": statistics.median(to_paint),
            "echo_p95_ms": percentile(to_paint, 0.95),
            "bytes_at_gui_p50_ms": statistics.median(to_gui),
            "bytes_at_gui_p95_ms": percentile(to_gui, 0.95),
            "cat_s": cat_s,
            "cat_worst_gap_ms": worst[0] * 1000,
            "cat_worst_own_ms": worst[1] * 1000,
            "cat_worst_cpu_wait_ms": worst[2] * 1000,
            "cat_most_own_ms": max(g[1] for g in gaps) * 1000,
            "cat_dropped_mb": view.dropped_bytes / 1e6,
            "idle_process_worst_ms": (machine.worst or 0) * 1000,
        }

    with loop:
        out = loop.run_until_complete(main())
        inspectors.close_all()
    manager.shutdown()
    print("RESULT " + json.dumps(out), flush=True)


def run_child(spec: dict, env: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"child failed: {proc.stderr[-3000:]}")
    return json.loads(line[7:])


def openssh_round_trip(sshd: SshServer, base: Path, count: int = 200) -> list[float]:
    """One byte to ``cat`` on the far side of ``ssh -T`` and back, ``count`` times (ms)."""
    proc = subprocess.Popen(
        [
            "ssh", "-T", "-i", str(sshd.client_key), "-p", str(sshd.port),
            "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={base}/kh",
            "-o", "LogLevel=ERROR", f"{sshd.user}@127.0.0.1", "cat",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=0,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    times = []
    try:
        proc.stdin.write(b"w")  # warm up: the session is open once this comes back
        proc.stdout.read(1)
        for _ in range(count):
            start = time.perf_counter()
            proc.stdin.write(b"x")
            proc.stdout.read(1)
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.01)  # keys come apart, not back to back
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="/tmp/pdc-terminal-bench", help="kept Podman store")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shot", default="", help="save a PNG of the window after run 1")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return 0
    base = Path(args.base)
    bed = IsolatedPodman(base)
    bed.ensure_image(base / "cache")
    bed.start_service()
    shutil.rmtree(base / "sshd", ignore_errors=True)  # it makes its keys anew
    sshd = SshServer(base / "sshd")
    env = {**bed.env, "XDG_CONFIG_HOME": str(base / "xdg")}
    results: dict[str, list[dict]] = {"unix": [], "ssh": []}
    ssh_times: list[float] = []
    try:
        sshd.start()
        bed.cli("rm", "-f", "-t", "0", CONTAINER, check=False)
        bed.cli("run", "-d", "--name", CONTAINER, TEST_IMAGE, "sleep", "100000")
        lines = 10_000_000 // (len(BIG_LINE) + 1)
        bed.cli("exec", CONTAINER, "sh", "-c", f"yes '{BIG_LINE}' | head -n {lines} > {BIG_FILE}")
        for n in range(args.runs):
            for kind in ("unix", "ssh"):
                spec = {
                    "uri": sshd.uri(bed.socket_path) if kind == "ssh" else bed.uri,
                    "identity": str(sshd.client_key) if kind == "ssh" else "",
                    "shot": args.shot if n == 0 and kind == "unix" else "",
                }
                result = run_child(spec, env)
                results[kind].append(result)
                figures = ", ".join(f"{k} {v:.1f}" for k, v in result.items())
                print(f"run {n + 1} {kind}: {figures}")
            ssh_times += openssh_round_trip(sshd, base)
        bed.cli("rm", "-f", "-t", "0", CONTAINER)
    finally:
        sshd.stop()
        bed.stop_service()
    print(f"\nmedians of {args.runs} runs (worst in brackets):")
    for kind, runs in results.items():
        print(f"  {kind}")
        for key in runs[0]:
            values = [r[key] for r in runs]
            print(f"    {key:24} {statistics.median(values):8.1f}  ({max(values):.1f})")
    print(
        f"  OpenSSH ssh -T cat, one byte there and back: p50 {statistics.median(ssh_times):.2f} ms,"
        f" p95 {percentile(ssh_times, 0.95):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
