"""One container's resource use for the inspector's Stats tab: the stats reader, run
while someone looks, and the history that outlives its pauses.

Signals:
    sampled(StatsSample): a reading arrived and was added to ``history``.
    state_changed(StreamState, str): CONNECTING (the reason: the loss it reconnects
        after, if any), CONNECTED or LOST, of the running reader only.
"""

from __future__ import annotations

import asyncio
import functools

from PySide6.QtCore import QObject, Signal

from app.controllers.session import Session
from app.engine.streams.records import StatsHistory, StatsSample, StreamState
from app.engine.streams.stats import StatsReader
from app.support.concurrency import call_in_loop


class ContainerStats(QObject):
    sampled = Signal(object)
    state_changed = Signal(object, str)

    def __init__(self, session: Session, ref: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.container_id = ref  # a name until the inspector knows the full id
        self.history = StatsHistory()
        self._reader: StatsReader | None = None
        # Each reader's callbacks carry its number: what a stopped one posted before it
        # stopped is dropped, even when a new one runs by the time it arrives.
        self._generation = 0
        self._enabled = True

    @property
    def streaming(self) -> bool:
        return self._reader is not None

    def set_enabled(self, enabled: bool) -> None:
        """Off for good for a removed container or a closed window."""
        self._enabled = enabled
        if not enabled:
            self.stop()

    def start(self) -> bool:
        """Read a sample a second until ``stop()``; False if already reading or disabled."""
        if self._reader is not None or not self._enabled:
            return False
        self._generation += 1
        loop = asyncio.get_event_loop()
        self._reader = StatsReader(
            self.session.client.endpoint,
            self.container_id,
            on_sample=call_in_loop(loop, functools.partial(self._on_sample, self._generation)),
            on_state=call_in_loop(loop, functools.partial(self._on_state, self._generation)),
        )
        self._reader.start()
        return True

    def stop(self) -> bool:
        """Stop reading (the history stays); False if it was not reading."""
        reader, self._reader = self._reader, None
        if reader is None:
            return False
        reader.stop()
        return True

    def _on_sample(self, generation: int, sample: StatsSample) -> None:
        if generation != self._generation or self._reader is None:
            return
        self.history.add(sample)
        self.sampled.emit(sample)

    def _on_state(self, generation: int, state: StreamState, reason: str) -> None:
        if generation == self._generation and self._reader is not None:
            self.state_changed.emit(state, reason)
