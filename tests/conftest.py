"""The test bed: isolated Podman, a real sshd, offscreen Qt, an Xvfb display.

The environment is fixed at import time, before Qt or the app is imported, so nothing
a test runs (the app, its podman CLI calls, its settings and logs) can reach the
user's own Podman storage, connections or configuration.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from app.support.responsiveness import prepare_qt_environment

ROOT = Path(tempfile.mkdtemp(prefix="pdc-t-"))  # short: unix socket paths max 107 bytes
for _name in ("config", "state", "data", "cache", "runtime", "home"):
    (ROOT / _name).mkdir(mode=0o700)
os.environ.update(
    {
        # ~/.ssh/known_hosts and the like: the tests' own, never the user's.
        "HOME": str(ROOT / "home"),
        "XDG_CONFIG_HOME": str(ROOT / "config"),
        "XDG_STATE_HOME": str(ROOT / "state"),
        "XDG_DATA_HOME": str(ROOT / "data"),
        "XDG_CACHE_HOME": str(ROOT / "cache"),
        "XDG_RUNTIME_DIR": str(ROOT / "runtime"),
        "QT_QPA_PLATFORM": "offscreen",
        # The "local" connection the app discovers is the test bed's, never the machine's.
        "PDC_LOCAL_SOCKET": str(ROOT / "runtime" / "podman" / "podman.sock"),
    }
)
prepare_qt_environment()  # as the app does before its QApplication
os.environ.pop("DISPLAY", None)
os.environ.pop("WAYLAND_DISPLAY", None)
os.environ.pop("DOCKER_HOST", None)
os.environ.pop("CONTAINER_HOST", None)

from tests.bed.display import VirtualDisplay  # noqa: E402
from tests.bed.podman import IsolatedPodman  # noqa: E402
from tests.bed.registry import Registry, registries_conf  # noqa: E402
from tests.bed.sshd import SshServer  # noqa: E402

# Two real registries on loopback (started by the fixtures below when a test asks for
# them): one open, one that needs a login. Their ports are fixed now, so every Podman
# the tests start trusts them (and mirrors quay.io on the open one) from its first run.
REGISTRY = Registry(ROOT / "registry")
AUTH_REGISTRY = Registry(ROOT / "auth-registry", user="tester", password="pa55-Word!")
REGISTRIES_CONF = registries_conf(REGISTRY, AUTH_REGISTRY)

# The session's Podman store exists from import on, and its config is what every
# podman process started by the tests (or by the app under test) reads.
SESSION_PODMAN = IsolatedPodman(ROOT / "podman")
(ROOT / "podman" / "registries.conf").write_text(REGISTRIES_CONF)
for _key in ("CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF"):
    os.environ[_key] = SESSION_PODMAN.env[_key]

LINUX = sys.platform.startswith("linux")
NOT_LINUX = (
    "the real-service test bed (Podman, sshd, Xvfb) runs on Linux only; not on macOS/Windows"
)


def require_test_bed(present: bool, what: str) -> None:
    """Skip off Linux; on Linux a missing service is a broken setup, so fail loudly."""
    if not LINUX:
        pytest.skip(NOT_LINUX)
    if not present:
        pytest.fail(f"{what} is missing: ./bootstrap.sh test installs it")


linux_only = pytest.mark.skipif(not LINUX, reason=NOT_LINUX)
windows_only = pytest.mark.skipif(
    sys.platform != "win32", reason="Windows named pipes: runs on Windows only"
)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    SESSION_PODMAN.destroy()
    REGISTRY.stop()
    AUTH_REGISTRY.stop()
    shutil.rmtree(ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def cache_dir() -> Path:
    path = ROOT / "cache"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def podman_bed(cache_dir: Path) -> IsolatedPodman:
    """The session's isolated Podman with its API service and the test image."""
    require_test_bed(shutil.which("podman") is not None, "podman")
    SESSION_PODMAN.ensure_image(cache_dir)
    SESSION_PODMAN.start_service()
    yield SESSION_PODMAN
    SESSION_PODMAN.stop_service()


