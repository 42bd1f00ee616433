"""Benchmark of a pull through the app (a script, not a test): ``python bench/pull_bench.py``.

It starts a private Podman service and a loopback registry (tests/bed/), puts a ~200 MB
image in the registry once (``FROM`` the test image plus 200 MB of random bytes, which
do not compress), and then, run after run, alternately:

- **app**: in a child process, the real Pull dialog on a real session (engine
  ``pull_image`` through an Operation on the transfers pool, progress on the GUI thread),
  offscreen, timed from Pull to the dialog's success, with a 10 ms heartbeat on the GUI
  thread (its longest gap is the longest stall) and an idle reference heartbeat in a
  process of its own (what the machine does to any program meanwhile);
- **podman**: ``podman --remote --url … pull`` of the same image on the same service.

The image is removed from the store before each pull.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402
from tests.bed.registry import Registry  # noqa: E402


def child(uri: str, reference: str) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import asyncio
    import tempfile

    import qasync
    from PySide6.QtWidgets import QApplication

    from app.controllers.connection_manager import ConnectionManager
    from app.controllers.operations import Operations
    from app.controllers.settings import Settings
    from app.controllers.transfers import Transfers
    from app.engine.connection import Connection
    from app.models.connection_state import ConnectionState
    from app.support.responsiveness import prepare_qt_environment, tune_for_gui
    from app.ui import theme
    from app.ui.pull_dialog import PullDialog
    from tests.bed.heartbeat import GuiHeartbeat, ReferenceHeartbeat

    prepare_qt_environment()
    app = QApplication([])
    theme.apply("system")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    settings = Settings(Path(tempfile.mkdtemp()) / "s.ini")
    manager = ConnectionManager(settings)
    operations = Operations()
    transfers = Transfers(operations, settings, lambda: manager.session)
    tasks: set = set()

    def spawn(coro):
        task = asyncio.ensure_future(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    async def wait_for(predicate, timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError("timed out")
            await asyncio.sleep(0.02)

    async def main() -> dict:
        await manager.open(Connection("local", uri, source="podman"))
        connected = ConnectionState.CONNECTED
        await wait_for(lambda: getattr(manager.session, "state", None) is connected)
        dialog = PullDialog(transfers, spawn, None, reference)
        dialog.show()
        done = loop.create_future()
        dialog.performed.connect(lambda result: done.done() or done.set_result(result))
        tune_for_gui()
        reports = []
        heart = GuiHeartbeat()
        with ReferenceHeartbeat() as machine:
            heart.start()
            started = time.perf_counter()
            dialog.submit()
            await wait_for(lambda: bool(operations.items))
            operations.items[-1].progress.connect(reports.append)
            operations.items[-1].failed.connect(lambda e: done.set_exception(e))
            await done
            elapsed = time.perf_counter() - started
            heart.stop()
        gaps = heart.gaps()
        worst = max(gaps)
        return {
            "app_s": elapsed,
            "stall_ms": worst[0] * 1000,
            "stall_own_ms": worst[1] * 1000,
            "idle_process_worst_ms": (machine.worst or 0) * 1000,
            "progress_reports": float(len(reports)),
        }

    with loop:
        out = loop.run_until_complete(main())
    operations.close()
    manager.shutdown()
    print("RESULT " + json.dumps(out), flush=True)


def run_child(uri: str, reference: str, env: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", uri, "--ref", reference],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"child failed: {proc.stderr[-3000:]}")
    return json.loads(line[7:])


def _in_registry(registry: Registry, name: str, tag: str) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        f"http://{registry.address}/v2/{name}/manifests/{tag}",
        method="HEAD",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"},
    )
    try:
        direct.open(request, timeout=5).close()
        return True
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="/tmp/pdc-pull-bench", help="kept store and registry")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--ref", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.ref)
        return 0
    base = Path(args.base)
    registry = Registry(base / "registry")
    registry.start()
    bed = IsolatedPodman(base / "podman")
    (base / "podman" / "registries.conf").write_text(
        f'unqualified-search-registries = []\n\n[[registry]]\nlocation = "{registry.address}"\n'
        "insecure = true\n"
    )
    bed.ensure_image(base / "cache")
    name, tag = "bench/big", str(args.size_mb)
    reference = f"{registry.address}/{name}:{tag}"
    env = {**bed.env, "XDG_CONFIG_HOME": str(base / "xdg")}
    results = []
    try:
        if not _in_registry(registry, name, tag):
            context = base / "context"
            context.mkdir(exist_ok=True)
            (context / "Containerfile").write_text(
                f"FROM {TEST_IMAGE}\nRUN dd if=/dev/urandom of=/big bs=1M count={args.size_mb}\n"
            )
            bed.cli("build", "-q", "-t", reference, str(context), timeout=900)
            bed.cli("push", reference, timeout=900)
        bed.start_service()
        for n in range(args.runs):
            bed.cli("rmi", "--ignore", reference)
            result = run_child(bed.uri, reference, env)
            bed.cli("rmi", "--ignore", reference)
            started = time.perf_counter()
            bed.cli("--remote", "--url", bed.uri, "pull", "-q", reference, timeout=900)
            result["podman_s"] = time.perf_counter() - started
            results.append(result)
            print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()))
        bed.cli("rmi", "--ignore", reference)
    finally:
        bed.stop_service()
        registry.stop()
    print(f"\nmedians of {args.runs} runs (worst in brackets), {args.size_mb} MB image:")
    for key in results[0]:
        values = [r[key] for r in results]
        print(f"  {key:24} {statistics.median(values):8.2f}  ({max(values):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
