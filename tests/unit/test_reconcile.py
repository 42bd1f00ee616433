"""The keyed list-and-diff and the Reconciler that remembers each kind's listing."""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.engine.reconcile import Reconciler, diff


@dataclass(frozen=True)
class Item:
    id: str
    state: str = "running"


def test_diff_sorts_keys_into_added_removed_changed():
    old = {"a": 1, "b": 2, "c": 3}
    new = {"b": 2, "c": 30, "d": 4}
    result = diff(old, new)
    assert result.added == {"d": 4}
    assert result.removed == ["a"]
    assert result.changed == {"c": 30}
    assert result.unchanged_count == 1
    assert not result.is_empty


def test_diff_of_equal_listings_is_empty():
    result = diff({"a": Item("a")}, {"a": Item("a")})
    assert result.is_empty
    assert result.unchanged_count == 1


def test_diff_from_and_to_nothing():
    assert diff({}, {"a": 1}).added == {"a": 1}
    assert diff({"a": 1}, {}).removed == ["a"]
    assert diff({}, {}).is_empty


def test_diff_treats_none_as_a_value():
    result = diff({"a": None}, {"a": None, "b": None})
    assert result.added == {"b": None}
    assert result.changed == {}


def test_reconciler_diffs_against_the_last_listing_per_kind():
    rec = Reconciler()
    first = rec.apply("container", [Item("a"), Item("b")])
    assert set(first.added) == {"a", "b"}
    second = rec.apply("container", [Item("a", "exited"), Item("c")])
    assert second.changed == {"a": Item("a", "exited")}
    assert second.removed == ["b"]
    assert set(second.added) == {"c"}
    assert rec.apply("image", [Item("a")]).added == {"a": Item("a")}  # kinds are separate
    assert set(rec.known("container")) == {"a", "c"}


def test_reconciler_with_a_key_function():
    rec = Reconciler()
    rec.apply("volume", [{"Name": "v1"}], key=lambda v: v["Name"])
    result = rec.apply("volume", [{"Name": "v2"}], key=lambda v: v["Name"])
    assert result.removed == ["v1"]
    assert result.added == {"v2": {"Name": "v2"}}


def test_events_applied_between_listings_leave_only_what_they_missed():
    rec = Reconciler()
    rec.apply("container", [Item("a")])
    rec.upsert("container", "b", Item("b"))  # a "create" event
    rec.discard("container", "a")  # a "remove" event
    assert rec.apply("container", [Item("b")]).is_empty


def test_forget_starts_a_kind_or_everything_afresh():
    rec = Reconciler()
    rec.apply("container", [Item("a")])
    rec.apply("image", [Item("i")])
    rec.forget("container")
    assert rec.apply("container", [Item("a")]).added == {"a": Item("a")}
    rec.forget()
    assert rec.known("image") == {}


def test_known_is_read_only():
    rec = Reconciler()
    rec.apply("container", [Item("a")])
    view = rec.known("container")
    try:
        view["b"] = Item("b")  # type: ignore[index]
    except TypeError:
        pass
    else:
        raise AssertionError("known() must not be writable")


def test_five_thousand_items_diff_correctly_and_fast():
    old = {f"id{i}": Item(f"id{i}") for i in range(5000)}
    new = {k: v for k, v in old.items() if not k.endswith("7")}  # 500 removed
    for i in range(0, 5000, 10):
        new[f"id{i}"] = Item(f"id{i}", "exited")  # 500 changed
    for i in range(5000, 5100):
        new[f"id{i}"] = Item(f"id{i}")  # 100 added
    best = min(_timed(lambda: diff(old, new)) for _ in range(3))
    result = diff(old, new)
    assert len(result.removed) == 500
    assert len(result.changed) == 500
    assert len(result.added) == 100
    assert result.unchanged_count == 5000 - 500 - 500
    assert best < 0.2  # measured ~2 ms; the bound only catches an accidental O(n^2)


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# -- one object fetched alone (an event named it) --------------------------------------


def test_apply_some_updates_only_the_named_objects() -> None:
    from collections import namedtuple

    from app.engine.reconcile import Reconciler

    Row = namedtuple("Row", "id state")
    rec = Reconciler()
    rec.apply("containers", [Row("a", "running"), Row("b", "running"), Row("c", "exited")])
    named = {"a", "c"}
    # "a" stopped; "c" was removed, so the filtered fetch no longer returns it.
    result = rec.apply_some("containers", [Row("a", "exited")], lambda r: r.id in named)
    assert result.changed == {"a": Row("a", "exited")}
    assert result.removed == ["c"] and not result.added
    assert dict(rec.known("containers")) == {"a": Row("a", "exited"), "b": Row("b", "running")}


def test_apply_some_moves_a_name_to_another_image_as_a_change() -> None:
    from collections import namedtuple

    from app.engine.reconcile import Reconciler

    Row = namedtuple("Row", "id name")
    rec = Reconciler()
    rec.apply("images", [Row("old", "app:1"), Row("old", "app:2")], key=lambda r: r.name)
    # "app:1" is tagged onto image "new": the event names "new" only.
    result = rec.apply_some(
        "images", [Row("new", "app:1")], lambda r: r.id == "new", key=lambda r: r.name
    )
    assert result.changed == {"app:1": Row("new", "app:1")}
    assert not result.added and not result.removed
    assert rec.known("images")["app:2"] == Row("old", "app:2")
