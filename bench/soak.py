"""Thousands of containers under the app's eyes, with outages (a script, not a test).

``python bench/soak.py`` (issue 17): the app's real window (offscreen, in a child
process; bench/soak_window.py) shows an isolated Podman while the parent, through the
CLI, creates, starts, stops and removes ``--containers`` containers (default 10,000) in
bursts of ``--burst``. Each burst leaves a few behind (two running, three exited) and
removes the previous burst's leftovers (``rm -f``), so the window always has rows in
more than one state to get right. Along the way the parent kills the Podman service
(SIGKILL) twice and drops sshd once (every session with it); each outage lasts one burst
of churn, after which the service or sshd is started again and the app must catch up
by itself.

By default the app is connected over ssh:// (the test bed's sshd in front of the
Podman socket, through the app's own proxy), as a podman machine is, so the sshd drop
is a real one for it; ``--unix`` connects to the socket instead (no sshd drop then).
The window runs in a session of its own, as an app started from a desktop does, so the
scheduler does not count it with the driver's commands (``--driver-session`` to do so;
bench/soak_window.py, ``spawn``).

After every burst the parent lists ``podman ps -a`` (ids and states) and the child waits
until the window's container model holds exactly that, then reports its counts. Verdicts,
each printed PASS or FAIL (exit status 1 on any FAIL):

- rows: after every burst (and after each outage) the window matched ``podman ps -a``
  within ``--settle`` seconds;
- RSS: at the end within 15 MB of RSS after the first 1,000 containers;
- threads, sockets, SSH channels and descriptors: not above their count after the
  first 1,000 (the start, before any churn, is printed beside them);
- the GUI thread: no gap between its 10 ms heartbeats longer than 250 ms, over the whole
  run (the bench's own ``gc.collect()`` before each reading excepted).

The child's Qt warnings and the app's log go to BASE/child.log.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak_window import WindowChild, ask, report, spawn  # noqa: E402
from tests.bed.heartbeat import ReferenceHeartbeat  # noqa: E402
from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402
from tests.bed.sshd import SshServer  # noqa: E402

KEEPER = "soak-keeper"
KEEP_RUNNING = 2  # of each burst, left running until the next burst
KEEP_EXITED = 3  # of each burst, left exited until the next burst
RSS_LIMIT_MB = 15.0
GAP_LIMIT_MS = 250.0
COUNTS = ("threads", "sockets", "channels", "fds")


# -- the child: the real window, offscreen ---------------------------------------------------


def child(uri: str, identity: str) -> None:
    import asyncio
    import gc

    from app.support.responsiveness import tune_for_gui

    harness = WindowChild()
    model = harness.window.containers.model

    def rows() -> dict[str, str]:
        return {key: item.state for key, item in model.items().items()}

    async def main() -> None:
        await harness.connect(uri, identity)
        await harness.wait_for(lambda: model.rowCount() >= 1, 60, "first rows")
        tune_for_gui()  # as the app does once started (app/application.py)
        print("READY", flush=True)
        since = time.perf_counter()
        while (line := await harness.commands.get()) != "quit":
            _, settle, idle, expected_json = line.split(" ", 3)
            expected = json.loads(expected_json)
            asked = time.perf_counter()
            try:
                await harness.wait_for(lambda e=expected: rows() == e, float(settle), "rows")
                matched = True
            except TimeoutError:
                matched = False
            caught_up = time.perf_counter() - asked
            # Deferred deletes run; for a reading to compare, idle workers leave too.
            await asyncio.sleep(max(float(idle), 0.2))
            gaps = harness.gaps_since(since)
            harness.forget_beats()
            gc.collect()  # a stall of its own, measured by nobody: after the gap is taken
            now = rows()
            report(
                {
                    **harness.readings(),
                    "matched": matched,
                    "caught_up_s": caught_up,
                    "missing": sorted(set(expected) - set(now))[:3],
                    "extra": sorted(set(now) - set(expected))[:3],
                    "wrong_state": sorted(
                        f"{k[:12]} {now[k]}!={v}" for k, v in expected.items() if now.get(k, v) != v
                    )[:3],
                    **gaps,
                    "state": harness.manager.session.state.value,
                }
            )
            since = time.perf_counter()

    harness.run(main)


# -- the parent: the driver ------------------------------------------------------------------


class Churn:
    """Bursts of containers through the CLI: create, start, stop, remove."""

    def __init__(self, bed: IsolatedPodman, parallel: int) -> None:
        self.bed = bed
        self.pool = ThreadPoolExecutor(parallel)
        self.parallel = parallel
        self.left: list[str] = []  # the previous burst's leftovers
        self.made = 0

    def _split(self, command: list[str], names: list[str]) -> None:
        """``podman COMMAND names…`` as ``parallel`` commands at once (the CPUs wait on I/O)."""
        chunks = [names[i :: self.parallel] for i in range(self.parallel)]
        list(self.pool.map(lambda c: self.bed.cli(*command, *c), [c for c in chunks if c]))

    def burst(self, size: int) -> None:
        cli = self.bed.cli
        first = self.made
        names = [f"soak-{first + i}" for i in range(size)]
        # --network none: a bridge's setup and teardown double the time of a start and
        # stop here (CNI), and the app sees the same events without it.
        create = ["create", "--network", "none", "--name"]
        list(self.pool.map(lambda n: cli(*create, n, TEST_IMAGE, "sleep", "1d"), names))
        self.made += size
        self._split(["start"], names)
        self._split(["stop", "-t", "0"], names[KEEP_RUNNING:])
        kept = KEEP_RUNNING + KEEP_EXITED
        self._split(["rm"], names[kept:])
        if self.left:
            self._split(["rm", "-f", "-t", "0"], self.left)
        self.left = names[:kept]

    def rows(self) -> dict[str, str]:
        # JSON: 4.3's {{.State}} template gives the status text ("Up 3 seconds ago").
        return {
            c["Id"]: c["State"] for c in json.loads(self.bed.cli("ps", "-a", "--format", "json"))
        }


def run(args: argparse.Namespace) -> int:
    base = Path(args.base)
    if base.exists():
        IsolatedPodman(base / "podman").destroy()
        shutil.rmtree(base, ignore_errors=True)
    bed = IsolatedPodman(base / "podman")
    bed.ensure_image(base / "cache")
    bed.start_service()
    sshd = None if args.unix else SshServer(base / "sshd")
    proc = None
    checks: list[dict] = []
    # A 10 ms heartbeat in a process of its own, in the window's kind of session.
    machine = ReferenceHeartbeat(own_session=not args.driver_session)
    try:
        if sshd is not None:
            sshd.start()
        bed.cli("run", "-d", "--name", KEEPER, TEST_IMAGE, "sleep", "1d")
        runtime = base / "runtime"
        runtime.mkdir(mode=0o700)
        env = {
            **bed.env,
            "HOME": str(base / "home"),
            "XDG_CONFIG_HOME": str(base / "xdg"),
            "XDG_STATE_HOME": str(base),
            "XDG_RUNTIME_DIR": str(runtime),
        }
        child_args = [bed.uri, ""]
        if sshd is not None:
            child_args = [sshd.uri(bed.socket_path), str(sshd.client_key)]
        proc = spawn(__file__, child_args, env, base / "child.log", not args.driver_session)
        churn = Churn(bed, args.parallel)
        bursts = max(1, args.containers // args.burst)
        outages = {round(bursts * f): "podman" for f in (0.3, 0.7)[: args.kills]}
        if sshd is not None and args.sshd_drops:
            outages[round(bursts * 0.5)] = "sshd"
        start = ask(proc, f"check {args.settle} {args.idle} {json.dumps(churn.rows())}")
        start.update(burst=0, made=0, outage="", settled=True, wall_s=0.0)
        checks.append(start)
        show(start)
        machine.__enter__()
        began = time.monotonic()
        baseline_taken, idle_total = False, 0.0
        for n in range(1, bursts + 1):
            outage = outages.get(n, "")
            if outage == "podman":
                bed.stop_service(kill=True)
            elif outage == "sshd":
                sshd.stop()
            churn.burst(args.burst)
            if outage == "podman":
                bed.start_service()
            elif outage == "sshd":
                sshd.start()
            # The baseline (the first 1,000) and the end are read after an idle spell
            # longer than the proxy's idle workers live, so pooled threads compare alike.
            settled = n == bursts or (churn.made >= 1000 and not baseline_taken)
            baseline_taken = baseline_taken or churn.made >= 1000
            idle = args.idle if settled else 0
            figures = ask(proc, f"check {args.settle} {idle} {json.dumps(churn.rows())}")
            figures.update(
                burst=n,
                made=churn.made,
                outage=outage,
                settled=settled,
                wall_s=time.monotonic() - began - idle_total - idle,
            )
            idle_total += idle
            checks.append(figures)
            show(figures)
        proc.stdin.close()
        proc.wait(60)
        machine.__exit__()
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        if sshd is not None:
            sshd.stop()
        bed.destroy()
    if args.json:
        Path(args.json).write_text(json.dumps(checks, indent=1))
    path = "ssh" if sshd is not None else "unix"
    return 0 if verdicts(checks, path, (machine.worst or 0) * 1000) else 1


def show(f: dict) -> None:
    print(
        f"burst {f['burst']:4d}  made {f['made']:6d}  {f['outage'] or '':6s} "
        f"{'match' if f['matched'] else 'MISMATCH'} in {f['caught_up_s']:5.2f} s  "
        f"rss {f['rss_mb']:6.1f} MB  threads {f['threads']:3d}  sockets {f['sockets']:3d}  "
        f"channels {f['channels']:3d}  fds {f['fds']:3d}  widgets {f['widgets']:4d}  "
        f"gap {f['gap_ms']:4.0f} ms (own {f['gap_own_ms']:3.0f}, waiting {f['gap_wait_ms']:4.0f}; "
        f"most own {f['most_own_ms']:3.0f})  {f['wall_s']:6.0f} s",
        file=sys.stderr,
        flush=True,
    )
    if not f["matched"]:
        print(
            f"  missing {f['missing']} extra {f['extra']} wrong {f['wrong_state']} "
            f"(session {f['state']})",
            file=sys.stderr,
            flush=True,
        )


def verdicts(checks: list[dict], path: str, machine_ms: float) -> bool:
    """Print the summary and each criterion's PASS/FAIL; True when all pass."""
    start, last = checks[0], checks[-1]
    base = next((c for c in checks[1:] if c["settled"]), checks[-1])
    wall = last["wall_s"]
    made = last["made"]
    print(
        f"{made} containers in {len(checks) - 1} bursts over {path}, {wall:.0f} s "
        f"({made / wall if wall else 0:.1f} a second; 10,000 would take "
        f"{10000 / made * wall / 60 if made else 0:.0f} min); outages: "
        + ", ".join(f"{c['outage']} at burst {c['burst']}" for c in checks if c["outage"])
    )
    for c in (c for c in checks if c["outage"]):
        print(f"  after the {c['outage']} outage: rows matched {c['caught_up_s']:.1f} s later")
    ok = True

    def verdict(passed: bool, text: str) -> None:
        nonlocal ok
        ok = ok and passed
        print(f"{'PASS' if passed else 'FAIL'}  {text}")

    bad = [c["burst"] for c in checks if not c["matched"]]
    slowest = max(checks, key=lambda c: c["caught_up_s"])
    verdict(
        not bad,
        f"rows match podman ps -a after every burst ({len(checks)} checks; slowest "
        f"{slowest['caught_up_s']:.1f} s, burst {slowest['burst']})"
        + (f"; mismatched at bursts {bad[:10]}" if bad else ""),
    )
    if base is last:
        print("  (the run is too short for a baseline before its end: the counts compare nothing)")
    grown = last["rss_mb"] - base["rss_mb"]
    verdict(
        grown <= RSS_LIMIT_MB,
        f"RSS {last['rss_mb']:.1f} MB at the end, {base['rss_mb']:.1f} MB after the first "
        f"{base['made']} containers ({grown:+.1f} MB; limit {RSS_LIMIT_MB:.0f}); "
        f"{start['rss_mb']:.1f} MB at the start, {max(c['rss_mb'] for c in checks):.1f} max",
    )
    for key in COUNTS:
        peak = max(c[key] for c in checks)
        verdict(
            last[key] <= base[key],
            f"{key}: start {start[key]}, after {base['made']} {base[key]}, end {last[key]} "
            f"(max {peak})",
        )
    if last["threads"] > base["threads"]:
        print(f"  threads then: {base['thread_names']}\n  threads now: {last['thread_names']}")
    worst = max(checks, key=lambda c: c["gap_ms"])
    gaps = sorted(c["gap_ms"] for c in checks)
    verdict(
        worst["gap_ms"] <= GAP_LIMIT_MS,
        f"GUI thread's longest stall {worst['gap_ms']:.0f} ms (burst {worst['burst']}"
        f"{', ' + worst['outage'] + ' outage' if worst['outage'] else ''}: its own CPU "
        f"{worst['gap_own_ms']:.0f} ms, waiting for a CPU {worst['gap_wait_ms']:.0f} ms, "
        f"the rest blocked: the interpreter lock or I/O); "
        f"median burst {gaps[len(gaps) // 2]:.0f} ms; limit {GAP_LIMIT_MS:.0f}",
    )
    print(
        f"  most own CPU between two beats in the run: "
        f"{max(c['most_own_ms'] for c in checks):.0f} ms; an idle process of its own, "
        f"longest gap over the same run: {machine_ms:.0f} ms (the machine)"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--containers", type=int, default=10_000, help="how many to churn")
    parser.add_argument("--burst", type=int, default=50, help="containers per burst")
    parser.add_argument("--parallel", type=int, default=4, help="podman commands at once")
    parser.add_argument("--kills", type=int, default=2, choices=(0, 1, 2))
    parser.add_argument("--sshd-drops", type=int, default=1, choices=(0, 1))
    parser.add_argument("--unix", action="store_true", help="connect to the socket, not ssh://")
    parser.add_argument(
        "--driver-session",
        action="store_true",
        help="run the window in the driver's session (its podman commands share its CPU share)",
    )
    parser.add_argument("--settle", type=float, default=120.0, help="s for rows to match")
    parser.add_argument(
        "--idle", type=float, default=40.0, help="s idle before the baseline and end readings"
    )
    parser.add_argument("--base", default="/tmp/pdc-soak", help="made afresh each run")
    parser.add_argument("--json", help="write every burst's figures here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    os.environ.pop("DOCKER_HOST", None)
    # SIGTERM (a timeout) as an exception, so the Podman, sshd and child are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
