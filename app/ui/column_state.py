"""A list's remembered columns, by column name: which are shown, their order, the widths
the user chose, the sort. Stored as JSON in the Settings' ``headers_*`` fields.

Names, not positions: a column added, dropped or moved by a later version of the app
keeps the user's choices for the others. A state that cannot be read (Qt's own binary
header state, written by earlier versions, or a damaged value) gives the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

VERSION = 1


@dataclass
class ColumnState:
    order: list[str] = field(default_factory=list)  # visual order, left to right
    visible: dict[str, bool] = field(default_factory=dict)  # the user's show/hide choices
    widths: dict[str, int] = field(default_factory=dict)  # only columns the user sized
    sort: tuple[str, bool] | None = None  # (column name, descending)

    def to_bytes(self) -> bytes:
        data: dict[str, Any] = {
            "v": VERSION,
            "order": self.order,
            "visible": self.visible,
            "widths": self.widths,
        }
        if self.sort is not None:
            data["sort"] = [self.sort[0], "descending" if self.sort[1] else "ascending"]
        return json.dumps(data, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> ColumnState | None:
        """The state in ``raw``, or None when it is not one (empty, Qt's binary format,
        damaged); every field is checked, so a hand-edited file cannot break the list."""
        try:
            data = json.loads(bytes(raw).decode())
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return None
        order = [n for n in data.get("order") or () if isinstance(n, str)]
        visible = {n: v for n, v in _dict(data.get("visible")).items() if isinstance(v, bool)}
        widths = {
            n: w
            for n, w in _dict(data.get("widths")).items()
            if isinstance(w, int) and not isinstance(w, bool) and w > 0
        }
        sort = data.get("sort")
        parsed_sort = None
        if (
            isinstance(sort, list)
            and len(sort) == 2
            and isinstance(sort[0], str)
            and sort[1] in ("ascending", "descending")
        ):
            parsed_sort = (sort[0], sort[1] == "descending")
        return cls(list(dict.fromkeys(order)), visible, widths, parsed_sort)


def arrange(saved: Sequence[str], names: Sequence[str]) -> list[str]:
    """The visual order for ``names`` (the model's columns): the saved order for those it
    knows, each new column placed right after the column that precedes it in ``names``."""
    known = set(names)
    order = [n for n in saved if n in known]
    for position, name in enumerate(names):
        if name in order:
            continue
        before = names[position - 1] if position else None
        order.insert(order.index(before) + 1 if before in order else 0, name)
    return order


def _dict(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}
