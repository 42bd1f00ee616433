"""The container inspector against the real, isolated Podman (and over SSH through the proxy)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.engine.connection import Connection
from app.engine.errors import Conflict
from app.engine.streams.records import STDERR
from app.engine.top import top
from app.models.container_status import ContainerStatus
from app.ui.inspector.summary_tab import MASK
from tests.bed.heartbeat import GuiHeartbeat, ReferenceHeartbeat
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import connect_and_wait as _connect
from tests.ui.conftest import spawn

TICKER = "i=0; while true; do i=$((i+1)); echo tick $i; echo warn $i >&2; sleep 0.2; done"


def _open(qtbot, inspectors, ref):
    with qtbot.waitSignal(inspectors.opened, timeout=5_000) as opened:
        inspectors.open(ref)
    window = opened.args[0]
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.container_id != "" or window.gone, timeout=10_000)
    return window


def _echo_into_logs(podman, name: str, text: str) -> None:
    """Write a line to the container's own stdout, as its main process would."""
    podman.cli("exec", name, "sh", "-c", f"echo {text} > /proc/1/fd/1")


def _logs_follow_and_search(qtbot, podman, inspectors, name):
    window = _open(qtbot, inspectors, name)
    window.tabs.setCurrentWidget(window.logs)
    logs = window.logs
    qtbot.waitUntil(lambda: "tick 3" in logs.plain_text(), timeout=10_000)

    _echo_into_logs(podman, name, "hello-after-open")
    qtbot.waitUntil(lambda: "hello-after-open" in logs.plain_text(), timeout=10_000)
    logs.search.setText("hello-after-open")
    assert logs.find_next()
    assert logs.match_count == 1
    assert logs.selected_text() == "hello-after-open"
    assert logs.match_label.text() == "1 of 1"
    assert any(line.stream == STDERR and line.text.startswith("warn") for line in logs.kept_lines())

    # A dropped stream resumes where it stopped: no tick twice, none missing.
    logs.controller.drop()
    _echo_into_logs(podman, name, "after-the-drop")
    qtbot.waitUntil(lambda: "after-the-drop" in logs.plain_text(), timeout=15_000)
    last = max(
        int(line.text.split()[1]) for line in logs.kept_lines() if line.text.startswith("tick")
    )
    qtbot.waitUntil(lambda: f"tick {last + 3}\n" in logs.plain_text() + "\n", timeout=10_000)
    ticks = [
        int(line.text.split()[1]) for line in logs.kept_lines() if line.text.startswith("tick")
    ]
    assert ticks == list(range(ticks[0], ticks[-1] + 1))
    assert logs.plain_text().count("hello-after-open") == 1
    return window


@pytest.mark.timeout(60)
def test_logs_follow_search_resume_and_save(qtbot, qloop, podman, connections, tmp_path):
    manager, inspectors = connections
    podman.cli("run", "-d", "--name", "ticker", TEST_IMAGE, "sh", "-c", TICKER)
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window = _logs_follow_and_search(qtbot, podman, inspectors, "ticker")
    logs = window.logs

    logs.timestamps.setChecked(False)
    qtbot.waitUntil(lambda: logs.plain_text().startswith("tick 1\n"), timeout=5_000)
    logs.streams.setCurrentIndex(2)  # stderr only
    qtbot.waitUntil(lambda: logs.plain_text().startswith("warn 1\n"), timeout=5_000)
    assert "tick" not in logs.plain_text()
    logs.streams.setCurrentIndex(0)

    # Typing alone goes to the first match in view, and the count names that one.
    _echo_into_logs(podman, "ticker", "needle-a needle-b")
    qtbot.waitUntil(lambda: "needle-b" in logs.plain_text(), timeout=10_000)
    logs.search.setText("needle")
    qtbot.waitUntil(lambda: logs.match_label.text() == "1 of 2", timeout=5_000)
    assert logs.selected_text() == "needle"
    row, col = logs.current_match_position()
    assert logs.find_next() and logs.match_label.text() == "2 of 2"
    assert logs.current_match_position() == (row, col + len("needle-a "))
    assert logs.find_next() and logs.match_label.text() == "1 of 2"

    saved = tmp_path / "ticker.log"
    assert qloop.run_until_complete(logs.save_to(saved)) > 10
    assert "stdout hello-after-open\n" in saved.read_text()


