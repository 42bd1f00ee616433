"""Images, volumes, pods, networks, secrets and machines pages, against real Podman;
and what the window remembers between runs."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.ui import theme
from app.ui.confirmation import Answer
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray_settings_section import TraySettingsSection
from tests.bed.podman import TEST_IMAGE
from tests.ui.test_containers_view import answer_with, run
from tests.ui.test_main_window import open_and_wait

WAIT = 10_000


def test_prune_lists_the_dangling_images_and_removes_only_those(qtbot, podman, shell):
    manager, window = shell
    podman.cli("create", "--name", "base", TEST_IMAGE)
    podman.cli("commit", "-q", "base", "localhost/scratch:x")
    podman.cli("commit", "-q", "base", "localhost/scratch:x")  # the first is now dangling
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("images")
    view = window.views["images"]
    dangling = [i.id for i in view.model.dangling()]
    assert len(dangling) == 1 and view.prune.isEnabled()
    seen = []

    async def confirm(confirmation):
        seen.append(confirmation)
        # Another image turns dangling while the user reads: it must not be taken.
        podman.cli("commit", "-q", "base", "localhost/scratch:x")
        return Answer(True)

    view.confirm = confirm
    view.prune.trigger()
    qtbot.waitUntil(lambda: view.model.item(dangling[0]) is None, timeout=WAIT)
    assert seen[0].items[0].startswith(dangling[0][:12]) and len(seen[0].items) == 1
    left = podman.cli("images", "-q", "--filter", "dangling=true").split()
    assert len(left) == 1 and not dangling[0].startswith(left[0])


def test_image_removal_lists_every_tag_and_the_containers_that_go_with_it(qtbot, podman, shell):
    manager, window = shell
    podman.cli("create", "--name", "base", TEST_IMAGE)
    podman.cli("commit", "-q", "base", "localhost/app:1")
    podman.cli("rm", "base")
    podman.cli("tag", "localhost/app:1", "localhost/app:latest", "localhost/other:three")
    podman.cli("run", "-d", "--name", "user", "localhost/app:1", "sleep", "600")
    podman.cli("create", "--name", "idle-user", "localhost/other:three")
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("images")
    view = window.views["images"]
    names = ["localhost/app:1", "localhost/app:latest", "localhost/other:three"]
    # One row per name: choosing every name of the image removes the image.
    qtbot.waitUntil(
        lambda: all(view.model.item(n) and view.model.item(n).containers == 2 for n in names),
        timeout=WAIT,
    )
    seen = []
    answer_with(view, Answer(False), seen)
    view.select_keys(names)
    view.remove.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    asked = seen[0]
    assert sorted(asked.items) == [
        "localhost/app:1",
        "localhost/app:latest",
        "localhost/other:three",
    ]
    assert asked.sections == (("Containers removed with it", ("idle-user", "user (running)")),)
    assert asked.action == "Remove Image and 2 Containers" and "force" in asked.action_tip
    assert "removes the containers using it first" in asked.details
    assert len(podman.cli("ps", "-aq").split()) == 2  # cancelled: nothing went

    answer_with(view, Answer(True))
    view.remove.trigger()
    qtbot.waitUntil(lambda: all(view.model.item(n) is None for n in names), timeout=WAIT)
    assert podman.cli("ps", "-aq") == "" and not window.message_bar.isVisible()
    assert podman.cli("images", "-q", "--filter", "reference=localhost/app") == ""
    assert podman.cli("images", "-q", "--filter", "reference=localhost/other") == ""


def test_an_image_with_several_tags_and_no_users_goes_whole(qtbot, podman, shell):
    manager, window = shell
    podman.cli("create", "--name", "base", TEST_IMAGE)
    podman.cli("commit", "-q", "base", "localhost/scratch:a")
    podman.cli("rm", "base")
    podman.cli("tag", "localhost/scratch:a", "localhost/scratch:b")
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("images")
    view = window.views["images"]
    names = ["localhost/scratch:a", "localhost/scratch:b"]
    qtbot.waitUntil(lambda: all(view.model.item(n) for n in names), timeout=WAIT)
    seen = []
    answer_with(view, Answer(True), seen)
    view.select_keys(names)
    view.remove.trigger()
    qtbot.waitUntil(lambda: all(view.model.item(n) is None for n in names), timeout=WAIT)
    assert sorted(seen[0].items) == names
    assert seen[0].sections == () and "Every tag goes" in seen[0].details
    assert seen[0].action == "Remove" and not seen[0].action_tip  # no users: no force
    assert not window.message_bar.isVisible()
    left = podman.cli("images", "--format", "{{.Repository}}:{{.Tag}}").split()
    assert not set(names) & set(left)  # (other tests leave other scratch images)


def test_volume_removal_names_its_users_and_prune_takes_only_unused(qtbot, podman, shell):
    manager, window = shell
    podman.cli("volume", "create", "used")
    podman.cli("volume", "create", "spare")
    run(podman, "mounter", "-v", "used:/data")
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("volumes")
    view = window.views["volumes"]
    qtbot.waitUntil(lambda: view.model.users("used") == ("mounter",), timeout=WAIT)
    used_by = view.model.index(view.model.row_of("used"), view.model.column_index("used_by"))
    assert used_by.data() == "mounter"
    seen = []
    answer_with(view, Answer(False), seen)
    view.select_keys(["used"])
    view.remove_selected()
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    assert seen[0].sections == (("Containers removed with it", ("mounter (running)",)),)
    assert seen[0].action == "Remove Volume and 1 Container"
    answer_with(view, Answer(True), seen)
    view.prune.trigger()
    qtbot.waitUntil(lambda: view.model.item("spare") is None, timeout=WAIT)
    assert seen[-1].items == ["spare"]
    assert podman.cli("volume", "ls", "-q").split() == ["used"]


def test_secret_removal_names_the_containers_using_it(qtbot, podman, shell, tmp_path):
    manager, window = shell
    (tmp_path / "value").write_text("hunter2")
    podman.cli("secret", "create", "db_password", str(tmp_path / "value"))
    run(podman, "needs-secret", "--secret", "db_password")
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("secrets")
    view = window.views["secrets"]
    (key,) = list(view.model.items())
    seen = []
    answer_with(view, Answer(True), seen)
    view.select_keys([key])
    view.remove_selected()
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    assert seen[0].items == ["db_password"] and "needs-secret" in seen[0].details
    qtbot.waitUntil(
        lambda: view.model.item(key) is None or window.message_bar.isVisible(), timeout=WAIT
    )
    for row in range(view.model.rowCount()):  # the value is never shown
        for col in range(view.model.columnCount()):
            assert "hunter2" not in str(view.model.index(row, col).data())


def test_pods_stop_and_start_from_the_window(qtbot, podman, shell):
    manager, window = shell
    pod = podman.cli("pod", "create", "--name", "shop")
    podman.cli("run", "-d", "--pod", "shop", "--name", "shop-web", TEST_IMAGE, "sleep", "600")
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("pods")
    view = window.views["pods"]
    qtbot.waitUntil(lambda: view.model.status(pod).value == "running", timeout=WAIT)
    assert "shop-web" in view.model.index(0, view.model.column_index("containers")).data()
    view.select_keys([pod])
    view.stop.trigger()
    assert view.model.status(pod).label == "Stopping…"
    qtbot.waitUntil(lambda: view.model.status(pod).value in ("exited", "stopped"), timeout=WAIT)
    view.start.trigger()
    qtbot.waitUntil(lambda: view.model.status(pod).value == "running", timeout=WAIT)
    # "Show Containers" jumps to that pod's containers (the infra container hidden).
    view.containers.trigger()
    containers = window.containers
    assert window.current_view() is containers
    names = [containers.proxy.index(r, 0).data() for r in range(containers.proxy.rowCount())]
    assert names == ["shop-web"]
    assert window.sidebar.count_text("containers") == "1"


def test_networks_default_cannot_be_removed_others_can(qtbot, podman, shell):
    manager, window = shell
    podman.cli("network", "create", "--ipv6", "--subnet", "fd00:77::/64", "v6net")
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("networks")
    view = window.views["networks"]
    by_name = {n.name: k for k, n in view.model.items().items()}
    row = view.model.row_of(by_name["v6net"])
    assert "fd00:77::/64" in view.model.index(row, view.model.column_index("subnets")).data()
    view.select_keys([by_name["podman"]])
    assert not view.remove.isEnabled()
    answer_with(view, Answer(True))
    view.select_keys([by_name["v6net"]])
    view.remove.trigger()
    qtbot.waitUntil(lambda: view.model.item(by_name["v6net"]) is None, timeout=WAIT)


def test_network_removal_names_the_containers_and_pods_that_go_with_it(qtbot, podman, shell):
    manager, window = shell
    podman.cli("network", "create", "shared")
    podman.cli("pod", "create", "--name", "shop", "--network", "shared")
    podman.cli("create", "--pod", "shop", "--name", "shop-web", TEST_IMAGE)
    run(podman, "solo", "--network", "shared")
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("networks")
    view = window.views["networks"]
    key = next(k for k, n in view.model.items().items() if n.name == "shared")
    seen = []
    answer_with(view, Answer(True), seen)
    view.select_keys([key])
    view.remove.trigger()
    qtbot.waitUntil(lambda: view.model.item(key) is None, timeout=WAIT)
    assert seen[0].items == ["shared"]
    assert seen[0].sections == (
        ("Containers removed with it", ("shop-web", "solo (running)")),
        ("Pods removed whole", ("shop",)),
    )
    assert seen[0].action == "Remove Network, 2 Containers and 1 Pod"
    assert podman.cli("ps", "-aq") == "" and podman.cli("pod", "ps", "-q") == ""
    assert not window.message_bar.isVisible()


@pytest.mark.skipif(
    getattr(os, "geteuid", lambda: 1)() != 0,
    reason="Linux as root only (CI runs as root); a regular user has machines",
)
def test_machines_page_explains_the_root_refusal(qtbot, podman, shell):
    manager, window = shell
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("machines")
    view = window.views["machines"]
    qtbot.waitUntil(lambda: view.model.availability is not None, timeout=WAIT)
    assert view.body.currentWidget() is view.empty
    assert "as root" in view.empty.text() and "directly on this Linux host" in view.empty.text()
    assert window.sidebar.count_text("machines") == ""


def test_window_remembers_geometry_columns_sort_and_page(qtbot, qloop, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    first = MainWindow(settings, ResourceActions(lambda: None))
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 455)
    view = first.views["images"]
    view.tree.setColumnWidth(1, 321)  # the tag column, as the user drags it
    view.tree.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    first.show_page("images")
    first.save_layout()
    settings.sync()
    second = MainWindow(Settings(tmp_path / "s.ini"), ResourceActions(lambda: None))
    qtbot.addWidget(second)
    second.show()
    again = second.views["images"].tree
    assert again.columnWidth(1) == 321
    assert again.header().sortIndicatorSection() == 3
    assert again.header().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert second.current_view() is second.views["images"]
    assert second.size().width() == 700  # the offscreen screen is 800x600


def test_general_settings_choose_theme_and_close_to_tray(qtbot, qapp, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    settings.close_to_tray = False
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    tray = TraySettingsSection(dialog)
    dialog.add_section(tray)
    section = dialog.sections[0]
    section.theme.setCurrentIndex(section.theme.findData("dark"))
    assert not tray.close_to_tray.isChecked()  # loaded from the settings
    tray.close_to_tray.setChecked(True)  # on the Tray page, beside its other choices
    dialog.accept()
    assert settings.theme == "dark" and settings.close_to_tray is True
    try:
        theme.apply(settings.theme)
        assert theme.is_dark()
        theme.apply("light")
        assert not theme.is_dark()
    finally:
        theme.apply("system")
