"""Pull, push, registry logins and the transfers panel, through the app's own dialogs,
on the real test Podman and the real loopback registries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.controllers.operations import OperationState
from app.engine.connection import Connection
from app.ui.pull_dialog import PullDialog
from app.ui.registry_login import LoginDialog
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import connect_and_wait

BIG_MB = 20
# Offscreen Qt's words about showing windows, not the app's.
pytestmark = pytest.mark.qt_log_ignore("does not support raise", "propagateSizeHints")


@pytest.fixture
def app(qtbot, application, podman):
    """The application connected to the test Podman, window shown."""
    return _connect(qtbot, application, podman.uri)


def _connect(qtbot, application, uri: str):
    application.window.show()
    manager = application.manager
    connect_and_wait(qtbot, manager, Connection("test", uri))
    return application


@pytest.fixture
def pushed(podman, registry):
    """The test image in the open registry, not in the store."""
    ref = f"{registry.address}/dialog/busybox:1"
    podman.cli("push", "--tls-verify=false", TEST_IMAGE, ref)
    podman.cli("rmi", "--ignore", ref)
    yield ref
    podman.cli("rmi", "--ignore", ref)


@pytest.fixture(scope="session")
def big_image(podman_bed, registry) -> str:
    """A {BIG_MB} MB image in the open registry (built and pushed once per session), so a
    pull lasts long enough to cancel."""
    ref = f"{registry.address}/dialog/big:1"
    context = Path(podman_bed.base) / "big-context"
    context.mkdir(exist_ok=True)
    (context / "Containerfile").write_text(
        f"FROM {TEST_IMAGE}\nRUN dd if=/dev/urandom of=/big bs=1M count={BIG_MB}\n"
    )
    podman_bed.cli("build", "-q", "-t", ref, str(context), timeout=300)
    podman_bed.cli("push", "--tls-verify=false", ref, timeout=300)
    podman_bed.cli("rmi", ref)
    return ref


def _images(podman) -> str:
    return podman.cli("images", "--format", "{{.Repository}}:{{.Tag}}")


def test_the_reference_is_checked_as_typed_and_short_names_are_explained(qtbot, app) -> None:
    dialog = app.show_pull()
    assert not dialog.action_button.isEnabled()
    dialog.reference.setText("quay.io/Podman/hello")
    assert "lowercase" in dialog.fields[0].error_label.text()
    assert not dialog.action_button.isEnabled()
    dialog.reference.setText("busybox")
    # The test Podman's registries.conf has no search list.
    qtbot.waitUntil(lambda: "fully qualified" in dialog.where.text())
    dialog.reference.setText("quay.io/podman/hello:latest")
    assert dialog.action_button.isEnabled()
    assert dialog.command_text == "podman pull quay.io/podman/hello:latest"
    assert dialog.where.text() == "From quay.io."


def test_pull_through_the_dialog_shows_progress_and_the_image_is_listed(
    qtbot, app, podman, pushed
) -> None:
    dialog = app.show_pull(pushed)
    seen = []
    with qtbot.waitSignal(dialog.performed, timeout=30_000):
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.busy)
        op = app.operations.items[-1]
        op.progress.connect(lambda _p: seen.append(dialog.status.text()))
    assert pushed in _images(podman)
    assert any("layers" in text for text in seen), seen
    view = app.window.views["images"]
    qtbot.waitUntil(
        lambda: any(pushed in i.repo_tags for i in view.model.items().values()), timeout=10_000
    )
    assert app.operations.items[-1].state is OperationState.DONE
    assert app.transfers_panel.rows  # the transfers panel lists it too


def test_a_cancelled_pull_leaves_no_image(qtbot, app, podman, big_image) -> None:
    dialog = app.show_pull(big_image)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.busy)
    op = app.operations.items[-1]
    # Over loopback Podman 4.3 reports no bytes, only layer steps: cancel at the first.
    op.progress.connect(lambda _p: dialog.reject())  # Cancel while busy
    with qtbot.waitSignal(op.ended, timeout=20_000):
        pass
    assert op.state is OperationState.CANCELLED
    qtbot.waitUntil(lambda: "Cancelled" in dialog.status.text())
    assert dialog.isVisible() and dialog.action_button.isEnabled()  # ready to try again
    assert big_image not in _images(podman)


def test_a_pull_continues_in_transfers_after_the_dialog_closes(
    qtbot, app, podman, pushed, big_image
) -> None:
    counts = []
    app.operations.added.connect(lambda _op: counts.append(app.transfers_button.text()))
    other = app.show_pull(big_image)  # two pulls at once
    dialog = app.show_pull(pushed)
    other.submit()
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.busy and len(app.operations.items) == 2)
    assert counts == ["Transfers (1)", "Transfers (2)"]
    op = app.operations.items[-1]
    assert dialog.background_button.isVisible()
    dialog.background_button.click()
    assert not dialog.isVisible()
    app.transfers_button.click()
    assert app.transfers_panel.isVisible()
    with qtbot.waitSignal(op.ended, timeout=30_000):
        pass
    assert op.state is OperationState.DONE
    first = app.operations.items[0]
    qtbot.waitUntil(lambda: not first.running, timeout=30_000)
    assert first.state is OperationState.DONE and big_image in _images(podman)
    podman.cli("rmi", big_image)
    row = app.transfers_panel.rows[id(op)]
    assert row.state.text() == "Done" and row.button.text() == "Clear"
    row.button.click()
    assert id(op) not in app.transfers_panel.rows and op not in app.operations.items
    assert pushed in _images(podman)


def test_a_login_is_offered_checked_saved_and_the_pull_retried(
    qtbot, app, podman, auth_registry, monkeypatch, tmp_path, pdc_logger
) -> None:
    from app.support import log, paths

    log.setup(paths.log_file(), debug=True)  # the app's own log file, at its most verbose
    auth_file = tmp_path / "auth.json"
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(auth_file))
    ref = f"{auth_registry.address}/dialog/secret:1"
    podman.cli(
        "push",
        "--tls-verify=false",
        "--creds",
        f"{auth_registry.user}:{auth_registry.password}",
        TEST_IMAGE,
        ref,
    )
    dialog = app.show_pull(ref)
    with qtbot.waitSignal(app.operations.added) as added:
        dialog.submit()
    with qtbot.waitSignal(added.args[0].ended, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: dialog.login_button.isVisible())
    assert "needs a login" in dialog.error.text() and "unauthorized" in dialog.error.text()
    assert dialog.login_button.text() == f"Log in to {auth_registry.address}…"

    logins = []
    original = app.show_login
    monkeypatch.setattr(app, "show_login", lambda *a: logins.append(original(*a)) or logins[-1])
    dialog.login_button.click()
    login = logins[0]
    assert isinstance(login, LoginDialog) and login.registry.text() == auth_registry.address
    login.user.setText(auth_registry.user)
    login.password.setText("wrong-password")
    login.submit()
    qtbot.waitUntil(lambda: login.error.isVisible(), timeout=20_000)
    assert "refused" in login.error.text() or "unauthorized" in login.error.text()
    assert login.password.text() == "" and not auth_file.exists()

    login.password.setText(auth_registry.password)
    with qtbot.waitSignal(dialog.performed, timeout=30_000):  # the pull, retried
        login.submit()
    assert ref in _images(podman)
    saved = json.loads(auth_file.read_text())["auths"]
    assert list(saved) == [auth_registry.address]
    assert oct(auth_file.stat().st_mode & 0o777) == "0o600"
    app.settings.sync()
    for handler in pdc_logger.handlers:
        handler.flush()
    assert "logged in to" in paths.log_file().read_text()  # the log was written
    _assert_password_nowhere(auth_registry.password)
    podman.cli("rmi", "--ignore", ref)


def _assert_password_nowhere(password: str) -> None:
    import os

    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        root = Path(os.environ[var])
        for path in root.rglob("*"):
            if path.is_file():
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                assert password.encode() not in data, path


def test_a_tls_failure_offers_a_retry_without_verification_remembered_if_asked(
    qtbot, app, podman, registry
) -> None:
    # The registry speaks plain HTTP; as "localhost:PORT" it is not in the test Podman's
    # insecure list, so a verified pull fails the way a bad certificate does.
    ref = f"localhost:{registry.port}/dialog/busybox:tls"
    podman.cli("push", "--tls-verify=false", TEST_IMAGE, ref)
    host = f"localhost:{registry.port}"
    for remember in (False, True):
        podman.cli("rmi", "--ignore", ref)
        dialog = app.show_pull(ref)
        with qtbot.waitSignal(app.operations.added) as added:
            dialog.submit()
        with qtbot.waitSignal(added.args[0].ended, timeout=20_000):
            pass
        qtbot.waitUntil(lambda d=dialog: d.insecure_button.isVisible())
        assert "TLS verification" in dialog.error.text()
        assert "HTTP response to HTTPS client" in dialog.error.text()  # Podman's words too
        assert not dialog.remember.isChecked()
        dialog.remember.setChecked(remember)
        with qtbot.waitSignal(dialog.performed, timeout=30_000):
            dialog.insecure_button.click()
        assert ref in _images(podman)
        # Kept (host name only) only when ticked: the first time it is not, so the second
        # pull fails verification again.
        assert app.settings.skip_tls_registries == (host if remember else "")
    again = app.show_pull(ref)
    assert "--tls-verify=false" in again.command_text  # remembered from now on
    assert "TLS verification is off" in again.where.text()
    again.close()
    podman.cli("rmi", "--ignore", ref)


def test_push_round_trip_keeps_the_digest(qtbot, app, podman, registry) -> None:
    destination = f"{registry.address}/dialog/round:trip"
    digest_before = podman.cli("image", "inspect", "--format", "{{.Id}}", TEST_IMAGE).strip()
    dialog = app.show_push(TEST_IMAGE, [TEST_IMAGE])
    assert dialog.destination.currentText() == TEST_IMAGE  # its own name, first
    dialog.destination.setEditText("busybox:1")
    assert not dialog.action_button.isEnabled()
    assert "Name the registry" in dialog.fields[0].error_label.text()
    dialog.destination.setEditText(destination)
    assert dialog.command_text == f"podman push {TEST_IMAGE} {destination}"
    seen = []
    with qtbot.waitSignal(app.operations.added) as added:
        dialog.submit()
    added.args[0].progress.connect(seen.append)
    with qtbot.waitSignal(dialog.performed, timeout=30_000):
        pass
    assert any(p.status.startswith("Copying") for p in seen), seen
    remote = podman.cli("manifest", "inspect", "--tls-verify=false", destination, check=False)
    podman.cli("rmi", "--ignore", destination)
    pull = app.show_pull(destination)
    with qtbot.waitSignal(pull.performed, timeout=30_000):
        pull.submit()
    after = podman.cli("image", "inspect", "--format", "{{.Id}}", destination).strip()
    assert after == digest_before, remote
    podman.cli("rmi", "--ignore", destination)


def test_a_connection_lost_mid_pull_says_so_and_lists_no_image(
    qtbot, application, fresh_podman, big_image
) -> None:
    app = _connect(qtbot, application, fresh_podman.uri)
    dialog = app.show_pull(big_image)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.busy)
    op = app.operations.items[-1]
    op.progress.connect(lambda _p: fresh_podman.stop_service(kill=True))
    with qtbot.waitSignal(op.ended, timeout=20_000):
        pass
    assert op.state is OperationState.FAILED
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "connection to Podman was lost" in dialog.error.text()
    assert not dialog.login_button.isVisible() and not dialog.insecure_button.isVisible()
    view = app.window.views["images"]
    assert not any(big_image in i.repo_tags for i in view.model.items().values())


def test_registries_list_logins_and_log_out_after_a_confirmation(
    qtbot, app, auth_registry, monkeypatch, tmp_path
) -> None:
    auth_file = tmp_path / "auth.json"
    auth_file.write_text(json.dumps({"auths": {"keep.example": {"auth": "dTpw"}}}))
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(auth_file))
    dialog = app.show_registries()
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    login = app.show_login(auth_registry.address)
    login.user.setText(auth_registry.user)
    login.password.setText(auth_registry.password)
    with qtbot.waitSignal(login.performed, timeout=20_000):
        login.submit()
    qtbot.waitUntil(lambda: dialog.list.count() == 2)
    dialog.list.setCurrentRow(
        [dialog.list.item(i).text() for i in range(2)].index(auth_registry.address)
    )
    asked = []

    async def answer(confirmation):
        asked.append(confirmation.text)
        from app.ui.confirmation import Answer

        return Answer(True)

    dialog.confirm = answer
    with qtbot.waitSignal(app.transfers.logins_changed, timeout=10_000):
        dialog.logout_button.click()
    assert asked == [f"Log out of {auth_registry.address}?"]
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    assert list(json.loads(auth_file.read_text())["auths"]) == ["keep.example"]


def test_the_dialogs_and_the_transfers_panel_are_named(qtbot, app, registry) -> None:
    from tests.ui.accessibility import mnemonic_clashes, problems

    app.tray_menu.rebuild()
    entry = next(a for a in app.tray_menu.actions() if a.objectName() == "pullImage")
    with qtbot.waitSignal(app.operations.added, timeout=10_000):
        entry.trigger()  # the tray's "Pull an Image…" opens the same dialog
        pull = app.window.findChild(PullDialog, "pullDialog")
        pull.reference.setText(f"{registry.address}/no/such:image")
        pull.submit()
    qtbot.waitUntil(lambda: pull.error.isVisible(), timeout=20_000)
    assert "has no such image" in pull.error.text()
    dialogs = [
        pull,
        app.show_push(TEST_IMAGE, [TEST_IMAGE]),
        app.show_login(),
        app.show_registries(),
    ]
    app.transfers_panel.show()
    found = []
    for widget in (*dialogs, app.transfers_panel):
        found += problems(widget) + mnemonic_clashes(widget)
    assert not found, "\n".join(found)
    assert app.transfers_button.accessibleName()
