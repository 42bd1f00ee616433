"""One container's resource use for the inspector's Stats tab: the stats reader, run
while someone looks and the container runs, and the history that outlives its pauses.

The history lives as long as the inspector window: a tab switch or a stop and start
of the container leaves a gap in it, never a fresh start. A container that is not
running is not read at all (Podman 4.3 would send readings of all zeros).

Signals:
    sampled(StatsSample): a reading arrived and was added to ``history``.
    state_changed(StreamState, str): CONNECTING (the reason: the loss it reconnects
        after, if any), CONNECTED or LOST, of the running reader only.
    running_changed(bool): the container started or stopped (as last told).
"""

from __future__ import annotations

import asyncio
import functools
import time
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QObject, Signal

from app.controllers.session import Session
from app.engine.streams.records import StatsHistory, StatsSample, StreamState
from app.engine.streams.stats import StatsReader
from app.support.concurrency import call_in_loop


class ContainerStats(QObject):
    sampled = Signal(object)
    state_changed = Signal(object, str)
    running_changed = Signal(bool)

    def __init__(self, session: Session, ref: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.container_id = ref  # a name until the inspector knows the full id
        self.history = StatsHistory()
        self.running: bool | None = None  # unknown until the inspector has read it
        self._reader: StatsReader | None = None
        # Each reader's callbacks carry its number: what a stopped one posted before it
        # stopped is dropped, even when a new one runs by the time it arrives.
        self._generation = 0
        self._enabled = True
        self._watched = False

    @property
    def streaming(self) -> bool:
        return self._reader is not None

    def set_enabled(self, enabled: bool) -> None:
        """Off for good for a removed container or a closed window."""
        self._enabled = enabled
        if not enabled:
            self._stop_reader()

    def set_running(self, running: bool) -> None:
        """The container runs (or is paused: it still has figures) or it does not; it is
        read only while it runs and someone watches."""
        changed = running != self.running
        self.running = running
        if running and self._watched:
            self._start_reader()
        elif not running:
            self._stop_reader()
        if changed:
            self.running_changed.emit(running)

    def start(self) -> bool:
        """Someone watches: read a sample a second while the container runs, until
        ``stop()``. False if nothing started (already reading, not running, disabled)."""
        self._watched = True
        return self._start_reader()

    def stop(self) -> bool:
        """No one watches: stop reading (the history stays); False if it was not reading."""
        self._watched = False
        return self._stop_reader()

    def read_at(self, sample: StatsSample) -> datetime:
        """The wall-clock time a sample was read (samples carry monotonic time)."""
        return datetime.now(timezone.utc) - timedelta(seconds=time.monotonic() - sample.at)

    def _start_reader(self) -> bool:
        if self._reader is not None or not self._enabled or not self.running:
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

    def _stop_reader(self) -> bool:
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