def test_logs_over_ssh_through_the_proxy(qtbot, podman, sshd, connections):
    manager, inspectors = connections
    podman.cli("run", "-d", "--name", "remote-ticker", TEST_IMAGE, "sh", "-c", TICKER)
    machine = Connection(
        "podman-machine-default",
        sshd.uri(podman.socket_path),
        identity=str(sshd.client_key),
        is_machine=True,
    )
    session = _connect(qtbot, manager, machine)
    assert session.proxy is not None
    _logs_follow_and_search(qtbot, podman, inspectors, "remote-ticker")


def test_first_1000_lines_then_load_earlier(qtbot, podman, connections):
    manager, inspectors = connections
    script = 'i=0; while [ $i -lt 1500 ]; do i=$((i+1)); echo "early $i"; done; sleep 600'
    podman.cli("run", "-d", "--name", "chatty", TEST_IMAGE, "sh", "-c", script)
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    qtbot.waitUntil(lambda: "early 1500" in podman.cli("logs", "--tail", "1", "chatty"))
    window = _open(qtbot, inspectors, "chatty")
    logs = window.logs
    qtbot.waitUntil(lambda: "early 1500" in logs.plain_text(), timeout=10_000)
    kept = logs.kept_lines()
    assert len(kept) == 1000 and kept[0].text == "early 501"
    assert logs.earlier_button.isEnabled()
    task = spawn(logs.load_earlier())
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() == 500, logs.status.text()
    texts = [line.text for line in logs.kept_lines()]
    # Podman 4.3's ``tail`` can garble a line conmon wrote in two parts, so the first
    # 1,000 are compared by count; the earlier ones come without ``tail``.
    assert len(texts) == 1500 and texts[-1] == "early 1500"
    assert texts[:500] == [f"early {i}" for i in range(1, 501)]
    assert not logs.earlier_button.isEnabled()  # nothing earlier is left


GOAL_GAP_S = 0.050  # issue 6: the GUI thread's heartbeat never stalls this long
FROZEN_S = 0.100  # beyond what the machine imposes on any process: a frozen window


@pytest.mark.timeout(60)
def test_a_flood_of_logs_does_not_freeze_the_window(qtbot, podman, connections):
    """20 MB written at up to 10 MB/s in 41-byte lines while a 10 ms heartbeat runs on
    the GUI thread: the window's own work never holds the GUI thread 50 ms, and it takes
    in all that Podman streams.

    Podman 4.3 streams such short lines at only ~2-4 MB/s and takes both CPUs of the
    2-CPU machines this runs on doing it, so the OS runs even an idle process's timer
    tens of milliseconds late (tests/bed/heartbeat.py measures that alongside). The
    heartbeat's gaps are therefore judged as the GUI thread's own CPU time between
    beats against the 50 ms goal, and as wall time against a frozen window.
    """
    manager, inspectors = connections
    line = "0123456789012345678901234567890123456789"
    flood = (
        "sleep 1; i=0; while [ $i -lt 20 ]; do i=$((i+1)); "
        f"yes {line} | head -c 1000000; sleep 0.1; done; echo; echo FLOOD-DONE; sleep 600"
    )
    podman.cli("run", "-d", "--name", "flood", TEST_IMAGE, "sh", "-c", flood)
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window = _open(qtbot, inspectors, "flood")
    window.tabs.setCurrentWidget(window.logs)
    logs = window.logs
    heartbeat = GuiHeartbeat()
    # As the app does once started (app/application.py): what exists at startup is
    # never scanned again by the collector, so a full collection stays short.
    gc.collect()
    gc.freeze()
    with ReferenceHeartbeat() as machine:
        heartbeat.start()  # after the collection above, which is the test's, not the window's
        try:
            qtbot.waitUntil(lambda: logs.last_line().endswith("FLOOD-DONE"), timeout=40_000)
        finally:
            heartbeat.stop()
            gc.unfreeze()
    gaps = heartbeat.gaps()
    wall, own, cpu_wait = max(gaps)
    elapsed = heartbeat.elapsed
    megabytes = logs.received * (len(line) + 1) / 1e6
    print(
        f"flood: {megabytes:.1f} MB in {elapsed:.1f} s; worst gap {wall * 1000:.0f} ms "
        f"({own * 1000:.0f} ms of it the GUI thread's work, {cpu_wait * 1000:.0f} ms waiting "
        f"for a CPU); most work between beats {max(g[1] for g in gaps) * 1000:.0f} ms; "
        f"an idle process's worst gap meanwhile {machine.worst * 1000:.0f} ms"
    )
    # Under CPU pressure a whole 1 MB burst of the flood has gone missing in 1-2 of 20
    # (a reader outside the app, in quieter runs, saw every line; noted on issue 6).
    assert logs.received > 0.85 * 20_000_000 / (len(line) + 1)
    assert max(g[1] for g in gaps) < GOAL_GAP_S
    assert wall < max(GOAL_GAP_S, machine.worst) + FROZEN_S, [
        round(g[0] * 1000) for g in sorted(gaps)[-5:]
    ]
    assert logs.line_count <= 100_000

    # Shown again without timestamps: every kept line, none skipped, in a few seconds.
    kept = logs.line_count
    started = time.perf_counter()
    logs.timestamps.setChecked(False)
    qtbot.waitUntil(lambda: logs.last_line() == "FLOOD-DONE", timeout=20_000)
    print(f"{kept:,} lines shown again in {time.perf_counter() - started:.1f} s")
    assert logs.line_count == kept


