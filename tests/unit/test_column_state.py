"""A list's remembered columns, by name: read back whole, and never trusted blindly."""

from __future__ import annotations

from app.ui.column_state import ColumnState, arrange


def test_a_state_is_read_back_whole():
    state = ColumnState(
        order=["name", "id", "state"],
        visible={"name": True, "id": True, "state": False},
        widths={"id": 140},
        sort=("created", True),
    )
    assert ColumnState.from_bytes(state.to_bytes()) == state


def test_what_is_not_a_state_gives_none():
    # Qt's binary header state, as versions before this one saved it.
    assert ColumnState.from_bytes(b"\x00\x00\x00\xff\x00\x00\x00\x00\x00\x00") is None
    assert ColumnState.from_bytes(b"") is None
    assert ColumnState.from_bytes(b"[1, 2]") is None
    assert ColumnState.from_bytes(b'{"v": 99, "order": ["name"]}') is None


def test_damaged_fields_are_dropped_one_by_one():
    raw = (
        b'{"v": 1, "order": ["a", 3, "a", "b"], "visible": {"a": "yes", "b": false},'
        b' "widths": {"a": 0, "b": -5, "c": true, "d": 90}, "sort": ["a", "sideways"]}'
    )
    state = ColumnState.from_bytes(raw)
    assert state == ColumnState(order=["a", "b"], visible={"b": False}, widths={"d": 90})


def test_new_columns_take_their_place_and_gone_ones_are_forgotten():
    names = ["name", "state", "since", "image", "id"]
    # "since" is new; "updated" is gone; the user had moved "id" to the front.
    assert arrange(["id", "name", "updated", "state", "image"], names) == [
        "id",
        "name",
        "state",
        "since",
        "image",
    ]
    assert arrange([], names) == names
    assert arrange(["image"], names) == ["name", "state", "since", "image", "id"]
