"""The lists' columns against real Podman: nothing cut off at the default window size,
hidden columns shown from the header's menu and remembered, old saved states harmless,
who uses each network, the secrets' columns."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QStyle, QTreeView

from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.ui.main_window import MainWindow
from tests.bed.podman import TEST_IMAGE
from tests.ui.test_containers_view import run
from tests.ui.test_main_window import open_and_wait

WAIT = 10_000
EXTRA_NAMES = ("localhost/shop/web:1.4.2", "localhost/shop/web:latest", "quay.io/team/web:2")


def cut_columns(view) -> list[tuple[str, int, int]]:
    """(column, width, needed) for each shown column narrower than it should be: as wide
    as its title and its widest cell (text, the style's margins, a dot), up to its cap;
    the name column as its widest cell, uncapped."""
    tree, header, proxy = view.tree, view.tree.header(), view.proxy
    fm = tree.fontMetrics()
    margin = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1
    cut = []
    for logical, column in enumerate(view.model.columns):
        if header.isSectionHidden(logical):
            continue
        widest = 0
        for row in range(proxy.rowCount()):
            index = proxy.index(row, logical)
            dot = 16 + 2 * margin if index.data(Qt.ItemDataRole.DecorationRole) else 0
            widest = max(widest, fm.horizontalAdvance(index.data() or "") + 2 * margin + dot)
        if column.stretch:
            needed = widest
        else:
            needed = max(header.sectionSizeHint(logical), min(widest, column.max_width))
        if header.sectionSize(logical) < needed:
            cut.append((column.name, header.sectionSize(logical), needed))
    return cut


def wait_fitted(qtbot, view) -> None:
    try:
        qtbot.waitUntil(lambda: view.proxy.rowCount() and not cut_columns(view), timeout=WAIT)
    except Exception:  # noqa: BLE001 - the assertion below says what is cut
        pass
    assert view.proxy.rowCount() > 0
    assert cut_columns(view) == []
    assert view.tree.horizontalScrollBar().maximum() == 0, "a column sits off screen"


def test_no_column_is_cut_off_at_the_default_size(qtbot, podman, shell, tmp_path):
    manager, window = shell
    podman.cli("network", "create", "backend")
    podman.cli("volume", "create", "pgdata")
    (tmp_path / "value").write_text("s3cret")
    podman.cli("secret", "create", "db_password", str(tmp_path / "value"))
    podman.cli("tag", TEST_IMAGE, *EXTRA_NAMES)
    try:
        run(podman, "web-frontend", "-p", "18080:80", "-p", "18443:443", "--network", "backend")
        run(podman, "postgres-db", "-v", "pgdata:/data", "--network", "backend")
        podman.cli("run", "--name", "one-shot-job", TEST_IMAGE, "sh", "-c", "exit 3", check=False)
        podman.cli("create", "--name", "never-started", TEST_IMAGE)
        podman.cli("pod", "create", "--name", "shop", "-p", "19090:80")
        podman.cli("run", "-d", "--pod", "shop", "--name", "shop-web", TEST_IMAGE, "sleep", "600")
        open_and_wait(qtbot, manager, podman.uri)
        window.resize(1000, 620)  # the app's default size
        for kind in ("containers", "images", "volumes", "pods", "networks", "secrets"):
            window.show_page(kind)
            view = window.views[kind]
            qtbot.waitUntil(lambda v=view: v.model.loaded, timeout=WAIT)
            wait_fitted(qtbot, view)
        # A wider window widens the name column, and only it.
        window.show_page("containers")
        header = window.containers.tree.header()
        widths = [header.sectionSize(i) for i in range(header.count())]
        window.resize(1280, 800)
        qtbot.waitUntil(lambda: header.sectionSize(0) >= widths[0] + 250, timeout=WAIT)
        assert [header.sectionSize(i) for i in range(1, header.count())] == widths[1:]
        wait_fitted(qtbot, window.containers)
        window.resize(1000, 620)
        qtbot.waitUntil(lambda: header.sectionSize(0) == widths[0], timeout=WAIT)
        # Low-value columns wait in the header's menu; State and Since say different things.
        containers = window.containers.column_header
        assert not containers.is_visible("id") and not containers.is_visible("created")
        model = window.containers.model
        row = model.row_of(next(k for k, c in model.items().items() if c.name == "one-shot-job"))
        state = model.index(row, model.column_index("state")).data()
        since = model.index(row, model.column_index("status")).data()
        assert state == "Exited (3)" and since == "Just now"
        # Every column shown at once: more than fits, and the names stay whole all the
        # same (a scroll bar, not a name column of "…").
        window.show_page("containers")
        for name in ("project", "pod", "created", "id"):
            containers.set_visible(name, True)
        assert cut_columns(window.containers) == []
        scroll = window.containers.tree.horizontalScrollBar()
        qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=WAIT)
    finally:
        for name in EXTRA_NAMES:  # one by one: untag stops at a name already gone
            podman.cli("untag", TEST_IMAGE, name, check=False)


def _menu_actions(view) -> dict:
    return {a.objectName(): a for a in view.column_header.column_menu().actions()}


def test_columns_shown_from_the_header_menu_stay_after_a_restart(qtbot, qloop, tmp_path):
    first = MainWindow(Settings(tmp_path / "s.ini"), ResourceActions(lambda: None))
    qtbot.addWidget(first)
    first.show()
    view = first.views["containers"]
    header = view.tree.header()
    columns = view.column_header
    assert not columns.is_visible("id")
    actions = _menu_actions(view)
    assert not actions["column-name"].isEnabled()  # the name column is always shown
    assert not actions["column-id"].isChecked() and actions["column-ports"].isChecked()
    actions["column-id"].trigger()
    actions["column-ports"].trigger()
    id_index = view.model.column_index("id")
    assert columns.is_visible("id") and header.sectionSize(id_index) >= header.sectionSizeHint(
        id_index
    )
    assert not columns.is_visible("ports")
    # Nothing else saved: the menu's choices are written at once.
    second = MainWindow(Settings(tmp_path / "s.ini"), ResourceActions(lambda: None))
    qtbot.addWidget(second)
    again = second.views["containers"].column_header
    assert again.is_visible("id") and not again.is_visible("ports")
    # Order and a width the user gave survive too (saved with the window's layout).
    header = second.views["containers"].tree.header()
    header.moveSection(header.visualIndex(id_index), 1)
    image_index = view.model.column_index("image")
    header.resizeSection(image_index, 333)
    second.save_layout()
    third = MainWindow(Settings(tmp_path / "s.ini"), ResourceActions(lambda: None))
    qtbot.addWidget(third)
    header = third.views["containers"].tree.header()
    assert header.logicalIndex(1) == id_index and header.sectionSize(image_index) == 333
    # Reset puts the usual columns back.
    _menu_actions(third.views["containers"])["reset-columns"].trigger()
    reset = third.views["containers"].column_header
    assert not reset.is_visible("id") and reset.is_visible("ports")
    assert header.logicalIndex(1) == view.model.column_index("state")
    assert header.sectionSize(image_index) != 333 and not reset.user_sized()


def test_an_old_saved_state_leaves_no_column_hidden_or_squashed(qtbot, qloop, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    # Qt's own binary header state, as earlier versions saved it, from another column
    # set: two of five columns hidden, one at the smallest width Qt allows.
    old = QTreeView()
    old.setModel(QStandardItemModel(0, 5))
    old.header().setMinimumSectionSize(1)
    old.header().hideSection(0)
    old.header().hideSection(2)
    old.header().resizeSection(1, 1)
    settings.headers_secrets = old.header().saveState()
    # A state by name from an earlier column set ("updated" is gone), damaged widths,
    # and the name column hidden by hand in the file.
    settings.headers_networks = QByteArray(
        b'{"v":1,"order":["updated","id","name"],"visible":{"name":false,"updated":true},'
        b'"widths":{"updated":200,"driver":0,"subnets":3},"sort":["updated","descending"]}'
    )
    settings.sync()
    window = MainWindow(Settings(tmp_path / "s.ini"), ResourceActions(lambda: None))
    qtbot.addWidget(window)
    window.show()
    for kind in ("secrets", "networks"):
        view = window.views[kind]
        header = view.tree.header()
        shown = [c.name for i, c in enumerate(view.model.columns) if not header.isSectionHidden(i)]
        assert shown[0] == "name"
        qtbot.waitUntil(lambda h=header: h.sectionSize(0) > 0, timeout=WAIT)
        for logical, column in enumerate(view.model.columns):
            if column.name in shown:
                assert header.sectionSize(logical) >= header.sectionSizeHint(logical), column
    secrets = window.views["secrets"]
    assert [c.name for c in secrets.model.columns if secrets.column_header.is_visible(c.name)] == [
        "name",
        "driver",
        "created",
    ]
    networks = window.views["networks"].tree.header()
    assert networks.sortIndicatorSection() == 0  # "updated" is no column any more


def test_networks_used_by_names_the_attached_containers(qtbot, podman, shell):
    manager, window = shell
    podman.cli("network", "create", "backend")
    run(podman, "web", "--network", "backend")
    podman.cli("create", "--name", "idle", "--network", "backend", TEST_IMAGE)  # stopped
    podman.cli("pod", "create", "--name", "shop", "--network", "backend")
    podman.cli("create", "--pod", "shop", "--name", "shop-web", TEST_IMAGE)
    run(podman, "elsewhere")  # on Podman's default network only
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("networks")
    view = window.views["networks"]
    by_name = {n.name: k for k, n in view.model.items().items()}
    backend = by_name["backend"]
    # A pod's containers share its infra container's network: the pod is named once.
    qtbot.waitUntil(lambda: view.model.users(backend) == ("idle", "pod shop", "web"), timeout=WAIT)
    row, column = view.model.row_of(backend), view.model.column_index("used_by")
    assert view.model.index(row, column).data() == "idle, pod shop, web"
    assert view.model.users(by_name["podman"]) == ("elsewhere",)
    podman.cli("rm", "-f", "-t", "0", "web")
    qtbot.waitUntil(lambda: view.model.users(backend) == ("idle", "pod shop"), timeout=WAIT)
    assert view.model.index(row, column).data() == "idle, pod shop"


def test_secrets_show_name_driver_and_created_only(qtbot, podman, shell, tmp_path):
    manager, window = shell
    (tmp_path / "value").write_text("hunter2")
    podman.cli("secret", "create", "api_token", str(tmp_path / "value"))
    open_and_wait(qtbot, manager, podman.uri)
    window.show_page("secrets")
    view = window.views["secrets"]
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    header = view.tree.header()
    titles = [
        view.model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(view.model.columnCount())
        if not header.isSectionHidden(i)
    ]
    assert titles == ["Name", "Driver", "Created"]  # no "Updated" repeating "Created"
    assert "updated" not in [c.name for c in view.model.columns]
    cells = [view.model.index(0, i).data() for i in range(3)]
    assert cells == ["api_token", "file", "Just now"]
    _menu_actions(view)["column-id"].trigger()
    secret_id = podman.cli("secret", "inspect", "--format", "{{.ID}}", "api_token")
    assert view.model.index(0, view.model.column_index("id")).data() == secret_id[:12]
    assert view.column_header.is_visible("id")


def test_the_view_menu_offers_the_current_pages_columns_by_keyboard(qtbot, qloop, tmp_path):
    window = MainWindow(Settings(tmp_path / "s.ini"), ResourceActions(lambda: None))
    qtbot.addWidget(window)
    window.show()
    window.go_to_page("containers")
    menu = window.columns_menu
    assert menu.title().replace("&", "") == "Columns" and "&" in menu.title()
    menu.aboutToShow.emit()  # what opening it (Alt+V, then L) does
    shown = {a.objectName(): a for a in menu.actions()}
    assert "column-id" in shown and "column-status" in shown
    shown["column-id"].trigger()
    assert window.views["containers"].column_header.is_visible("id")
    # Another page: its own columns, rebuilt as the menu opens.
    window.go_to_page("images")
    menu.aboutToShow.emit()
    shown = {a.objectName() for a in menu.actions()}
    assert "column-tag" in shown and "column-status" not in shown
