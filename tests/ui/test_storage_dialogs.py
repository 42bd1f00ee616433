"""Secrets and volumes made through the window, on the real service: a typed secret
reaches a container and no log, setting or inspect; a volume is created, described,
exported and imported back through its dialogs."""

from __future__ import annotations

import logging
import secrets as random
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from app.application import Application
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.models.connection_state import ConnectionState
from app.support import log, paths
from app.ui.create_secret_dialog import CreateSecretDialog
from app.ui.create_volume_dialog import CreateVolumeDialog
from app.ui.secret_details_dialog import SecretDetailsDialog
from app.ui.volume_details_dialog import VolumeDetailsDialog
from app.ui.volume_transfer_dialog import VolumeTransferDialog
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import mnemonic_clashes, problems
from tests.ui.conftest import spawn


@pytest.fixture
def connected(qtbot, qloop, tmp_path, podman):
    """The whole app on the test Podman (its own settings file), connected."""
    settings = Settings(tmp_path / "s.ini")
    settings.docker_socket_enabled = False
    app = Application(QApplication.instance(), str(tmp_path / "app.log"), settings)
    qtbot.addWidget(app.window)
    app.window.show()
    with qtbot.waitSignal(app.manager.session_changed, timeout=15_000) as opened:
        spawn(app.manager.open(Connection("test", podman.uri)))
    session = opened.args[0]
    qtbot.waitUntil(lambda: session.state is ConnectionState.CONNECTED, timeout=20_000)
    yield app
    app.shutdown()


def _dialog(app: Application, kind: type):
    found = [d for d in app.window.findChildren(kind) if d.isVisible()]
    assert found, f"no {kind.__name__} open"
    return found[-1]


