"""The inspector's Terminal tab against the real, isolated Podman (and over ssh://)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.engine.connection import Connection
from app.engine.exec_session import inspect_exec
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.inspector.terminal_tab import TerminalPage
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import connect_and_wait as _connect


def _terminal(qtbot, inspectors, name: str) -> tuple[ContainerInspector, TerminalPage]:
    """Open the inspector on its Terminal tab and wait for the shell's prompt."""
    with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
        inspectors.open(name)
    window = opened.args[0]
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.terminal.terminal_started, timeout=15_000) as started:
        window.show_terminal()
    page = started.args[0]
    qtbot.waitUntil(lambda: "/ #" in page.view.text(), timeout=10_000)
    return window, page


def _type(qtbot, page: TerminalPage, text: str) -> None:
    qtbot.keyClicks(page.view, text)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)


def _run(podman, name: str) -> None:
    podman.cli("run", "-d", "--name", name, TEST_IMAGE, "sleep", "1000")


def test_the_terminal_runs_a_command_and_follows_a_resize(qtbot, podman, connections):
    manager, inspectors = connections
    _run(podman, "shell-box")
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window, page = _terminal(qtbot, inspectors, "shell-box")
    view = page.view
    assert window.tabs.currentWidget() is window.terminal
    assert window.terminal.terminals.tabText(0) == "1: sh"  # busybox has no bash
    _type(qtbot, page, "echo hello-$((6*7))")
    qtbot.waitUntil(lambda: "\nhello-42" in view.text(), timeout=10_000)
    _type(qtbot, page, "stty size")
    qtbot.waitUntil(lambda: f"\n{view.rows} {view.cols}" in view.text(), timeout=10_000)
    window.resize(window.width() + 160, window.height() - 120)
    with qtbot.waitSignal(view.size_changed, timeout=5_000) as resized:
        pass
    rows, cols = resized.args
    assert (rows, cols) == (view.rows, view.cols)
    _type(qtbot, page, "clear; stty size")
    qtbot.waitUntil(lambda: f"{rows} {cols}" in view.text().splitlines(), timeout=10_000)
    # Tab stays in the terminal (the shell completes), not a focus move.
    view.setFocus()
    qtbot.keyClicks(view, "ech")
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "/ # echo" in view.text(), timeout=10_000)
    assert QApplication.focusWidget() is view


def test_vi_draws_full_screen_and_leaves_no_garbage(qtbot, podman, connections):
    manager, inspectors = connections
    _run(podman, "vi-box")
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    _window, page = _terminal(qtbot, inspectors, "vi-box")
    view = page.view
    _type(qtbot, page, "echo before-vi")
    qtbot.waitUntil(lambda: "\nbefore-vi" in view.text(), timeout=10_000)
    before = view.text()
    _type(qtbot, page, "vi /tmp/notes")
    qtbot.waitUntil(lambda: view.text().count("\n~") >= view.rows - 3, timeout=10_000)
    assert view.screen.alternate and "before-vi" not in view.text()
    # vi starts in command mode. (An Escape sent in the same write as ":q" would be read
    # by busybox vi as the start of an escape sequence, as from any fast terminal.)
    qtbot.keyClicks(view, ":q")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.screen.alternate, timeout=10_000)
    qtbot.waitUntil(lambda: view.text().rstrip().endswith("/ #"), timeout=10_000)
    after = view.text()
    assert "~" not in after  # vi's drawing went with its screen
    assert after.startswith(before.rstrip())  # the shell's screen is as it was


def test_a_missing_command_says_so(qtbot, podman, connections):
    manager, inspectors = connections
    _run(podman, "bare-box")
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
        inspectors.open("bare-box")
    window = opened.args[0]
    qtbot.addWidget(window)
    window.tabs.setCurrentWidget(window.terminal)
    tab = window.terminal
    qtbot.waitUntil(lambda: tab.running, timeout=10_000)
    tab.shell.setCurrentText("zsh")
    page = tab.open_terminal()
    qtbot.waitUntil(lambda: page.view.ended, timeout=10_000)
    text = page.view.text()
    assert "“zsh” cannot be run in this container: no such command." in " ".join(text.split())
    assert tab.terminals.tabText(tab.terminals.indexOf(page)).endswith("(ended)")


def test_closing_the_tab_ends_the_exec_and_a_stop_ends_the_others(qtbot, podman, connections):
    manager, inspectors = connections
    _run(podman, "close-box")
    session = _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window, first = _terminal(qtbot, inspectors, "close-box")
    tab = window.terminal
    with qtbot.waitSignal(tab.terminal_started, timeout=15_000) as started:
        tab.new_button.click()
    second = started.args[0]
    assert tab.terminals.count() == 2
    _type(qtbot, first, "vi /tmp/first")
    qtbot.waitUntil(lambda: first.view.screen.alternate, timeout=10_000)
    exec_id = first.controller.exec.exec_id
    tab.close_terminal(tab.terminals.indexOf(first))
    assert tab.terminals.count() == 1
    endpoint = session.client.endpoint
    qtbot.waitUntil(lambda: not inspect_exec(endpoint, exec_id)["Running"], timeout=10_000)
    assert "vi /tmp/first" not in podman.cli("top", "close-box")
    podman.cli("stop", "-t", "0", "close-box")
    qtbot.waitUntil(lambda: second.view.ended, timeout=15_000)
    assert "The container stopped, so this session ended." in second.view.text()


def test_the_terminal_works_over_ssh_through_the_proxy(qtbot, podman, sshd, connections):
    manager, inspectors = connections
    _run(podman, "remote-box")
    machine = Connection(
        "podman-machine-default",
        sshd.uri(podman.socket_path),
        identity=str(sshd.client_key),
        is_machine=True,  # a machine's host key is trusted as Podman's own list says
    )
    session = _connect(qtbot, manager, machine)
    assert session.proxy is not None  # the app's client speaks to the proxy's local end
    window, page = _terminal(qtbot, inspectors, "remote-box")
    _type(qtbot, page, "echo hello-$((6*7))")
    qtbot.waitUntil(lambda: "\nhello-42" in page.view.text(), timeout=10_000)
    exec_id = page.controller.exec.exec_id
    window.terminal.close_terminal(0)  # the hang-up goes through the proxy as well
    endpoint = session.client.endpoint
    qtbot.waitUntil(lambda: not inspect_exec(endpoint, exec_id)["Running"], timeout=10_000)


def test_open_terminal_is_offered_for_one_running_container(qtbot, podman, shell):
    from tests.ui.test_main_window import open_and_wait

    manager, window = shell
    running = podman.cli("run", "-d", "--name", "up", TEST_IMAGE, "sleep", "1000").strip()
    stopped = podman.cli("create", "--name", "down", TEST_IMAGE).strip()
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    qtbot.waitUntil(lambda: view.model.item(stopped) is not None, timeout=10_000)
    assert view.open_terminal in view.context_actions()
    view.select_keys([stopped])
    assert not view.open_terminal.isEnabled()
    view.select_keys([running, stopped])
    assert not view.open_terminal.isEnabled()
    view.select_keys([running])
    assert view.open_terminal.isEnabled()
    with qtbot.waitSignal(window.terminal_requested, timeout=5_000) as asked:
        view.open_terminal.trigger()
    assert asked.args == [running]