def test_stats_processes_summary_and_actions(qtbot, podman, connections):
    manager, inspectors = connections
    podman.cli("network", "create", "--ipv6", "dual")
    podman.cli(
        "run", "-d", "--name", "busy", "--network", "dual", "-e", "DB_PASSWORD=hunter2",
        "-e", "MODE=dev", "-l", "tier=web", "-p", "18473:80", "--memory", "64m",
        TEST_IMAGE, "sleep", "600",
    )  # fmt: skip
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window = _open(qtbot, inspectors, "busy")
    assert window.state_label.text() == "Running"
    assert [a.text() for a in window.port_menu.actions()] == ["http://localhost:18473"]
    # A drop-down push button like the other actions (no squashed tool-button glyph).
    assert isinstance(window.port_button, QPushButton) and window.port_button.isEnabled()
    assert window.port_button.menu() is window.port_menu

    # Summary: both address families, a masked secret that shows when clicked.
    networks = window.summary.findChild(object, "summaryTable:Networks")
    addresses = [networks.item(r, 1).text() for r in range(networks.rowCount())]
    assert any("." in a for a in addresses) and any(":" in a for a in addresses)
    env = window.summary.env_table
    row = next(r for r in range(env.rowCount()) if env.item(r, 0).text() == "DB_PASSWORD")
    assert env.item(row, 1).text() == MASK
    env.cellClicked.emit(row, 1)
    assert env.item(row, 1).text() == "hunter2"
    mode = next(r for r in range(env.rowCount()) if env.item(r, 0).text() == "MODE")
    assert env.item(mode, 1).text() == "dev"

    # Inspect: tree search.
    window.tabs.setCurrentWidget(window.inspect)
    window.inspect.search.setText("GlobalIPv6Address")
    window.inspect.find_next()
    assert window.inspect.match_count >= 1
    assert window.inspect.tree.currentItem().text(0) == "GlobalIPv6Address"
    # The count names the match shown, in the tree and in the raw JSON alike.
    inspect = window.inspect
    count = inspect.match_count
    assert inspect.match_label.text() == f"1 of {count}"
    inspect.find_next()
    assert inspect.match_label.text() == f"{min(2, count)} of {count}"
    inspect.raw_button.click()
    in_raw = json.dumps(window.attrs, indent=2).lower().count("globalipv6address")
    assert inspect.match_label.text() == f"1 of {in_raw}"
    assert inspect.raw.textCursor().selectedText() == "GlobalIPv6Address"
    inspect.tree_button.click()
    inspect.find_next()
    current = inspect.tree.currentItem().parent().text(0)
    # Read again (a state change does that) with the search on: the same match stays current.
    inspect.set_data({**window.attrs, "RestartCount": 99})
    assert inspect.tree.currentItem().parent().text(0) == current
    assert inspect.match_label.text() == f"{min(2, count)} of {count}"

    # Stats stream while visible, with memory in use.
    with qtbot.waitSignal(
        window.stats.sampled, timeout=15_000, check_params_cb=lambda s: s.mem_used > 0
    ):
        window.tabs.setCurrentWidget(window.stats)
    assert window.stats.values["memory"].text().endswith("/ 67.1 MB")
    window.tabs.setCurrentWidget(window.processes)
    assert not window.stats.streaming  # hidden: stopped

    # Processes: the container's own process.
    with qtbot.waitSignal(window.processes.refreshed, timeout=10_000):
        pass
    assert any("sleep 600" in " ".join(row) for row in window.processes.rows())

    # Actions: stop, then the header follows; start again.
    with qtbot.waitSignal(
        window.loaded,
        timeout=15_000,
        check_params_cb=lambda attrs: attrs["State"]["Status"] == "exited",
    ):
        window.stop_button.click()
    assert window.status is ContainerStatus.EXITED
    # The "died" event can show the container exited before `stop` returns (Podman
    # answers after its cleanup): the buttons wait for the action's end.
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    assert not window.stop_button.isEnabled()
    processes = window.processes
    assert processes.pages.currentWidget() is processes.not_running
    assert "busy stopped" in processes.not_running.text.text()
    assert processes.rows() == [] and "processes" not in processes.status.text()
    with qtbot.waitSignal(
        window.loaded,
        timeout=15_000,
        check_params_cb=lambda attrs: attrs["State"]["Status"] == "running",
    ):
        window.start_button.click()
    with qtbot.waitSignal(processes.refreshed, timeout=10_000):
        pass  # at once, not at the next tick
    assert processes.pages.currentWidget() is processes.table
    # The logs follow the container again once it runs again.
    _echo_into_logs(podman, "busy", "after-the-restart")
    qtbot.waitUntil(lambda: "after-the-restart" in window.logs.plain_text(), timeout=10_000)