class _Everything(logging.Handler):
    """Every log record of every logger, formatted with its arguments."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _files_holding(needle: bytes, *roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and needle in path.read_bytes():
                found.append(path)
    return found


def test_a_typed_secret_reaches_a_container_and_nothing_else(
    qtbot, connected, podman, pdc_logger
) -> None:
    app = connected
    log.setup(paths.log_file(), debug=True)  # the app's real log, at its most verbose
    everything = _Everything()
    for logger in (logging.getLogger(), pdc_logger):
        logger.addHandler(everything)
    old_root_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    value = f"s3cret-{random.token_hex(8)}"
    try:
        view = app.window.views["secrets"]
        app.window.show_page("secrets")
        qtbot.waitUntil(view.create.isEnabled)
        view.create.trigger()
        dialog = _dialog(app, CreateSecretDialog)
        assert dialog.value.echoMode() is QLineEdit.EchoMode.Password
        assert not dialog.show_value.isChecked()
        dialog.name.setText("api_token")
        dialog.value.setText(value)
        assert dialog.action_button.isEnabled()
        assert value not in dialog.command_text
        assert "podman secret create api_token -" in dialog.command_text
        with qtbot.waitSignal(dialog.performed, timeout=15_000):
            dialog.action_button.click()
        assert dialog.value.text() == ""
        held = [k for k, v in vars(dialog).items() if value in str(v)]
        assert not held, f"the dialog keeps the value in {held}"
        qtbot.waitUntil(lambda: "api_token" in [s.name for s in _secrets(app)], timeout=10_000)
    finally:
        for logger in (logging.getLogger(), pdc_logger):
            logger.removeHandler(everything)
        logging.getLogger().setLevel(old_root_level)

    read = ("run", "--rm", "--secret", "api_token", TEST_IMAGE, "cat", "/run/secrets/api_token")
    assert podman.cli(*read) == value
    assert value not in podman.cli("secret", "inspect", "api_token")
    assert any("created secret api_token" in line for line in everything.lines)
    assert not [line for line in everything.lines if value in line]
    app.settings.sync()
    secret = value.encode()
    assert not _files_holding(secret, app.settings.path, paths.config_dir(), paths.state_dir())
    assert paths.log_file().exists()

    # Its details: metadata and users, never the value; a taken name is refused inline.
    podman.cli("create", "--name", "uses-it", "--secret", "api_token", TEST_IMAGE)
    key = next(k for k, s in app.manager.session.items("secrets").items() if s.name == "api_token")
    view.select_keys([key])
    view.details.trigger()
    qtbot.waitUntil(lambda: bool([d for d in app.window.findChildren(SecretDetailsDialog)]))
    details = _dialog(app, SecretDetailsDialog)
    assert "uses-it" in details.users.text()
    assert value not in " ".join(_texts(details))
    view.create.trigger()
    again = [d for d in app.window.findChildren(CreateSecretDialog) if d.isVisible()][-1]
    again.name.setText("api_token")
    again.value.setText("x")
    assert not again.action_button.isEnabled()
    assert "exists already" in again.fields[0].error_label.text()
    assert not problems(again) and not mnemonic_clashes(again)


def _answered(asked: list, confirmation, accepted: bool):
    import asyncio

    from app.ui.confirmation import Answer

    asked.append(confirmation)
    future = asyncio.get_event_loop().create_future()
    future.set_result(Answer(accepted))
    return future


def _secrets(app: Application) -> list:
    return list(app.manager.session.items("secrets").values())


def _texts(widget) -> list[str]:
    from PySide6.QtWidgets import QLabel

    return [label.text() for label in widget.findChildren(QLabel)]


def test_volume_created_described_exported_and_imported_through_the_window(
    qtbot, connected, podman, tmp_path
) -> None:
    app = connected
    view = app.window.views["volumes"]
    app.window.show_page("volumes")
    qtbot.waitUntil(view.create.isEnabled)
    view.create.trigger()
    create = _dialog(app, CreateVolumeDialog)
    assert not problems(create) and not mnemonic_clashes(create)
    create.name.setText("-bad")
    assert not create.action_button.isEnabled()
    create.name.setText("appdata")
    create.labels.set_pairs([("app", "web"), ("app", "twice")])
    assert not create.action_button.isEnabled()  # a label given twice
    create.labels.set_pairs([("app", "web")])
    assert create.command_text == "podman volume create --label=app=web appdata"
    with qtbot.waitSignal(create.performed, timeout=15_000):
        create.action_button.click()
    assert podman.cli("volume", "inspect", "--format", "{{.Labels}}", "appdata") == "map[app:web]"
    qtbot.waitUntil(lambda: view.model.row_of("appdata") >= 0, timeout=10_000)

    podman.cli(
        "run", "--name", "writer", "-v", "appdata:/data", TEST_IMAGE,
        "sh", "-c", "echo round-trip > /data/note.txt",
    )  # fmt: skip
    view.select_keys(["appdata"])
    view.details.trigger()
    qtbot.waitUntil(lambda: bool(app.window.findChildren(VolumeDetailsDialog)), timeout=10_000)
    details = _dialog(app, VolumeDetailsDialog)
    assert details.users.text() == "writer"
    assert not problems(details) and not mnemonic_clashes(details)
    assert details.details.size and details.details.size > 0

    archive = tmp_path / "appdata.tar"
    details.export_requested.emit("appdata")  # its Export… button
    export = _dialog(app, VolumeTransferDialog)
    assert not problems(export) and not mnemonic_clashes(export)
    export.path.setText(str(archive))
    assert export.command_text == f"podman volume export --output={archive} appdata"
    with qtbot.waitSignal(export.performed, timeout=20_000):
        export.action_button.click()
    assert archive.stat().st_size > 0
    # Exporting onto an existing file asks first, naming it; refusing keeps the file.
    archive.write_bytes(b"keep me")
    again = VolumeTransferDialog(app.volume_actions, "appdata", True, spawn, app.window)
    qtbot.addWidget(again)
    asked = []
    again.confirm = lambda c: _answered(asked, c, False)
    again.path.setText(str(archive))
    again.submit()
    qtbot.waitUntil(lambda: bool(asked) and not again.busy, timeout=10_000)
    assert str(archive) in asked[0].text and asked[0].action == "Replace"
    assert archive.read_bytes() == b"keep me"
    again.confirm = lambda c: _answered(asked, c, True)
    with qtbot.waitSignal(again.performed, timeout=20_000):
        again.submit()
    assert archive.read_bytes() != b"keep me"

    podman.cli("volume", "create", "restored")
    qtbot.waitUntil(lambda: view.model.row_of("restored") >= 0, timeout=10_000)
    view.select_keys(["restored"])
    view.import_.trigger()
    imported = [d for d in app.window.findChildren(VolumeTransferDialog) if d.isVisible()][-1]
    assert imported.volume == "restored" and not imported.exporting
    imported.path.setText(str(archive))
    with qtbot.waitSignal(imported.performed, timeout=20_000):
        imported.action_button.click()
    read = ("run", "--rm", "-v", "restored:/data", TEST_IMAGE, "cat", "/data/note.txt")
    assert podman.cli(*read) == "round-trip"
