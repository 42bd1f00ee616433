"""List-and-diff: turn a fresh list of containers, images, … into what changed.

Events are only hints (docs/podman-notes.md), so the session re-lists on connect, on every
reconnect and on a slow timer, and the models apply the diff as inserts, removals and
dataChanged, never a reset. Pure and without threads: call it from any one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING: Any = object()


@dataclass(frozen=True)
class Diff(Generic[K, V]):
    """What a new listing changed: ``added`` and ``changed`` carry the new values,
    ``removed`` the keys that are gone (in the old listing's order)."""

    added: dict[K, V]
    removed: list[K]
    changed: dict[K, V]
    unchanged_count: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: Mapping[K, V], new: Mapping[K, V]) -> Diff[K, V]:
    """Compare two keyed listings; a value counts as changed when ``!=`` its old one."""
    added: dict[K, V] = {}
    changed: dict[K, V] = {}
    for key, value in new.items():
        previous = old.get(key, _MISSING)
        if previous is _MISSING:
            added[key] = value
        elif previous != value:
            changed[key] = value
    removed = [key for key in old if key not in new]
    return Diff(added, removed, changed, len(new) - len(added) - len(changed))


def _by_id(item: Any) -> Hashable:
    return item.id


class Reconciler:
    """The last known listing of each resource kind ("container", "image", …).

    ``apply`` replaces a kind's listing with a fresh one and says what changed;
    ``upsert`` and ``discard`` keep it current between listings, as events are
    applied, so the next diff reports only what the events missed.
    """

    def __init__(self) -> None:
        self._known: dict[str, dict[Hashable, Any]] = {}

    def apply(
        self,
        kind: str,
        new_items: Iterable[V],
        key: Callable[[V], Hashable] = _by_id,
    ) -> Diff[Hashable, V]:
        """Take ``new_items`` as the whole listing of ``kind``; a repeated key keeps the
        last item."""
        new = {key(item): item for item in new_items}
        result = diff(self._known.get(kind, {}), new)
        self._known[kind] = new
        return result

    def apply_some(
        self,
        kind: str,
        new_items: Iterable[V],
        affected: Callable[[Any], bool],
        key: Callable[[V], Hashable] = _by_id,
    ) -> Diff[Hashable, V]:
        """Take ``new_items`` as the whole truth about the known items ``affected``
        selects (the objects an event named, fetched alone): those not among the new
        items are gone, the rest of the listing stays as it is."""
        old = self._known.setdefault(kind, {})
        before = {k: v for k, v in old.items() if affected(v)}
        after = {key(item): item for item in new_items}
        result = diff(before, after)
        # A fetched item may take the key of a row the filter did not select (an image
        # name moved here from another image): that row changes; it is not added twice.
        added = {k: v for k, v in result.added.items() if k not in old}
        changed = dict(result.changed)
        changed.update((k, v) for k, v in result.added.items() if k in old and old[k] != v)
        for gone in result.removed:
            old.pop(gone, None)
        old.update(after)
        return Diff(added, result.removed, changed, len(old) - len(added) - len(changed))

    def known(self, kind: str) -> Mapping[Hashable, Any]:
        """A read-only view of the last known listing of ``kind``."""
        return MappingProxyType(self._known.setdefault(kind, {}))

    def upsert(self, kind: str, key: Hashable, item: Any) -> None:
        self._known.setdefault(kind, {})[key] = item

    def discard(self, kind: str, key: Hashable) -> None:
        self._known.get(kind, {}).pop(key, None)

    def forget(self, kind: str | None = None) -> None:
        """Drop one kind's listing, or all (a new connection starts from nothing)."""
        if kind is None:
            self._known.clear()
        else:
            self._known.pop(kind, None)