def test_a_stopped_container_says_it_is_not_running(qtbot, podman, connections):
    manager, inspectors = connections
    podman.cli("run", "--name", "job", TEST_IMAGE, "sh", "-c", "exit 3", check=False)
    session = _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window = _open(qtbot, inspectors, "job")
    stats = window.stats
    window.tabs.setCurrentWidget(stats)
    # No empty charts, no "live" and no reader: words that say why there is nothing.
    assert stats.pages.currentWidget() is stats.not_running
    assert not any(chart.isVisible() for chart in stats.charts)
    assert not stats.streaming
    said = stats.not_running.text.text()
    assert said.startswith("job stopped") and "exit code 3" in said, said
    assert "Live" not in stats.status.text()

    window.tabs.setCurrentWidget(window.processes)
    processes = window.processes
    assert processes.pages.currentWidget() is processes.not_running
    assert not processes.table.isVisible()
    assert "so it has no processes" in processes.not_running.text.text()
    # Podman 4.3 answers `top` on a stopped container with an empty body: the engine
    # reads that as "not running", so no one can show "0 processes".
    with pytest.raises(Conflict):
        top(session.client.endpoint, "job")


def test_stats_collect_keep_their_history_and_say_when_stopped(qtbot, podman, connections):
    manager, inspectors = connections
    podman.cli("run", "-d", "--name", "worker", TEST_IMAGE, "sleep", "600")
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window = _open(qtbot, inspectors, "worker")
    stats = window.stats
    with qtbot.waitSignal(stats.sampled, timeout=15_000):
        window.tabs.setCurrentWidget(stats)
    # One reading draws no line yet: the charts and the status line say they collect.
    assert len(stats.history.samples) == 1
    assert all(chart.collecting for chart in stats.charts)
    assert stats.status.text().startswith("Collecting")
    qtbot.waitUntil(lambda: len(stats.history.samples) >= 3, timeout=15_000)
    assert not stats.cpu_chart.collecting and stats.status.text().startswith("Live")

    # A tab switch pauses the reading; the history stays and is drawn again at once.
    first = stats.history.samples[0]
    kept = len(stats.history.samples)
    window.tabs.setCurrentWidget(window.summary)
    assert not stats.streaming
    window.tabs.setCurrentWidget(stats)
    assert stats.history.samples[0] is first
    assert len(stats.cpu_chart.series[0][2]) >= kept

    # Stopped while open: not read, and its last figures shown as such.
    with qtbot.waitSignal(
        window.loaded,
        timeout=15_000,
        check_params_cb=lambda attrs: attrs["State"]["Status"] == "exited",
    ):
        window.stop_button.click()
    assert not stats.streaming
    assert stats.pages.currentWidget() is stats.live
    assert stats.notice.isVisible()
    assert stats.notice.text().startswith("Not running since"), stats.notice.text()
    assert "last figures" in stats.notice.text()
    assert stats.values["memory"].text() != "—" and not stats.cards.isEnabled()
    assert stats.cpu_chart.end_label == "stopped" and not stats.cpu_chart.collecting

    # Started again: read again, after the same history.
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)  # the stop has ended
    with qtbot.waitSignal(
        window.loaded,
        timeout=15_000,
        check_params_cb=lambda attrs: attrs["State"]["Status"] == "running",
    ):
        window.start_button.click()
    assert not stats.notice.isVisible() and stats.cards.isEnabled()
    with qtbot.waitSignal(stats.sampled, timeout=15_000):
        pass
    assert stats.history.samples[0] is first


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen: raising is a no-op
def test_a_removed_container_is_handled(qtbot, qloop, podman, connections, tmp_path):
    manager, inspectors = connections
    script = "echo last-words; sleep 600"
    podman.cli("run", "-d", "--name", "doomed", TEST_IMAGE, "sh", "-c", script)
    _connect(qtbot, manager, Connection("local", podman.uri, source="podman"))
    window = _open(qtbot, inspectors, "doomed")
    assert inspectors.open(window.container_id[:12]) is window  # one window per container
    qtbot.waitUntil(lambda: "last-words" in window.logs.plain_text(), timeout=10_000)
    with qtbot.waitSignal(window.removed, timeout=10_000):
        podman.cli("rm", "-f", "-t", "0", "doomed")
    assert window.banner.isVisible() and "was removed" in window.banner.text()
    assert window.state_label.text() == "Removed"
    # Its last lines can still be saved.
    saved = tmp_path / "doomed.log"
    assert qloop.run_until_complete(window.logs.save_to(saved)) == 1
    assert saved.read_text().endswith("stdout last-words\n")
    buttons = (window.start_button, window.stop_button, window.restart_button, window.remove_button)
    assert not any(b.isEnabled() for b in buttons)

    # Removing from the window itself, after the confirmation.
    podman.cli("run", "-d", "--name", "doomed2", TEST_IMAGE, "sleep", "600")
    window = _open(qtbot, inspectors, "doomed2")
    task = spawn(window.remove())
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "confirmation") is not None)
    box = window.findChild(QMessageBox, "confirmation")
    # It runs: the one choice is what Podman will do, stop it first; nothing to tick.
    assert box.checkBox() is None
    assert sorted(b.text() for b in box.buttons()) == ["Cancel", "Stop and Remove"]
    with qtbot.waitSignal(window.removed, timeout=15_000):
        next(b for b in box.buttons() if b.text() == "Stop and Remove").click()
    qtbot.waitUntil(task.done)
    assert podman.cli("ps", "-aq", "--filter", "name=doomed2") == ""

    missing = _open(qtbot, inspectors, "no-such-container")
    assert missing.gone and "There is no container" in missing.banner.text()


