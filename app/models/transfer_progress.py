"""A pull's (or push's) many per-layer reports folded into one fraction and one line of
text, for a single progress bar: the dialog and the transfers panel both show this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.models.humanize import size as human_size

# Statuses after which a layer's bytes are all there.
_COMPLETE = ("download complete", "pull complete", "already exists", "pushed", "layer already")


@dataclass
class _Layer:
    status: str = ""
    current: int = 0
    total: int | None = None
    complete: bool = False


@dataclass
class TransferProgress:
    """Feed it every PullProgress with :meth:`add`; read :attr:`fraction` and :attr:`text`."""

    layers: dict[str, _Layer] = field(default_factory=dict)
    text: str = "Starting…"
    fraction: float | None = None  # None: nothing to measure yet (a busy bar)

    def add(self, item: Any) -> None:
        status = str(getattr(item, "status", item) or "")
        layer_id = getattr(item, "layer", "") or ""
        if not layer_id:
            self.text = status or self.text  # a line of text: show it as it is
            self._recompute(text=False)
            return
        layer = self.layers.setdefault(layer_id, _Layer())
        layer.status = status
        total = getattr(item, "total", None)
        current = getattr(item, "current", None)
        if total:
            layer.total = total
        if current is not None:
            layer.current = current
        if status.lower().startswith(_COMPLETE):
            layer.complete = True
        self._recompute(text=True)

    def _recompute(self, text: bool) -> None:
        sized = [layer for layer in self.layers.values() if layer.total]
        if sized:
            total = sum(layer.total or 0 for layer in sized)
            done = sum(
                (layer.total or 0) if layer.complete else min(layer.current, layer.total or 0)
                for layer in sized
            )
            self.fraction = done / total if total else None
        # Without byte counts the bar stays busy: the layers still to come are unknown.
        if not text:
            return
        count = len(self.layers)
        finished = sum(1 for layer in self.layers.values() if layer.complete)
        self.text = f"{finished} of {count} layers"
        if sized:
            done_bytes = sum(
                (layer.total or 0) if layer.complete else layer.current for layer in sized
            )
            total_bytes = sum(layer.total or 0 for layer in sized)
            self.text += f" · {human_size(done_bytes)} of {human_size(total_bytes)}"
