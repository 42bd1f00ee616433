"""Benchmark of the main window's lists (a script, not a test): ``python bench/list_bench.py``.

An isolated Podman holds 1,000 containers (200 running), 200 images and 200 volumes (made
once, kept under --base for later runs). Each figure is measured with the real window,
offscreen, in a child process, as the app runs:

- launch to all container rows painted, beside ``podman ps -a --format json`` (same run);
- peak RSS after load;
- the longest gap between 10 ms GUI-thread heartbeats while the first full listing is
  fetched, diffed and inserted, and during a later full reconcile;
- over 50 stop/start trials: CLI return -> event on a bare ``/events`` stream (Podman's
  share), and that arrival -> the row painted (the app's added latency);
- CPU used by the app over an idle period with 200 running containers.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

T_START = time.perf_counter()
APP_ARRIVALS: list[tuple[float, str, str]] = []  # the child's: (time, id, action)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402

CONTAINERS, RUNNING, IMAGES, VOLUMES = 1000, 200, 200, 200
TRIALS = 50
TRIAL_NAMES = [f"a-trial-{i}" for i in range(5)]  # sort first, so their rows are on screen


# -- the store -----------------------------------------------------------------------------


def populate(bed: IsolatedPodman, cache: Path) -> None:
    marker = bed.base / "populated"
    if marker.exists():
        return
    bed.ensure_image(cache)
    print("populating the isolated Podman (once)…", file=sys.stderr, flush=True)
    with ThreadPoolExecutor(6) as pool:
        names = TRIAL_NAMES + [f"c-{i:04d}" for i in range(CONTAINERS - len(TRIAL_NAMES))]
        list(pool.map(lambda n: bed.cli("create", "--name", n, TEST_IMAGE, "sleep", "1d"), names))
        list(pool.map(lambda i: bed.cli("volume", "create", f"vol-{i:03d}"), range(VOLUMES)))
        list(pool.map(lambda i: _import_image(bed, i), range(IMAGES - 1)))
    for start in range(0, RUNNING, 50):
        bed.cli("start", *names[start : start + 50], timeout=600)
    marker.write_text("ok")


def _import_image(bed: IsolatedPodman, index: int) -> None:
    data = f"image {index}\n".encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo(f"etc/bench-{index}")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    path = bed.base / f"img-{index}.tar"
    path.write_bytes(buf.getvalue())
    bed.cli("import", str(path), f"localhost/bench-{index:03d}:latest")
    path.unlink()


def ensure_running(bed: IsolatedPodman) -> None:
    """Start what a previous run (or a reboot) left stopped; remake the trial containers
    and whatever was left wedged ("stopping" for good) or removed."""
    wanted = TRIAL_NAMES + [f"c-{i:04d}" for i in range(RUNNING - len(TRIAL_NAMES))]
    listed = bed.cli("ps", "-a", "--format", "{{.Names}} {{.State}}").splitlines()
    # Podman 4.3 prints the status here ("Up 2 hours ago", "Exited (0) …", "Stopping").
    states = {n: st.split()[0].lower() for n, st in (ln.split(maxsplit=1) for ln in listed)}
    for name in wanted:
        # The trial containers are made afresh: ones left running for hours by earlier
        # sessions were seen to stay "stopping" for good on `podman stop -t 0`.
        if name in TRIAL_NAMES and name in states or states.get(name) == "stopping":
            bed.cli("rm", "-f", "-t", "0", name)
            states.pop(name)
        if name not in states:
            bed.cli("create", "--name", name, TEST_IMAGE, "sleep", "1d")
            states[name] = "created"
    todo = [n for n in wanted if states[n] in ("created", "exited", "stopped")]
    for start in range(0, len(todo), 50):
        bed.cli("start", *todo[start : start + 50], timeout=600)


# -- the child: the real window, offscreen ---------------------------------------------------


def child(mode: str, uri: str, seconds: float) -> None:
    # Offscreen unless PDC_BENCH_QPA names another platform (xcb on an Xvfb display).
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("PDC_BENCH_QPA", "offscreen")
    import asyncio
    import resource
    import tempfile

    import qasync
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from app.controllers.connection_manager import ConnectionManager
    from app.controllers.resource_actions import ResourceActions
    from app.controllers.settings import Settings
    from app.support.responsiveness import prepare_qt_environment
    from app.ui.main_window import MainWindow

    prepare_qt_environment()  # as the app does
    # When the app's own events reader took each line off its socket (its thread), so
    # latency counts from the event reaching the app, not a second stream's copy: each
    # /events stream follows Podman's events file on its own and sees a line up to a
    # few hundred ms apart from another stream.
    from app.engine.streams import events as events_module

    deliver = events_module.EventReader._deliver

    def stamped(reader, line: bytes) -> None:
        now = time.perf_counter()
        try:
            event = json.loads(line)
            actor = event.get("Actor", {}).get("ID", "")
            APP_ARRIVALS.append((now, actor, event.get("Action", "")))
        except (ValueError, AttributeError):
            pass
        deliver(reader, line)

    events_module.EventReader._deliver = stamped
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    beats: list[float] = []
    heart = QTimer(interval=10)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))
    heart.start()
    settings = Settings(Path(tempfile.mkdtemp()) / "s.ini")
    manager = ConnectionManager(settings)
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    manager.session_changed.connect(window.set_session)
    window.resize(1180, 720)
    window.show()
    view = window.containers
    paints: list[float] = []

    class PaintSpy(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                paints.append(time.perf_counter())
            return False

    spy = PaintSpy()
    view.tree.viewport().installEventFilter(spy)
    out: dict = {}
    # When the model reached a state, taken in the GUI thread as it happens (polling
    # would see it late, after the paint it caused).
    marks: dict = {}

    def on_rows(*_args) -> None:
        if "rows" not in marks and view.model.rowCount() >= CONTAINERS:
            marks["rows"] = time.perf_counter()

    def on_changed(*_args) -> None:
        target = marks.get("target")
        if target and "state" not in marks:
            item = view.model.item(target[0])
            if item is not None and item.state in target[1]:
                marks["state"] = time.perf_counter()

    view.model.rowsInserted.connect(on_rows)
    view.model.dataChanged.connect(on_changed)

    def max_gap(since: float, until: float) -> float:
        stamps = [since] + [b for b in beats if since <= b <= until] + [until]
        return max(b - a for a, b in zip(stamps, stamps[1:], strict=False)) * 1000

    async def wait_for(predicate, timeout=60.0):
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError
            await asyncio.sleep(0.001)

    async def main() -> None:
        t_open = time.perf_counter()
        await manager.open_initial(uri)
        await wait_for(lambda: "rows" in marks)
        t_rows = marks["rows"]
        await wait_for(lambda: paints and paints[-1] >= t_rows)
        t_painted = paints[-1]
        out["launch_s"] = t_painted - T_START
        out["open_to_painted_s"] = t_painted - t_open
        out["load_gap_ms"] = max_gap(t_open, t_painted)
        await asyncio.sleep(1.0)
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        await manager.session.reconcile()
        out["reconcile_gap_ms"] = max_gap(t0, time.perf_counter())
        out["reconcile_s"] = time.perf_counter() - t0
        if mode == "events":
            out["trials"] = await trials(manager.session, view, paints, wait_for, marks, max_gap)
        elif mode == "idle":
            heart.stop()
            await asyncio.sleep(3.0)
            service = int(os.environ.get("PDC_BENCH_SERVICE_PID", "0"))
            cpu0, wall0 = time.process_time(), time.perf_counter()
            service0 = service_cpu_s(service)
            await asyncio.sleep(seconds)
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            out["idle_cpu_pct"] = 100 * cpu / wall
            out["service_cpu_pct"] = 100 * (service_cpu_s(service) - service0) / wall
        print("RESULT " + json.dumps(out), flush=True)

    with loop:
        loop.run_until_complete(main())
    manager.shutdown()


async def trials(session, view, paints, wait_for, marks, max_gap) -> list[dict]:
    import asyncio

    from app.engine.endpoint import Endpoint

    arrivals: list[tuple[float, str, str]] = []
    stream = _bare_events(Endpoint.parse(session.endpoint_uri), arrivals)
    await asyncio.sleep(0.5)
    env = {**os.environ}
    loop = asyncio.get_event_loop()
    keys = {view.model.item(k).name: k for k in view.model.items()}
    handed: list[tuple[float, str, str]] = []  # the event reaching the GUI thread
    session.event_received.connect(lambda e: handed.append((time.perf_counter(), e.id, e.action)))
    results = []
    for n in range(int(os.environ.get("PDC_BENCH_TRIALS", TRIALS))):
        name = TRIAL_NAMES[(n // 2) % len(TRIAL_NAMES)]
        # After `died` Podman says "stopped" until its cleanup ends, then "exited"
        # (docs/podman-notes.md, "What a container event means"): either is the new state.
        verb, want = ("stop", ("stopped", "exited")) if n % 2 == 0 else ("start", ("running",))
        # The event that changes the row: a stop sends "kill" first and "died" with the
        # new state (docs/podman-notes.md, "Events are hints"); latency counts from it.
        action = "died" if verb == "stop" else "start"
        key = keys[name]
        view.select_keys([key])
        view.tree.scrollTo(view.proxy.mapFromSource(view.model.index(view.model.row_of(key), 0)))
        mark, app_mark = len(arrivals), len(APP_ARRIVALS)
        marks.pop("state", None)
        marks["target"] = (key, want)
        t_cmd = time.perf_counter()
        args = ["podman", verb, *(["-t", "0"] if verb == "stop" else []), name]
        t_cli = await loop.run_in_executor(None, _run_cli, args, env)
        await wait_for(
            lambda k=key, m=mark, a=action: any((i, x) == (k, a) for _, i, x in arrivals[m:]),
            10,
        )
        t_event = next(t for t, i, x in arrivals[mark:] if (i, x) == (key, action))
        await wait_for(
            lambda k=key, m=app_mark, a=action: any(
                (i, x) == (k, a) for _, i, x in APP_ARRIVALS[m:]
            ),
            10,
        )
        t_app = next(t for t, i, x in APP_ARRIVALS[app_mark:] if (i, x) == (key, action))
        await wait_for(lambda: "state" in marks, 10)
        t_state = marks["state"]
        await wait_for(lambda t=t_state: paints and paints[-1] >= t, 5)
        results.append(
            {
                "verb": verb,
                "cli": t_cli - t_cmd,
                "podman_ms": (t_event - t_cli) * 1000,
                "app_ms": (paints[-1] - t_event) * 1000,
                "own_ms": (paints[-1] - t_app) * 1000,
                "own_podman_ms": (t_app - t_cli) * 1000,
                # the parts of own_ms: reader thread -> GUI thread, -> row's state in
                # the model, -> painted
                "handoff_ms": (
                    next((t for t, i, x in reversed(handed) if (i, x) == (key, action)), t_app)
                    - t_app
                )
                * 1000,
                "model_ms": (t_state - t_app) * 1000,
                "paint_ms": (paints[-1] - t_state) * 1000,
                # the GUI thread's longest gap between 10 ms heartbeats meanwhile: close to
                # paint_ms when the thread was not run at all (a loaded machine)
                "stall_ms": max_gap(t_state, paints[-1]),
            }
        )
        await asyncio.sleep(0.3)  # let the fetches settle between trials
    stream.close()
    return results


def _run_cli(args: list[str], env: dict) -> float:
    subprocess.run(args, env=env, capture_output=True, check=True)
    return time.perf_counter()


def _bare_events(endpoint, arrivals: list) -> socket.socket:
    sock = endpoint.connect(10)
    sock.settimeout(None)
    sock.sendall(b"GET /v4.0.0/libpod/events?stream=true HTTP/1.1\r\nHost: d\r\n\r\n")

    def read() -> None:
        buf = b""
        try:
            while chunk := sock.recv(65536):
                buf += chunk
                *lines, buf = buf.split(b"\n")
                now = time.perf_counter()
                for line in lines:
                    line = line.strip()
                    if line.startswith(b"{"):
                        event = json.loads(line)
                        actor = event.get("Actor", {}).get("ID", "")
                        arrivals.append((now, actor, event.get("Action", "")))
        except OSError:
            pass

    threading.Thread(target=read, daemon=True).start()
    return sock


# -- the parent ------------------------------------------------------------------------------


def run_child(mode: str, uri: str, env: dict, seconds: float = 0, script: str = __file__) -> dict:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, script, "--child", mode, uri, str(seconds)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"child failed: {proc.stderr[-3000:]}")
    result = json.loads(line[7:])
    result["wall_s"] = time.perf_counter() - start
    return result


def service_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used, from /proc."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report_events(events: list[dict]) -> None:
    if os.environ.get("PDC_BENCH_TRIALS_JSON"):  # every trial's figures, to look into
        Path(os.environ["PDC_BENCH_TRIALS_JSON"]).write_text(json.dumps(events, indent=1))
    podman_ms = [t["podman_ms"] for t in events]
    app_ms = [t["app_ms"] for t in events]
    print(
        f"event lag, CLI return -> bare /events ({len(events)} trials): "
        f"p50 {pct(podman_ms, 0.5):.0f} ms, p95 {pct(podman_ms, 0.95):.0f} ms"
    )
    print(
        f"app added latency, event -> row painted: "
        f"p50 {pct(app_ms, 0.5):.0f} ms, p95 {pct(app_ms, 0.95):.0f} ms"
    )
    own = [t["own_ms"] for t in events]
    print(
        f"event reaching the app's own reader -> row painted: "
        f"p50 {pct(own, 0.5):.0f} ms, p95 {pct(own, 0.95):.0f} ms"
    )
    parts = ", ".join(
        f"{name} p50 {pct([t[name + '_ms'] for t in events], 0.5):.0f} / "
        f"p95 {pct([t[name + '_ms'] for t in events], 0.95):.0f}"
        for name in ("handoff", "model", "paint", "stall")
    )
    print(f"  its parts (from the app's arrival, ms): {parts}")
    for verb in ("stop", "start"):
        some = [t for t in events if t.get("verb") == verb]
        if not some:
            continue
        ev = [t["own_podman_ms"] for t in some]
        app = [t["own_ms"] for t in some]
        row = [t["own_podman_ms"] + t["own_ms"] for t in some]
        print(
            f"  podman {verb} ({len(some)}): CLI return -> event p50 {pct(ev, 0.5):.0f} / "
            f"p95 {pct(ev, 0.95):.0f} ms; event -> row p50 {pct(app, 0.5):.0f} / "
            f"p95 {pct(app, 0.95):.0f} ms; CLI return -> row p50 {pct(row, 0.5):.0f} / "
            f"p95 {pct(row, 0.95):.0f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="/tmp/pdc-list-bench", help="kept Podman store")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=60.0, help="idle seconds per run")
    parser.add_argument("--idle-runs", type=int, default=1)
    parser.add_argument(
        "--events-only", action="store_true", help="only the event trials (no launch, no idle)"
    )
    parser.add_argument("--trials", type=int, default=TRIALS, help="stop/start event trials")
    parser.add_argument(
        "--socket",
        help="the service's socket (default: in --base); a second service on the "
        "same store can run beside another bench's",
    )
    parser.add_argument(
        "--launch-only", action="store_true", help="only the launch runs (no trials, no idle)"
    )
    parser.add_argument(
        "--against",
        metavar="TREE",
        help="another checkout of the app (e.g. a `git worktree` of an older commit): its "
        "launch is measured too, interleaved run by run with this one's, under the same load",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], float(args.child[2]))
        return 0
    bed = IsolatedPodman(Path(args.base))
    populate(bed, Path(args.base) / "cache")
    bed.start_service(Path(args.socket) if args.socket else None)
    try:
        ensure_running(bed)
        env = {**bed.env, "XDG_CONFIG_HOME": str(Path(args.base) / "xdg")}
        env["PDC_BENCH_TRIALS"] = str(args.trials)
        if args.events_only:
            report_events(run_child("events", bed.uri, env)["trials"])
            return 0
        launches, cli_s, other = [], [], []
        other_script = str(Path(args.against or ".").resolve() / "bench" / "list_bench.py")
        for n in range(args.runs):
            t0 = time.perf_counter()
            bed.cli("ps", "-a", "--format", "json")
            cli_s.append(time.perf_counter() - t0)
            if args.against and n % 2:  # alternate which goes first
                other.append(run_child("launch", bed.uri, env, script=other_script))
            launches.append(run_child("launch", bed.uri, env))
            if args.against and not n % 2:
                other.append(run_child("launch", bed.uri, env, script=other_script))
        med = lambda key: statistics.median(r[key] for r in launches)  # noqa: E731
        print(
            f"containers {CONTAINERS} ({RUNNING} running), images {IMAGES}, volumes {VOLUMES};"
            f" medians of {args.runs} runs"
        )
        cli = statistics.median(cli_s)
        print(
            f"launch -> all container rows painted: {med('launch_s'):.3f} s "
            f"(connect -> painted {med('open_to_painted_s'):.3f} s)"
        )
        print(
            f"podman ps -a --format json:          {cli:.3f} s   "
            f"ratio {med('launch_s') / cli:.2f}x "
            f"(connect->painted {med('open_to_painted_s') / cli:.2f}x)"
        )
        print(f"peak RSS after load:                 {med('rss_mb'):.1f} MB")
        print(
            f"longest GUI stall, first full load:  {med('load_gap_ms'):.1f} ms "
            f"(worst run {max(r['load_gap_ms'] for r in launches):.1f} ms)"
        )
        print(
            f"longest GUI stall, full reconcile:   {med('reconcile_gap_ms'):.1f} ms "
            f"(reconcile took {med('reconcile_s') * 1000:.0f} ms)"
        )
        if other:
            launch, connect = (
                statistics.median(r[k] for r in other) for k in ("launch_s", "open_to_painted_s")
            )
            print(
                f"{args.against}: launch {launch:.3f} s, ratio {launch / cli:.2f}x "
                f"(connect->painted {connect / cli:.2f}x), peak RSS "
                f"{statistics.median(r['rss_mb'] for r in other):.1f} MB, first-load stall "
                f"{statistics.median(r['load_gap_ms'] for r in other):.1f} ms"
            )
        if args.launch_only:
            print("launch runs, s:", " ".join(f"{r['launch_s']:.3f}" for r in launches))
            if other:
                print("  against, s:", " ".join(f"{r['launch_s']:.3f}" for r in other))
            print("podman ps runs, s:", " ".join(f"{c:.3f}" for c in cli_s))
            return 0
        report_events(run_child("events", bed.uri, env)["trials"])
        service_pid = bed._service.pid if bed._service is not None else 0
        env["PDC_BENCH_SERVICE_PID"] = str(service_pid)
        # The service alone first, over the same time: what it costs with no client.
        before = service_cpu_s(service_pid)
        time.sleep(args.idle)
        alone = 100 * (service_cpu_s(service_pid) - before) / args.idle
        idles = [run_child("idle", bed.uri, env, args.idle) for _ in range(args.idle_runs)]
        idle = [r["idle_cpu_pct"] for r in idles]
        served = [r["service_cpu_pct"] for r in idles]
        print(
            f"idle CPU over {args.idle:.0f} s ({RUNNING} running): "
            f"{statistics.median(idle):.2f}% of one core (median of {len(idle)})"
        )
        print(
            f"Podman service CPU meanwhile: {statistics.median(served):.2f}% of one core "
            f"(the service alone, no client: {alone:.2f}%)"
        )
    finally:
        bed.stop_service()
    return 0


if __name__ == "__main__":
    sys.exit(main())
