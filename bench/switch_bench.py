"""Benchmark of switching connections (a script, not a test): ``python bench/switch_bench.py``.

Two isolated Podman services: "small" (5 containers) and "big" (500 containers, made once
and kept under --base). The app's ConnectionManager runs in this process, offscreen, on
the qasync loop as in the app. Each trial switches from small to big with
``switch_to`` and measures the time until the new session has listed all 500 containers
(``session.items("containers")`` holds 500 and ``resources_changed("containers")`` was
emitted: the rows the list view inserts), then switches back. Big is reached two ways:
its unix socket, and through the real sshd and the app's SSH proxy (as a machine is).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_HOME = Path(tempfile.mkdtemp(prefix="pdc-sb-"))
for _name in ("config", "state", "runtime", "home"):
    (_HOME / _name).mkdir(mode=0o700)
os.environ.update(
    HOME=str(_HOME / "home"),
    XDG_CONFIG_HOME=str(_HOME / "config"),
    XDG_STATE_HOME=str(_HOME / "state"),
    XDG_RUNTIME_DIR=str(_HOME / "runtime"),
    QT_QPA_PLATFORM="offscreen",
)

from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402
from tests.bed.sshd import SshServer  # noqa: E402

CONTAINERS = 500
PODMAN_SHARE = "Podman alone: version + list"


def podman_alone(bed: IsolatedPodman) -> float:
    """What the app's first listing asks, straight on the socket: Podman's own share."""
    from app.engine import http_api
    from app.engine.endpoint import Endpoint

    endpoint = Endpoint.parse(bed.uri)
    start = time.perf_counter()
    http_api.request(endpoint, "GET", "/v4.0.0/libpod/version")
    http_api.request(endpoint, "GET", "/v4.0.0/libpod/containers/json", params={"all": "true"})
    return time.perf_counter() - start


def populate(bed: IsolatedPodman, cache: Path, count: int) -> None:
    marker = bed.base / f"populated-{count}"
    if marker.exists():
        return
    bed.ensure_image(cache)
    print(f"creating {count} containers in {bed.base} (once)…", file=sys.stderr, flush=True)
    with ThreadPoolExecutor(6) as pool:
        names = [f"c-{i:04d}" for i in range(count)]
        list(pool.map(lambda n: bed.cli("create", "--name", n, TEST_IMAGE, "sleep", "1d"), names))
    marker.write_text("ok")


async def trial(manager, target, count: int) -> float:
    from app.models.connection_state import ConnectionState

    loop = asyncio.get_event_loop()
    listed = loop.create_future()

    def on_session(session) -> None:
        if session is None:  # with the Docker socket on, the old session closes first
            return

        def on_resources(kind: str, _diff) -> None:
            if kind == "containers" and len(session.items("containers")) >= count:
                listed.done() or listed.set_result(time.perf_counter())

        session.resources_changed.connect(on_resources)

    manager.session_changed.connect(on_session)
    start = time.perf_counter()
    ok = await manager.switch_to(target)
    assert ok, f"switch to {target.name} failed"
    end = await asyncio.wait_for(listed, 30)
    manager.session_changed.disconnect(on_session)
    session = manager.session
    while session.state is not ConnectionState.CONNECTED:
        await asyncio.sleep(0.01)
    return end - start


async def back(manager, small) -> None:
    from app.models.connection_state import ConnectionState

    assert await manager.switch_to(small)
    while manager.session.state is not ConnectionState.CONNECTED:
        await asyncio.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="/tmp/pdc-switch-bench", help="kept Podman stores")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--docker-socket", action="store_true", help="with the Docker-compatible socket on"
    )
    args = parser.parse_args()
    base = Path(args.base)
    cache = base / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    small, big = IsolatedPodman(base / "small"), IsolatedPodman(base / "big")
    populate(small, cache, 5)
    populate(big, cache, CONTAINERS)
    sshd = SshServer(_HOME / "sshd")
    for bed in (small, big):
        bed.start_service()
    sshd.start()
    try:
        results = run(small, big, sshd, args.runs, args.docker_socket)
    finally:
        sshd.stop()
        for bed in (small, big):
            bed.stop_service()
    for name, times in results.items():
        ms = sorted(t * 1000 for t in times)
        print(
            f"{name:<28} median {statistics.median(ms):7.1f} ms   "
            f"min {ms[0]:7.1f}   max {ms[-1]:7.1f}   (n={len(ms)})"
        )
    return 0


def run(
    small: IsolatedPodman, big: IsolatedPodman, sshd: SshServer, runs: int, docker: bool
) -> dict:
    import qasync
    from PySide6.QtWidgets import QApplication

    from app.controllers.connection_manager import ConnectionManager
    from app.controllers.settings import Settings
    from app.engine.connection import Connection
    from app.support.responsiveness import prepare_qt_environment

    prepare_qt_environment()  # as the app does
    qapp = QApplication([])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    settings = Settings(_HOME / "settings.ini")
    settings.docker_socket_enabled = docker
    manager = ConnectionManager(settings)
    small_c = Connection("small", small.uri)
    targets = {
        "unix socket, 500 containers": Connection("big", big.uri),
        "ssh via proxy, 500 containers": Connection(
            "big-ssh", sshd.uri(big.socket_path), identity=str(sshd.client_key), is_machine=True
        ),
    }
    results: dict[str, list[float]] = {name: [] for name in targets}
    results[PODMAN_SHARE] = []

    async def all_trials() -> None:
        await back(manager, small_c)
        for _ in range(runs):
            for name, target in targets.items():  # round-robin: load touches both alike
                results[name].append(await trial(manager, target, CONTAINERS))
                await back(manager, small_c)
            results[PODMAN_SHARE].append(podman_alone(big))

    with loop:
        loop.run_until_complete(all_trials())
        manager.shutdown()
    return results


if __name__ == "__main__":
    sys.exit(main())