def test_cli_inspect_of_a_missing_container_is_one_line_and_exit_1(podman):
    proc = subprocess.run(
        [sys.executable, "-m", "app", "inspect", "no-such-container", "--connection", podman.uri],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "no-such-container" in proc.stderr


def test_the_log_view_wraps_long_lines_into_rows_and_copies_whole_lines(qtbot):
    """The log view keeps lines as rows (no text document): wrapping maps a long line
    to several rows, trimming and copying work on whole lines."""
    from app.engine.streams.records import STDERR, STDOUT
    from app.ui.inspector.log_view import LogView

    view = LogView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    model = view.model()
    model.append([(STDOUT, "", f"short {i}") for i in range(3)])
    model.append([(STDERR, "12:00:00", "x" * 500)])  # unreadable as a time: shown as is
    assert model.rowCount() == 4
    view.set_wrapping(True)
    columns = view.columns()
    long_rows = -(-(len("12:00:00 ") + 500) // columns)
    assert model.rowCount() == 3 + long_rows
    assert model.locate(3 + long_rows - 1) == (3, long_rows - 1)
    assert model.trim(2) == 2  # the two oldest lines go, rows renumber from the base
    assert model.rowCount() == 1 + long_rows and model.locate(1) == (1, 0)
    view.selectRow(2)  # the second screen line of the long line
    assert view.selected_text() == "12:00:00 " + "x" * 500
    view.set_wrapping(False)
    assert model.rowCount() == 2
