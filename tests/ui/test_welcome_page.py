"""The first-run welcome page on the real service: Podman's check, the hello container
pulled from the loopback mirror of quay.io and its greeting in the window, a registry
that cannot be reached, Podman that cannot be reached, and first start vs. restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from app.application import Application
from app.controllers.podman_check import READY, PodmanCheck
from app.controllers.settings import Settings
from app.controllers.welcome import HelloOutput
from app.engine.streams.records import LogLine
from app.ui.notice_page import CommandRow
from app.ui.settings_dialog import SettingsDialog
from app.ui.welcome_page import WelcomePage
from app.ui.welcome_settings_section import WelcomeSettingsSection
from tests.bed.podman import TEST_IMAGE
from tests.bed.sshd import free_port
from tests.ui.accessibility import menu_problems, mnemonic_clashes, problems
from tests.ui.conftest import spawn

GREETING = "Hello from the test mirror"
HELLO = "quay.io/podman/hello"


@pytest.fixture
def hello_on_mirror(podman, registry, tmp_path):
    """A hello image built offline and pushed where the test Podman's registries.conf
    mirrors quay.io; no local copy, so the page has to pull it."""
    context = tmp_path / "hello"
    context.mkdir()
    (context / "Containerfile").write_text(f'FROM {TEST_IMAGE}\nCMD ["echo", "{GREETING}"]\n')
    local = "localhost/welcome-hello:build"
    podman.cli("build", "-t", local, "-f", str(context / "Containerfile"), str(context))
    podman.cli("push", "--tls-verify=false", local, f"{registry.address}/podman/hello:latest")
    podman.cli("rmi", local)
    podman.cli("rmi", "--ignore", "-f", HELLO)
    yield
    podman.cli("rm", "-af", "-t", "0", check=False)
    podman.cli("rmi", "--ignore", "-f", HELLO)


def _connect(qtbot, app: Application, uri: str) -> None:
    spawn(app.manager.open_initial(uri))


def _ready(qtbot, app: Application) -> None:
    page = app.welcome_page
    qtbot.waitUntil(lambda: page.hello_button.isEnabled(), timeout=20_000)
    assert page.check_title.text() == "Podman is ready"


def test_the_hello_container_runs_from_the_quay_mirror_and_greets_in_the_window(
    qtbot, application, podman, hello_on_mirror
):
    app = application
    assert app.welcome_on_first_start()
    assert app.window.welcome_showing()
    _connect(qtbot, app, podman.uri)
    _ready(qtbot, app)
    page = app.welcome_page
    assert "4." in page.check_text.text()  # the version Podman gave
    qtbot.mouseClick(page.hello_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: GREETING in page.output.toPlainText(), timeout=30_000)
    # The real reference, pulled through Podman as an Operation (so the mirror applied).
    pulls = [op for op in app.operations.items if op.kind == "pull"]
    assert [op.title for op in pulls] == [f"Pull {HELLO}"]
    assert pulls[0].state.value == "done"
    state = podman.cli("inspect", "--format", "{{.State.Status}} {{.ImageName}}", "hello-1")
    assert state.split() == ["exited", f"{HELLO}:latest"]
    assert "hello-1 ran and exited" in page.step.text()
    assert page.hello_button.text() == "Run it again" and page.hello_button.isEnabled()
    assert app.window.welcome_showing()
    # Again: the image is there now, so no second pull, and the next free name.
    qtbot.mouseClick(page.hello_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "hello-2 ran" in page.step.text(), timeout=20_000)
    assert len([op for op in app.operations.items if op.kind == "pull"]) == 1
    assert GREETING in page.output.toPlainText()


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen Qt, not the app
def test_a_registry_that_cannot_be_reached_is_said_plainly_and_the_rest_still_works(
    qtbot, application, podman
):
    app = application
    dead = f"127.0.0.1:{free_port()}/podman/hello"
    app.settings.hello_image = dead
    app.welcome_on_first_start()
    _connect(qtbot, app, podman.uri)
    _ready(qtbot, app)
    page = app.welcome_page
    assert dead in page.hello_text.text()
    qtbot.mouseClick(page.hello_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.failure_title.isHidden(), timeout=30_000)
    port = dead.split("/")[0]
    assert page.failure_title.text() == f"The registry {port} cannot be reached"
    said = page.failure_text.text()
    assert "Podman said:" in said and "connection refused" in said  # Podman's reason
    assert page.hello_button.isEnabled()  # try again, once it is fixed
    # The rest of the page works: the Docker socket panel, and a task that leaves it.
    qtbot.mouseClick(page.task_buttons["docker_socket_requested"], Qt.MouseButton.LeftButton)
    assert app._docker_panel is not None and app._docker_panel.isVisible()
    app._docker_panel.close()
    qtbot.mouseClick(page.task_buttons["run_requested"], Qt.MouseButton.LeftButton)
    assert not app.window.welcome_showing()
    assert app.window.current_view() is app.window.views["containers"]


def test_podman_that_cannot_be_reached_gets_the_commands_that_start_it(
    qtbot, application, tmp_path
):
    app = application
    app.welcome_on_first_start()
    _connect(qtbot, app, f"unix://{tmp_path}/nothing.sock")
    page = app.welcome_page
    qtbot.waitUntil(lambda: page.check_title.text() == "Podman cannot be reached", timeout=20_000)
    assert app.window.welcome_showing()  # the notice page waits underneath
    commands = [row.command.command for row in page.commands.findChildren(CommandRow)]
    assert any("enable --now podman.socket" in c for c in commands), commands
    assert not page.hello_button.isEnabled()
    assert "retry-connection" in page.action_buttons
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    assert app.window.pages.currentWidget() is app.window.notice_page


def test_first_start_shows_it_and_a_restart_after_dismissing_does_not(
    qtbot, qloop, tmp_path, podman
):
    path = tmp_path / "settings.ini"
    qapp = QApplication.instance()
    first = Application(qapp, str(tmp_path / "a.log"), Settings(path))
    qtbot.addWidget(first.window)
    try:
        assert not first.welcome_on_first_start(plain_launch=False)  # --connection etc.
        assert not first.window.welcome_showing()
        first.window.show()
        assert first.welcome_on_first_start()
        assert first.window.welcome_showing()
        page = first.welcome_page
        # Nothing to run yet (no connection): the keyboard starts on the way out.
        qtbot.waitUntil(page.done_button.hasFocus)
        _fail = problems(page) + mnemonic_clashes(first.window)
        _fail += menu_problems(first.window.help_menu)
        assert not _fail, _fail
        qtbot.keyClick(page.done_button, Qt.Key.Key_Space)
        assert not first.window.welcome_showing()
    finally:
        first.shutdown()
    assert Settings(path).welcome_done  # read back from a fresh object on the same file
    second = Application(qapp, str(tmp_path / "b.log"), Settings(path))
    qtbot.addWidget(second.window)
    try:
        assert not second.welcome_on_first_start()
        assert not second.window.welcome_showing()
        # Help → Welcome brings it back whenever asked.
        second.window.findChild(QAction, "helpWelcome").trigger()
        assert second.window.welcome_showing()
    finally:
        second.shutdown()


def test_the_output_keeps_its_ansi_colours_and_drops_the_escapes(qtbot):
    page = WelcomePage(HELLO)
    qtbot.addWidget(page)
    page.set_check(PodmanCheck(READY, "Podman is ready", ""))
    page.set_step("Starting hello-1…", -1)
    assert page.hello_button.text() == "Running…" and not page.hello_button.isEnabled()
    lines = [LogLine(1, "", "\x1b[31mred\x1b[0m plain"), LogLine(1, "", "second")]
    page.show_output(HelloOutput("hello-1", "abc", 0, lines))
    assert page.output.toPlainText() == "red plain\nsecond"
    first = page.output.document().firstBlock().begin().fragment()
    assert first.text() == "red" and first.charFormat().foreground().color().name() == "#cd3131"
    assert page.hello_button.text() == "Run it again" and page.hello_button.isEnabled()


def test_the_settings_dialog_changes_the_hello_image_and_brings_the_page_back(qtbot, tmp_path):
    path = tmp_path / "settings.ini"
    settings = Settings(path)
    settings.welcome_done = True
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    section = WelcomeSettingsSection(dialog)
    dialog.add_section(section)
    assert section.hello_image.text() == "" and not section.show_again.isChecked()
    section.hello_image.setText("quay.io/podman hello")
    assert "no spaces" in section.validate()
    section.hello_image.setText(" 127.0.0.1:5000/podman/hello ")
    section.show_again.setChecked(True)
    assert section.validate() == ""
    section.save(settings)
    settings.sync()
    again = Settings(path)
    assert again.hello_image == "127.0.0.1:5000/podman/hello" and not again.welcome_done


def test_cancel_stops_waiting_for_a_hello_that_does_not_exit(qtbot, application, podman, tmp_path):
    context = tmp_path / "sleeper"
    context.mkdir()
    (context / "Containerfile").write_text(f'FROM {TEST_IMAGE}\nCMD ["sleep", "600"]\n')
    image = "localhost/welcome-sleeper:test"
    podman.cli("build", "-t", image, "-f", str(context / "Containerfile"), str(context))
    try:
        app = application
        app.settings.hello_image = image  # present: no pull
        app.welcome_on_first_start()
        _connect(qtbot, app, podman.uri)
        _ready(qtbot, app)
        page = app.welcome_page
        qtbot.mouseClick(page.hello_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "waiting for it to finish" in page.step.text(), timeout=20_000)
        assert page.cancel_button.isVisibleTo(page) and not page.hello_button.isEnabled()
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.step.text().startswith("Cancelled."), timeout=10_000)
        assert page.hello_button.isEnabled() and not page.cancel_button.isVisibleTo(page)
        running = podman.cli("inspect", "--format", "{{.State.Running}}", "hello-1").strip()
        assert running == "true"
    finally:
        podman.cli("rm", "-af", "-t", "0", check=False)
        podman.cli("rmi", "--ignore", image)


def test_open_a_shell_opens_a_terminal_in_the_one_running_container(qtbot, application, podman):
    app = application
    podman.cli("run", "-d", "--name", "only-one", TEST_IMAGE, "sleep", "600")
    app.welcome_on_first_start()
    _connect(qtbot, app, podman.uri)
    _ready(qtbot, app)
    qtbot.waitUntil(lambda: len(app.manager.session.items("containers")) == 1, timeout=10_000)
    page = app.welcome_page
    qtbot.mouseClick(page.task_buttons["shell_requested"], Qt.MouseButton.LeftButton)
    assert not app.window.welcome_showing()
    qtbot.waitUntil(lambda: bool(app.inspectors.windows), timeout=10_000)
    (inspector,) = app.inspectors.windows
    qtbot.waitUntil(lambda: inspector.tabs.currentWidget() is inspector.terminal, timeout=10_000)
    inspector.close()
