"""The app's files are private (0600 files in 0700 directories) and hold no secret."""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QInputDialog

from app.controllers.connection_manager import ConnectionManager
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.models.connection_state import ConnectionState
from app.support import log
from app.ui.main_window import MainWindow
from app.ui.proxy_prompts import DialogPrompts
from tests.ui.conftest import spawn
from tests.ui.test_app_process import AppProcess

APP_ID = "podman-desktop-companion"


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _older_version_files(env: dict[str, str]) -> None:
    """What an earlier version (or a umask of 022) left: readable by everyone."""
    state = Path(env["XDG_STATE_HOME"]) / APP_ID
    config = Path(env["XDG_CONFIG_HOME"]) / APP_ID
    for directory, name, text in (
        (state, "app.log", "old line\n"),
        (config, "settings.ini", "[app]\ntheme=dark\n"),
    ):
        directory.mkdir(mode=0o755)
        directory.chmod(0o755)
        (directory / name).write_text(text)
        (directory / name).chmod(0o644)


def test_the_running_app_keeps_its_files_private(podman):
    home = Path(tempfile.mkdtemp(prefix="prv-", dir=os.environ["XDG_CACHE_HOME"]))
    env = {**os.environ}
    for name, var in (("c", "XDG_CONFIG_HOME"), ("s", "XDG_STATE_HOME"), ("r", "XDG_RUNTIME_DIR")):
        (home / name).mkdir(mode=0o700)
        env[var] = str(home / name)
    _older_version_files(env)
    app = AppProcess("--connection", podman.uri, env=env)
    try:
        app.wait_for(f"{podman.uri}: connected")
        runtime = Path(env["XDG_RUNTIME_DIR"]) / APP_ID
        assert _mode(runtime) == 0o700
        sockets = [p for p in runtime.iterdir() if stat.S_ISSOCK(os.lstat(p).st_mode)]
        assert {"instance.sock", "docker.sock"} <= {p.name for p in sockets}
        for path in sockets:
            assert _mode(path) & 0o077 == 0, (path, oct(_mode(path)))
    finally:
        assert app.stop() == 0
    for base, name in (("XDG_STATE_HOME", "app.log"), ("XDG_CONFIG_HOME", "settings.ini")):
        directory = Path(env[base]) / APP_ID
        assert _mode(directory) == 0o700, directory
        assert (directory / name).stat().st_size > 0
        for path in directory.iterdir():
            assert _mode(path) == 0o600, (path, oct(_mode(path)))


def test_a_key_passphrase_is_written_nowhere(qtbot, qloop, podman, sshd, tmp_path, pdc_logger):
    """Connect over ssh:// with an encrypted key, answering its passphrase (a wrong one
    first) with the log at its most verbose; then no file the app writes holds it."""
    secret = "s3cret-Passphrase-7f2"
    config, state = tmp_path / "config", tmp_path / "state"
    log_file = log.setup(state / "app.log", debug=True)
    settings = Settings(config / "settings.ini")
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    manager = ConnectionManager(settings, DialogPrompts(lambda: window))
    manager.session_changed.connect(window.set_session)
    qtbot.addWidget(window)
    window.show()
    key = tmp_path / "id_locked"
    key.write_bytes(sshd.client_key.read_bytes())
    key.chmod(0o600)
    subprocess.run(
        ["ssh-keygen", "-q", "-p", "-f", str(key), "-N", secret], check=True, capture_output=True
    )
    machine = Connection("locked", sshd.uri(podman.socket_path), identity=str(key), is_machine=True)
    try:
        with qtbot.waitSignal(manager.session_changed, timeout=10_000) as opened:
            spawn(manager.open(machine))
        session = opened.args[0]
        _answer_passphrase(qtbot, window, "wrong-" + secret)
        with qtbot.waitSignal(
            session.state_changed,
            timeout=20_000,
            check_params_cb=lambda state, _reason: state is ConnectionState.CONNECTED,
        ):
            _answer_passphrase(qtbot, window, secret)
    finally:
        manager.shutdown()
    settings.sync()
    assert settings.last_connection == "locked"  # the session was written down
    assert "locked" in log_file.read_text()  # and logged
    written = [p for p in (config, state) if p.exists()] + [
        Path(os.environ[var]) for var in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR")
    ]
    files = [f for d in written for f in d.rglob("*") if f.is_file() and f != key]
    assert log_file in files and settings.path in files
    leaks = [f for f in files if secret.encode() in f.read_bytes()]
    assert leaks == []


def _answer_passphrase(qtbot, window, text: str) -> None:
    qtbot.waitUntil(
        lambda: window.findChild(QInputDialog, "passphraseDialog") is not None, timeout=15_000
    )
    dialog = window.findChild(QInputDialog, "passphraseDialog")
    dialog.setTextValue(text)
    dialog.setObjectName("answered")  # a question asked again is a new dialog
    dialog.accept()
