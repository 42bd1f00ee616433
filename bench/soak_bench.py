"""A day of churn, compressed (a script, not a test): ``python bench/soak_bench.py``.

The app's real window runs offscreen in a child process on an isolated Podman (made
afresh under --base). The parent drives Podman the way a day of use would, one cycle at a
time, through the CLI (a process of its own, so nothing of the driver's counts in the
app's figures):

- containers: create three, start them, stop them, remove them;
- images: pull one from a loopback registry and remove it, tag the test image and untag it;
- a volume and a network: create, remove.

After each cycle the child switches through every page, opens an inspector on a running
container (its Logs following, its Stats sampling), closes it, waits until the window lists
what ``podman ps -a`` lists, collects garbage, and reports its RSS (now, not peak), Python
threads, open descriptors and Qt widgets (``len(QApplication.allWidgets())``), plus the
longest gap between 10 ms GUI-thread heartbeats during the cycle (and in its two parts:
the churn arriving as events, switching pages, and the inspector; the bench's own
``gc.collect()`` before each reading is left out), and the count of objects
Python's garbage collector tracks (growth there is the app's; growth of RSS alone is
the allocator's).

The summary gives the RSS slope (least squares, MB per 100 cycles) over the second half
of the run (the first cycles fill caches and pools once), and whether threads, descriptors
and widgets are back to their baseline (cycle 1, the first with everything once used).
``--cycles`` sets the length; the default (60) takes about five minutes here (4-5 s a
cycle on a loaded two-core machine). The child's Qt warnings go to BASE/child.log.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak_window import WindowChild, ask, report, slope_mb_per_100, spawn  # noqa: E402
from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402
from tests.bed.registry import Registry  # noqa: E402

KEEPER = "soak-keeper"
TICKER = "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"


# -- the child: the real window, offscreen ---------------------------------------------------


def child(uri: str) -> None:
    import asyncio
    import gc
    from collections import Counter

    harness = WindowChild()
    window, inspectors = harness.window, harness.inspectors
    wait_for, max_gap_ms = harness.wait_for, harness.max_gap_ms

    def object_types() -> Counter:
        return Counter(type(o).__qualname__ for o in gc.get_objects())

    async def inspect_once() -> None:
        inspector = inspectors.open(KEEPER)
        await wait_for(lambda: inspector.container_id != "", what="inspector")
        sampled = asyncio.get_running_loop().create_future()
        inspector.stats.sampled.connect(lambda *_: sampled.done() or sampled.set_result(None))
        inspector.tabs.setCurrentWidget(inspector.logs)
        await wait_for(lambda: len(inspector.logs.kept_lines()) > 0, what="logs")
        inspector.tabs.setCurrentWidget(inspector.stats)
        await asyncio.wait_for(sampled, 20)
        inspector.close()  # deletes itself on close

    async def main() -> None:
        await harness.connect(uri)
        await wait_for(lambda: window.containers.model.rowCount() >= 1, what="first rows")
        print("READY", flush=True)
        since = time.perf_counter()
        baseline_types: Counter = Counter()
        while (command := (await harness.commands.get()).split())[0] != "quit":
            _, cycle, rows = command
            churn_gap = max_gap_ms(since)  # while the driver churned: events, updates
            since = time.perf_counter()
            for kind in window.views:
                window.show_page(kind)
                await asyncio.sleep(0.05)
            window.show_page("containers")
            pages_gap = max_gap_ms(since)
            opened = time.perf_counter()
            await inspect_once()
            inspector_gap = max_gap_ms(opened)
            await wait_for(lambda r=int(rows): window.containers.model.rowCount() == r, what="rows")
            await asyncio.sleep(0.2)  # deferred deletes and the inspector's pools wind down
            gap = max(churn_gap, max_gap_ms(since))
            harness.forget_beats()
            gc.collect()  # a stall of its own, measured by nobody: after the gaps are taken
            report(
                {
                    "cycle": int(cycle),
                    **harness.readings(),
                    "gap_ms": gap,
                    "gap_churn_ms": churn_gap,  # the driver's churn arriving as events
                    "gap_pages_ms": pages_gap,  # switching through every page
                    "gap_inspector_ms": inspector_gap,  # opening, following, closing it
                }
            )
            if int(cycle) == 1:
                baseline_types = object_types()
            since = time.perf_counter()

        gc.collect()
        grown = object_types()
        grown.subtract(baseline_types)
        print("TYPES " + json.dumps([kv for kv in grown.most_common(12) if kv[1] > 0]), flush=True)

    harness.run(main)


# -- the parent: the driver ------------------------------------------------------------------


class Driver:
    """One cycle of churn on ``bed`` (and pulls from ``registry`` when there is one)."""

    def __init__(self, bed: IsolatedPodman, registry: Registry | None) -> None:
        self.bed = bed
        self.pulled = f"{registry.address}/soak/pulled:latest" if registry else ""

    def cycle(self, n: int) -> int:
        cli = self.bed.cli
        names = [f"soak-{n}-{i}" for i in range(3)]
        for name in names:
            cli("create", "--name", name, TEST_IMAGE, "sleep", "1d")
        cli("start", *names)
        cli("stop", "-t", "0", *names)
        cli("rm", *names)
        if self.pulled:
            cli("pull", "-q", self.pulled)
            cli("rmi", self.pulled)
        cli("tag", TEST_IMAGE, f"localhost/soak-tag:{n}")
        cli("untag", TEST_IMAGE, f"localhost/soak-tag:{n}")
        cli("volume", "create", f"soak-vol-{n}")
        cli("volume", "rm", f"soak-vol-{n}")
        cli("network", "create", f"soak-net-{n}")
        cli("network", "rm", f"soak-net-{n}")
        return len(cli("ps", "-aq").split())


def start_registry(base: Path, bed: IsolatedPodman) -> Registry | None:
    if not Registry.available():
        print("no registry binary: cycles will not pull", file=sys.stderr)
        return None
    registry = Registry(base / "registry")
    (bed.base / "registries.conf").write_text(
        f'unqualified-search-registries = []\n\n[[registry]]\nlocation = "{registry.address}"\n'
        "insecure = true\n"
    )
    registry.start()
    bed.cli("push", "-q", TEST_IMAGE, f"{registry.address}/soak/pulled:latest")
    return registry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="/tmp/pdc-soak-bench", help="made afresh each run")
    parser.add_argument("--cycles", type=int, default=60)
    parser.add_argument("--child", nargs=1, help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write every cycle's figures here")
    args = parser.parse_args()
    if args.child:
        child(args.child[0])
        return 0
    base = Path(args.base)
    if base.exists():
        old = IsolatedPodman(base / "podman")
        old.destroy()
        shutil.rmtree(base, ignore_errors=True)
    bed = IsolatedPodman(base / "podman")
    bed.ensure_image(base / "cache")
    bed.start_service()
    registry = None
    proc = None
    grown: list[str] = []
    try:
        registry = start_registry(base, bed)
        bed.cli("run", "-d", "--name", KEEPER, TEST_IMAGE, "sh", "-c", TICKER)
        env = {**bed.env, "XDG_CONFIG_HOME": str(base / "xdg"), "XDG_STATE_HOME": str(base)}
        proc = spawn(__file__, [bed.uri], env, base / "child.log")
        driver = Driver(bed, registry)
        figures = []
        started = time.monotonic()
        for n in range(args.cycles + 1):
            rows = driver.cycle(n) if n else len(bed.cli("ps", "-aq").split())
            figures.append(ask(proc, f"cycle {n} {rows}"))
            f = figures[-1]
            print(
                f"cycle {n:4d}  rss {f['rss_mb']:7.1f} MB  threads {f['threads']:3d}  "
                f"fds {f['fds']:4d}  widgets {f['widgets']:5d}  objects {f['py_objects']:7d}  "
                f"gap {f['gap_ms']:4.0f} ms (churn {f['gap_churn_ms']:4.0f}, "
                f"pages {f['gap_pages_ms']:4.0f}, "
                f"inspector {f['gap_inspector_ms']:4.0f})",
                file=sys.stderr,
                flush=True,
            )
        wall = time.monotonic() - started
        proc.stdin.close()
        grown = [line[6:] for line in proc.stdout if line.startswith("TYPES ")]
        proc.wait(30)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        if registry is not None:
            registry.stop()
        bed.destroy()
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    summarize(figures, wall)
    if grown:
        print(f"object types grown since cycle 1 (type, count): {json.loads(grown[0])}")
    return 0


def summarize(figures: list[dict], wall: float) -> None:
    base, last = figures[min(1, len(figures) - 1)], figures[-1]
    half = figures[len(figures) // 2 :]
    print(
        f"{len(figures) - 1} cycles in {wall:.0f} s ({wall / max(len(figures) - 1, 1):.1f} s each)"
    )
    print(
        f"RSS: start {figures[0]['rss_mb']:.1f} MB, cycle 1 {base['rss_mb']:.1f} MB, "
        f"end {last['rss_mb']:.1f} MB; slope over the second half "
        f"{slope_mb_per_100([(f['cycle'], f['rss_mb']) for f in half]):+.2f} MB/100 cycles "
        f"(whole run {slope_mb_per_100([(f['cycle'], f['rss_mb']) for f in figures[1:]]):+.2f})"
    )
    for key in ("threads", "fds", "widgets", "py_objects"):
        values = [f[key] for f in figures[1:]] or [base[key]]
        verdict = "back to baseline" if last[key] <= base[key] else "ABOVE baseline"
        print(
            f"{key}: start {figures[0][key]}, baseline (cycle 1) {base[key]}, "
            f"max {max(values)}, end {last[key]}: {verdict}"
        )
    if last["thread_names"] != base["thread_names"]:
        extra = sorted(set(last["thread_names"]) - set(base["thread_names"]))
        print(f"threads at the end but not at cycle 1: {extra}")
    gaps = figures[1:] or figures
    print(
        f"longest GUI-thread gap in any cycle: {max(f['gap_ms'] for f in gaps):.0f} ms "
        f"(churn arriving {max(f['gap_churn_ms'] for f in gaps):.0f} ms, "
        f"switching pages {max(f['gap_pages_ms'] for f in gaps):.0f} ms, "
        f"the inspector {max(f['gap_inspector_ms'] for f in gaps):.0f} ms; median cycle "
        f"{sorted(f['gap_ms'] for f in gaps)[len(gaps) // 2]:.0f} ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
