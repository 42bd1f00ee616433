"""What keeps big lists cheap: diffs handed over in parts, and cached sort values that
never go stale (a sorted proxy re-sorts a changed row by its new value)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt

from app.controllers.session import _parts
from app.engine.dto import ContainerSummary
from app.engine.reconcile import Diff, Reconciler
from app.models.container_model import ContainerModel
from app.models.filter_proxy import ResourceFilterProxy

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)


def c(id_, name, state="running", **kw):
    kw.setdefault("started_at", NOW - timedelta(minutes=5))
    kw.setdefault("created", NOW - timedelta(hours=1))
    return ContainerSummary(id=id_, name=name, state=state, **kw)


def test_a_big_diff_is_cut_into_parts_that_add_up_to_it():
    added = {f"a{i}": i for i in range(250)}
    changed = {f"c{i}": i for i in range(120)}
    diff = Diff(added, ["gone"], changed, 7)
    parts = _parts(diff, 100)
    assert [len(p.added) + len(p.changed) for p in parts] == [100, 20, 100, 100, 50]
    assert parts[0].removed == ["gone"] and all(not p.removed for p in parts[1:])
    assert {k: v for p in parts for k, v in p.added.items()} == added
    assert {k: v for p in parts for k, v in p.changed.items()} == changed
    small = Diff({"x": 1}, [], {}, 0)
    assert _parts(small, 100) == [small]


def test_parts_applied_in_order_give_the_same_rows(qapp):
    whole, parted = ContainerModel(), ContainerModel()
    items = [c(f"id{i}", f"n{i:03d}") for i in range(230)]
    diff = Reconciler().apply("containers", items)
    whole.apply_diff(diff)
    for part in _parts(diff, 100):
        parted.apply_diff(part)
    assert [whole.key_at(r) for r in range(whole.rowCount())] == [
        parted.key_at(r) for r in range(parted.rowCount())
    ]


def _names(proxy):
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_sorted_rows_follow_changes_despite_the_sort_cache(qapp):
    model = ContainerModel()
    reconciler = Reconciler()
    first = [c("1", "bravo"), c("2", "alpha"), c("3", "charlie")]
    model.apply_diff(reconciler.apply("containers", first))
    proxy = ResourceFilterProxy(model)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert _names(proxy) == ["alpha", "bravo", "charlie"]
    model.apply_diff(reconciler.apply("containers", [replace(first[0], name="zulu"), *first[1:]]))
    assert _names(proxy) == ["alpha", "charlie", "zulu"]
    # Removed and re-added keys sort by their new value.
    model.apply_diff(reconciler.apply("containers", first[1:]))
    model.apply_diff(reconciler.apply("containers", [c("1", "aaa"), *first[1:]]))
    assert _names(proxy) == ["aaa", "alpha", "charlie"]
    # Another column: the state ("exited" < "running").
    proxy.sort(model.column_index("state"), Qt.SortOrder.AscendingOrder)
    now = [c("1", "aaa"), c("2", "alpha"), c("3", "charlie", state="exited")]
    model.apply_diff(reconciler.apply("containers", now))
    assert _names(proxy)[0] == "charlie"
    model.apply_diff(reconciler.apply("containers", [*now[:2], c("3", "charlie")]))
    model.apply_diff(
        reconciler.apply(
            "containers", [c("1", "aaa", state="exited"), *now[1:2], c("3", "charlie")]
        )
    )
    assert _names(proxy)[0] == "aaa"


def test_unserved_roles_answer_nothing(qapp):
    model = ContainerModel()
    model.apply_diff(Reconciler().apply("containers", [c("1", "web")]))
    index = model.index(0, 0)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert index.data(Qt.ItemDataRole.CheckStateRole) is None
    assert index.data() == "web"
