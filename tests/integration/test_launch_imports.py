"""What the app loads to start: a first window on a unix:// connection needs neither SSH
(paramiko) nor podman-py (and its requests/urllib3). Both are loaded when first used, so
launch stays short (bench/list_bench.py; README, "Main window lists").

Each check runs in a fresh interpreter: in the test process everything is imported long
before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Loaded on first use only: the SSH proxy's library, podman-py and its HTTP stack.
NOT_AT_START = ("paramiko", "podman", "requests", "urllib3")

_REPORT = """
import json, sys
print("LOADED " + json.dumps(sorted(m for m in {names!r} if m in sys.modules)))
"""

# The composition root imported as the app imports it, then a main window on a
# connection manager as app/application.py wires them, opened on a unix:// Podman until
# it is connected with every list in, with the Docker-compatible socket served (a proxy
# with a unix upstream).
_WINDOW = """
import asyncio, sys, tempfile, time
from pathlib import Path

import app.application  # noqa: F401 - everything the app imports at start
import qasync
from PySide6.QtWidgets import QApplication

from app.controllers.connection_manager import ConnectionManager
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.models.connection_state import ConnectionState
from app.ui.main_window import MainWindow

qapp = QApplication([])
loop = qasync.QEventLoop(qapp)
asyncio.set_event_loop(loop)
base = Path(tempfile.mkdtemp())
settings = Settings(base / "s.ini")
settings.docker_socket_address = str(base / "docker.sock")
manager = ConnectionManager(settings)
window = MainWindow(settings, ResourceActions(lambda: manager.session))
manager.session_changed.connect(window.set_session)
window.show()


async def main():
    await manager.open_initial(sys.argv[1])
    deadline = time.monotonic() + 60
    while manager.session is None or manager.session.state is not ConnectionState.CONNECTED:
        assert time.monotonic() < deadline, "never connected"
        await asyncio.sleep(0.01)
    assert manager.docker_proxy is not None, manager.docker_error
    assert window.containers.model.rowCount() == 1


with loop:
    loop.run_until_complete(main())
"""


def _loaded(code: str, *args: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", code + _REPORT.format(names=NOT_AT_START), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED ")), None)
    assert line is not None, proc.stderr[-3000:]
    return json.loads(line[len("LOADED ") :])


def test_importing_the_app_loads_neither_ssh_nor_podman_py():
    assert _loaded("import app.application") == []


def test_a_first_window_on_a_unix_connection_loads_neither(podman):
    podman.cli("create", "--name", "listed", "localhost/busybox:test")
    assert _loaded(_WINDOW, podman.uri) == []


def test_the_ssh_side_is_loaded_when_an_ssh_upstream_is_made():
    """The laziness is not a loss: making an ssh:// upstream brings paramiko in."""
    code = (
        "from app.proxy.proxy import ProxyConfig, make_upstream\n"
        "make_upstream(ProxyConfig(listen='unix:///tmp/x.sock',"
        " upstream='ssh://u@127.0.0.1:22/run/podman.sock'))\n"
    )
    assert _loaded(code) == ["paramiko"]