@pytest.fixture
def podman(podman_bed: IsolatedPodman) -> IsolatedPodman:
    """The session's Podman, running, and emptied of containers etc. after the test."""
    if not podman_bed.service_running:
        podman_bed.start_service(ROOT / "podman" / "podman.sock")
    yield podman_bed
    if not podman_bed.service_running:
        podman_bed.start_service(ROOT / "podman" / "podman.sock")
    podman_bed.clean()


@pytest.fixture
def fresh_podman(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> IsolatedPodman:
    """A second, private Podman store and service, for tests that kill or restart it."""
    require_test_bed(shutil.which("podman") is not None, "podman")
    base = Path(tempfile.mkdtemp(prefix="pdc-f-", dir=ROOT))
    bed = IsolatedPodman(base)
    (base / "registries.conf").write_text(REGISTRIES_CONF)
    bed.ensure_image(cache_dir)
    bed.start_service()
    yield bed
    bed.destroy()


@pytest.fixture
def netavark_podman(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> IsolatedPodman:
    """A private Podman store and service on the netavark backend (with aardvark-dns),
    where every other test Podman is on CNI: several subnets of a family on one bridge,
    and DNS between containers (docs/podman-notes.md, "Networks")."""
    require_test_bed(shutil.which("podman") is not None, "podman")
    require_test_bed(
        any(Path(d, "netavark").exists() for d in ("/usr/lib/podman", "/usr/libexec/podman")),
        "netavark",
    )
    base = Path(tempfile.mkdtemp(prefix="pdc-n-", dir=ROOT))
    bed = IsolatedPodman(base, network_backend="netavark")
    (base / "registries.conf").write_text(REGISTRIES_CONF)
    bed.ensure_image(cache_dir)
    bed.start_service()
    yield bed
    bed.destroy()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The open registry on loopback (also quay.io's mirror for every test Podman)."""
    require_test_bed(Registry.available(), "docker-registry or htpasswd")
    if REGISTRY._process is None:
        REGISTRY.start()
    return REGISTRY


@pytest.fixture(scope="session")
def auth_registry() -> Registry:
    """The registry that needs a login: ``auth_registry.user`` / ``.password``."""
    require_test_bed(Registry.available(), "docker-registry or htpasswd")
    if AUTH_REGISTRY._process is None:
        AUTH_REGISTRY.start()
    return AUTH_REGISTRY


@pytest.fixture(scope="session")
def sshd_session() -> SshServer:
    require_test_bed(os.path.exists("/usr/sbin/sshd"), "OpenSSH server (/usr/sbin/sshd)")
    server = SshServer(ROOT / "sshd")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sshd(sshd_session: SshServer) -> SshServer:
    """The session's sshd, restarted if an earlier test stopped it."""
    if not sshd_session.running:
        sshd_session.start()
    return sshd_session


@pytest.fixture(scope="session")
def xvfb() -> VirtualDisplay:
    """A real X display; tests using it run their Qt in a subprocess with DISPLAY set."""
    require_test_bed(VirtualDisplay.available(), "Xvfb")
    display = VirtualDisplay()
    display.start()
    yield display
    display.stop()


@pytest.fixture
def qloop(qapp):
    """The asyncio loop the app runs on (qasync over the Qt event loop)."""
    import qasync  # here: Qt is imported only after the environment above is fixed

    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop
    # Let cancelled tasks (a closed session's) finish before the loop goes.
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def pdc_logger():
    """The app's logger tree, put back as it was after a test that calls log.setup (which
    replaces its handlers and stops it propagating to pytest's capture)."""
    import logging

    from app.support import log

    root = logging.getLogger(log.ROOT)
    saved = (list(root.handlers), root.level, root.propagate)
    yield root
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    handlers, level, root.propagate = saved
    root.setLevel(level)
    for handler in handlers:
        root.addHandler(handler)
