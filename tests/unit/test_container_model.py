"""The keyed list models: incremental updates, transitions, status text, sort and filter.

Records are built as Podman's list would give them (dto records); no service needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from app.engine.dto import ContainerSummary, ImageSummary, Labels, PortMapping
from app.engine.reconcile import Reconciler
from app.models.container_model import ContainerModel, port_urls, status_text
from app.models.container_status import ContainerStatus
from app.models.filter_proxy import ResourceFilterProxy
from app.models.image_model import ImageModel
from app.models.pod_status import PodStatus
from app.models.resource_model import KEY_ROLE, LINK_ROLE

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)


def c(id_, name, state="running", **kw):
    kw.setdefault("started_at", NOW - timedelta(minutes=5))
    kw.setdefault("created", NOW - timedelta(hours=1))
    return ContainerSummary(id=id_, name=name, state=state, **kw)


@pytest.fixture
def feed(qapp):
    model = ContainerModel()
    reconciler = Reconciler()

    def apply(*items):
        model.apply_diff(reconciler.apply("containers", items))
        return model

    return model, apply


def test_updates_are_inserts_removals_and_changes_never_resets(qtbot, feed):
    model, apply = feed
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    apply(*(c(f"id{i}", f"n{i}") for i in range(10)))
    assert model.rowCount() == 10
    with qtbot.waitSignal(model.rowsRemoved), qtbot.waitSignal(model.dataChanged):
        # remove rows 2, 3 and 7 (two runs), change n5, keep the rest
        keep = [c(f"id{i}", f"n{i}") for i in range(10) if i not in (2, 3, 7)]
        keep[3] = c("id5", "n5", state="exited", exit_code=1, exited_at=NOW)
        apply(*keep)
    assert resets == []
    assert [model.key_at(r) for r in range(model.rowCount())] == [
        "id0", "id1", "id4", "id5", "id6", "id8", "id9"
    ]  # fmt: skip
    for row in range(model.rowCount()):  # the id -> row index stays true
        assert model.row_of(model.key_at(row)) == row
    assert model.status("id5") is ContainerStatus.EXITED
    apply(*keep, c("new", "fresh"))
    assert model.row_of("new") == 7 and resets == []


def test_selection_survives_updates(qtbot, feed):
    model, apply = feed
    apply(*(c(f"id{i}", f"n{i}") for i in range(5)))
    proxy = ResourceFilterProxy(model)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    selection = QItemSelectionModel(proxy)
    target = proxy.mapFromSource(model.index(model.row_of("id3"), 0))
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(target, flags)
    apply(*(c(f"id{i}", f"n{i}", state="exited") for i in (0, 2, 3, 4)), c("a", "a-first"))
    selected = [i.data(KEY_ROLE) for i in selection.selectedRows()]
    assert selected == ["id3"]


def test_transition_shows_at_once_and_rolls_back(feed):
    model, apply = feed
    apply(c("x", "web"))
    state_col = model.column_index("state")
    model.set_pending(["x"], ContainerStatus.STOPPING)
    assert model.index(0, state_col).data() == "Stopping…"
    assert not model.status("x").can_stop() and model.status("x").is_transition()
    model.clear_pending(["x"])  # Podman refused: back to what it really is
    assert model.index(0, state_col).data() == "Running"
    assert model.status("x").can_stop()


def test_status_enums_decide_what_is_enabled():
    running, exited, paused = (
        ContainerStatus.from_state(s) for s in ("running", "exited", "paused")
    )
    assert running.can_stop() and running.can_pause() and not running.can_start()
    assert exited.can_start() and not exited.can_stop() and exited.can_remove()
    assert paused.can_unpause() and paused.needs_force_to_remove()
    assert ContainerStatus.from_state("configured") is ContainerStatus.CREATED
    assert not ContainerStatus.REMOVING.can_remove()
    # A container Podman leaves "stopping" for good can still be force-removed.
    stuck = ContainerStatus.from_state("stopping")
    assert stuck.can_remove() and stuck.needs_force_to_remove() and not stuck.can_start()
    assert PodStatus.from_status("Degraded").can_start() and PodStatus.DEGRADED.can_stop()


def test_status_text_is_built_from_state_and_times():
    assert status_text(c("a", "a"), NOW) == "Up 5 minutes"
    healthy = c("a", "a", health="healthy", started_at=NOW - timedelta(seconds=20))
    assert status_text(healthy, NOW) == "Up less than a minute (healthy)"
    gone = c("b", "b", state="exited", exit_code=137, exited_at=NOW - timedelta(hours=3))
    assert status_text(gone, NOW) == "Exited (137) 3 hours ago"
    assert status_text(c("d", "d", state="created", started_at=None), NOW) == "Created"
    assert status_text(c("e", "e", state="paused"), NOW) == "Up 5 minutes (Paused)"


def test_status_column_advances_with_one_signal_per_tick(qtbot, feed):
    model, apply = feed
    apply(*(c(f"id{i}", f"n{i}") for i in range(50)))
    assert model._tick.isActive() and model._tick.interval() >= 30_000
    seen = []
    model.dataChanged.connect(lambda a, b, _r=(): seen.append((a.row(), b.row())))
    model._on_tick()
    assert seen == [(0, 49)]


def test_ports_are_links_to_localhost(feed):
    model, apply = feed
    port = PortMapping("", 8080, 80, "tcp")
    apply(c("p", "web", ports=(port, PortMapping("", 5353, 53, "udp"))))
    index = model.index(0, model.column_index("ports"))
    assert index.data() == "8080→80, 5353→53/udp"
    assert index.data(LINK_ROLE) == ["http://localhost:8080"]
    assert port_urls(model.item("p"), "devbox.example") == ["http://devbox.example:8080"]


def test_filter_text_and_predicate_and_sort(feed):
    model, apply = feed
    labels = Labels({"com.docker.compose.project": "shop"})
    apply(
        c("1", "web", image="nginx"),
        c("2", "api", labels=labels),
        c("3", "db", labels=labels, created=NOW - timedelta(days=3)),
        c("4", "infra", is_infra=True),
    )
    proxy = ResourceFilterProxy(model)
    proxy.set_predicate(lambda item: not item.is_infra)
    assert proxy.rowCount() == 3
    proxy.set_text("NGINX")
    assert proxy.rowCount() == 1
    proxy.set_text("")
    proxy.set_predicate(lambda item: item.compose_project == "shop")
    proxy.sort(model.column_index("created"), Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["db", "api"]
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["db", "api"]


def test_stale_rows_are_greyed_and_keep_their_data(feed):
    model, apply = feed
    apply(c("a", "web"))
    normal = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    model.set_stale(True)
    grey = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert grey is not None and grey != normal
    assert model.index(0, 0).data() == "web"


def test_dangling_images_are_shown_as_such(qapp):
    model = ImageModel()
    model.set_items(
        {
            "a": ImageSummary(
                id="a" * 64, repo_tags=("localhost/x:1",), repository="localhost/x", tag="1"
            ),
            "b": ImageSummary(id="b" * 64, dangling=True),
        }
    )
    assert model.index(model.row_of("b"), 0).data() == "<none> (dangling)"
    assert [i.id for i in model.dangling()] == ["b" * 64]
