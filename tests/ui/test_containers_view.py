"""The main window's container list against the real, isolated Podman service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.models.connection_state import ConnectionState
from app.models.resource_model import LINK_ROLE
from app.ui.confirmation import Answer
from tests.bed.podman import TEST_IMAGE
from tests.bed.sshd import free_port
from tests.ui.test_main_window import open_and_wait

WAIT = 10_000


def run(podman, name, *args):
    return podman.cli("run", "-d", "--name", name, *args, TEST_IMAGE, "sleep", "600")


def row_state(view, key) -> str:
    item = view.model.item(key)
    return item.state if item else ""


def visible_names(view) -> list[str]:
    proxy = view.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def answer_with(view, answer, seen=None):
    async def confirm(confirmation):
        if seen is not None:
            seen.append(confirmation)
        return answer

    view.confirm = confirm


def test_cli_containers_appear_and_a_cli_stop_changes_the_row(qtbot, podman, shell):
    manager, window = shell
    port = free_port()
    first = run(podman, "v-first", "-p", f"{port}:80")
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    assert window.stack.currentWidget() is view
    assert view.model.item(first).name == "v-first"
    state = view.model.index(view.model.row_of(first), view.model.column_index("state"))
    since = view.model.index(state.row(), view.model.column_index("status"))
    assert state.data() == "Running" and since.data() == "Just now"
    assert f"http://localhost:{port}" in view.model.index(
        state.row(), view.model.column_index("ports")
    ).data(LINK_ROLE)

    second = run(podman, "v-second")
    qtbot.waitUntil(lambda: view.model.item(second) is not None, timeout=WAIT)
    podman.cli("stop", "-t", "0", "v-first")
    qtbot.waitUntil(lambda: row_state(view, first) == "exited", timeout=WAIT)
    # The state says how it ended, "Since" when: not the same words twice.
    assert state.data() == "Exited (137)" and since.data() == "Just now"
    assert window.sidebar.count_text("containers") == "2"


def test_bulk_stop_from_the_window_stops_them_all(qtbot, podman, shell):
    manager, window = shell
    ids = [run(podman, f"bulk-{i}") for i in range(3)]
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    view.select_keys(ids)
    assert view.stop.isEnabled() and not view.start.isEnabled()
    view.stop.trigger()
    # The transition shows at once, before Podman answers.
    assert {view.model.status(k).label for k in ids} == {"Stopping…"}
    assert not view.stop.isEnabled()
    qtbot.waitUntil(lambda: all(row_state(view, k) == "exited" for k in ids), timeout=WAIT)
    qtbot.waitUntil(lambda: all(view.model.pending(k) is None for k in ids), timeout=WAIT)
    assert podman.cli("ps", "-q") == ""  # none running
    assert len(podman.cli("ps", "-aq").split()) == 3
    assert view.start.isEnabled() and set(view.selected_keys()) == set(ids)


def confirmation_box(qtbot, window) -> QMessageBox:
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "confirmation") is not None)
    return window.findChild(QMessageBox, "confirmation")


def test_a_running_container_is_offered_only_stop_and_remove_which_works(qtbot, podman, shell):
    manager, window = shell
    cid = run(podman, "keep-me")
    idle = podman.cli("create", "--name", "idle", TEST_IMAGE, "sleep", "600")
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    view.select_keys([cid, idle])
    view.remove.trigger()
    box = confirmation_box(qtbot, window)
    # No "force" to forget: the one destructive choice is what Podman will do.
    assert box.checkBox() is None
    labels = sorted(b.text() for b in box.buttons())
    assert labels == ["Cancel", "Stop and Remove"]
    assert "keep-me (running)" in box.informativeText() and "idle" in box.informativeText()
    assert "stops the running ones first" in box.informativeText()
    assert "force" in box.findChild(QPushButton, "destroyButton").toolTip()
    assert "writable" not in box.text() + box.informativeText()
    box.findChild(QPushButton, "destroyButton").click()
    qtbot.waitUntil(lambda: view.model.item(cid) is None and view.model.item(idle) is None)
    assert podman.cli("ps", "-aq") == ""
    assert not window.message_bar.isVisible()


def test_a_stopped_container_is_removed_without_force(qtbot, podman, shell):
    manager, window = shell
    idle = podman.cli("create", "--name", "idle", TEST_IMAGE, "sleep", "600")
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    seen = []
    answer_with(view, Answer(True), seen)
    view.select_keys([idle])
    view.remove.trigger()
    qtbot.waitUntil(lambda: view.model.item(idle) is None, timeout=WAIT)
    assert seen[0].items == ["idle"] and seen[0].action == "Remove" and not seen[0].action_tip


def test_a_refusal_for_another_reason_names_the_containers_not_their_ids(qtbot, podman, shell):
    manager, window = shell
    db = podman.cli("create", "--name", "db", TEST_IMAGE, "sleep", "600")
    app = podman.cli("create", "--name", "app", "--requires", "db", TEST_IMAGE, "sleep", "600")
    try:
        _refused_with_names(qtbot, manager, window, podman, db, app)
    finally:  # the bed's `rm -af` cannot remove a container another one requires
        podman.cli("rm", "app")
        podman.cli("rm", "db")


def _refused_with_names(qtbot, manager, window, podman, db, app):
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    answer_with(view, Answer(True))
    view.select_keys([db])
    view.remove.trigger()
    qtbot.waitUntil(window.message_bar.isVisible, timeout=WAIT)
    text = window.message_bar.text()
    # Podman's own words ("… has dependent containers …"), with the names it meant.
    assert text.startswith("Could not remove container “db”: container “db” has dependent")
    assert "“app”" in text
    assert db not in text and app not in text and db[:12] not in text
    qtbot.waitUntil(lambda: view.model.pending(db) is None, timeout=WAIT)
    assert view.model.item(db) is not None


def test_a_pods_helper_is_not_offered_for_removal_and_the_empty_view_says_why(qtbot, podman, shell):
    manager, window = shell
    podman.cli("pod", "create", "--name", "shop")
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    (helper,) = view.model.items()
    # Only the hidden helper exists: the hint points at the checkbox, not at a scope
    # that is already chosen.
    assert view.body.currentWidget() is view.empty
    assert view.scope.currentText() in ("", "All containers")
    assert "All containers" not in view.empty.text()
    assert (
        "Show pod helpers" in view.empty.text()
        and view.show_infra.text().replace("&", "") == "Show pod helpers"
    )
    assert "infra" in view.show_infra.toolTip()
    view.show_infra.setChecked(True)
    seen = []
    answer_with(view, Answer(True), seen)
    with qtbot.waitSignal(view.message_posted, timeout=WAIT) as told:
        view.select_keys([helper])
        view.remove.trigger()
    assert seen == [] and "goes only with its pod" in told.args[1]
    view.show_infra.setChecked(False)


def test_the_search_hint_offers_only_what_applies(qtbot, podman, shell):
    manager, window = shell
    run(podman, "solo")
    podman.cli("pod", "create", "--name", "shop")
    podman.cli("create", "--pod", "shop", "--name", "shop-web", TEST_IMAGE)
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 2, timeout=WAIT)
    window.search.setText("nothing-matches")
    assert "Clear the search box (Esc)." in view.empty.text()
    assert "All containers" not in view.empty.text()  # it is what is chosen
    view.set_scope("pod", "shop")
    assert "Clear the search box (Esc), or choose “All containers” above." in view.empty.text()
    window.search.clear()
    view.set_scope("", "")


def test_sort_and_filter(qtbot, podman, shell):
    manager, window = shell
    for name in ("bravo", "alpha", "charlie"):
        run(
            podman,
            name,
            "--label",
            "com.docker.compose.project=" + ("shop" if name != "alpha" else "blog"),
        )
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 3, timeout=WAIT)
    view.tree.sortByColumn(0, view.tree.header().sortIndicatorOrder().AscendingOrder)
    assert visible_names(view) == ["alpha", "bravo", "charlie"]
    view.tree.sortByColumn(0, view.tree.header().sortIndicatorOrder().DescendingOrder)
    assert visible_names(view) == ["charlie", "bravo", "alpha"]
    window.search.setText("ALP")
    assert visible_names(view) == ["alpha"]
    window.search.setText("no-such-thing")
    assert view.body.currentWidget() is view.empty and "no-such-thing" in view.empty.text()
    window.search.clear()
    view.set_scope("project", "shop")
    assert visible_names(view) == ["charlie", "bravo"]
    view.set_scope("", "")
    assert len(visible_names(view)) == 3


def test_selection_survives_an_update(qtbot, podman, shell):
    manager, window = shell
    ids = [run(podman, f"sel-{i}") for i in range(4)]
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    view.select_keys([ids[2]])
    view.tree.setCurrentIndex(view.tree.selectionModel().selectedRows()[0])
    podman.cli("stop", "-t", "0", "sel-0")
    podman.cli("rm", "-f", "-t", "0", "sel-1")
    run(podman, "sel-new")
    qtbot.waitUntil(
        lambda: view.model.rowCount() == 4 and view.model.item(ids[1]) is None, timeout=WAIT
    )
    qtbot.waitUntil(lambda: row_state(view, ids[0]) == "exited", timeout=WAIT)
    assert view.selected_keys() == [ids[2]]
    assert view.tree.currentIndex().data() == "sel-2"


def test_enter_and_double_click_ask_for_the_inspector(qtbot, podman, shell):
    manager, window = shell
    cid = run(podman, "inspect-me")
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    view.select_keys([cid])
    index = view.tree.selectionModel().selectedRows()[0]
    view.tree.setCurrentIndex(index)
    with qtbot.waitSignal(window.inspect_requested, timeout=WAIT) as asked:
        view.tree.doubleClicked.emit(index)
    assert asked.args == [cid]
    view.tree.setFocus()
    with qtbot.waitSignal(window.inspect_requested, timeout=WAIT) as asked:
        qtbot.keyClick(view.tree, "\r")
    assert asked.args == [cid]


def test_the_window_recovers_after_the_service_restarts(qtbot, fresh_podman, shell):
    manager, window = shell
    cid = run(fresh_podman, "survivor")
    session = open_and_wait(qtbot, manager, fresh_podman.uri)
    view = window.containers
    view.select_keys([cid])
    with qtbot.waitSignal(
        session.state_changed,
        timeout=15_000,
        check_params_cb=lambda s, _r: s is ConnectionState.LOST,
    ):
        fresh_podman.stop_service(kill=True)
    # The rows stay, greyed, and the window says why; actions wait for Podman.
    assert view.model.item(cid) is not None and view.model.stale
    assert "not answering" in window.message_bar.text()
    assert not view.stop.isEnabled()
    later = run(fresh_podman, "made-while-down")  # the CLI works on the store directly
    with qtbot.waitSignal(
        session.state_changed,
        timeout=20_000,
        check_params_cb=lambda s, _r: s is ConnectionState.CONNECTED,
    ):
        fresh_podman.start_service()
    qtbot.waitUntil(lambda: view.model.item(later) is not None, timeout=WAIT)
    assert not view.model.stale and not window.message_bar.isVisible()
    assert view.selected_keys() == [cid] and view.stop.isEnabled()
    fresh_podman.cli("stop", "-t", "0", "survivor")
    qtbot.waitUntil(lambda: row_state(view, cid) == "exited", timeout=WAIT)


def test_empty_state_says_how_to_run_a_container(qtbot, podman, shell):
    manager, window = shell
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    assert view.body.currentWidget() is view.empty
    assert "podman run -d -p 8080:80 docker.io/library/nginx" in view.empty.text()


def test_on_a_narrow_page_the_toggles_move_under_the_toolbar(qtbot, podman, shell):
    """With the transfers panel open the page narrows: the toolbar keeps every action in
    view and the pod toggles take a row of their own (they overflowed behind »)."""
    manager, window = shell
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    toggles = [view.group_by_pod, view.show_infra]
    window.resize(1400, 600)
    qtbot.waitUntil(lambda: view.below.count() == 0)
    assert all(view.top.indexOf(t) > 0 for t in toggles)
    # Room for the toolbar's actions, not for the toggles beside them as well.
    actions = view.toolbar.sizeHint().width()
    window.resize(window.width() - view.width() + actions + 40, 600)
    qtbot.waitUntil(lambda: view.below.count() > 0)
    assert all(view.below.indexOf(t) >= 0 and view.top.indexOf(t) < 0 for t in toggles)
    qtbot.waitUntil(lambda: view.toolbar.width() >= actions)  # no » overflow
    order = view.focus_order()
    assert (
        order.index(view.toolbar.widgetForAction(view.remove))
        < order.index(view.group_by_pod)
        < order.index(view.tree)
    )
    window.resize(1400, 600)
    qtbot.waitUntil(lambda: view.below.count() == 0)
    assert all(view.top.indexOf(t) > 0 for t in toggles)


def test_keyboard_delete_asks_first_and_f5_ctrl_f_are_wired(qtbot, podman, shell):
    manager, window = shell
    cid = run(podman, "by-keyboard")
    open_and_wait(qtbot, manager, podman.uri)
    view = window.containers
    seen = []
    answer_with(view, Answer(False), seen)  # the user cancels: nothing is removed
    view.select_keys([cid])
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    assert seen[0].items == ["by-keyboard (running)"]
    assert view.model.pending(cid) is None and view.model.item(cid) is not None
    assert window.reload_action.shortcut().toString() == "F5"
    assert window.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    window.find_action.trigger()
    window.search.setText("nothing-matches")
    assert view.proxy.rowCount() == 0
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == "" and view.proxy.rowCount() == 1
