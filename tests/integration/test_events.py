"""The events reader against a real Podman service: delivery, reconnect, replay, stop."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

import pytest

from app.engine.endpoint import Endpoint
from app.engine.streams.events import EventReader, PodmanEvent
from app.engine.streams.reader import StreamState
from tests.bed.podman import TEST_IMAGE

TIMEOUT = 15.0
CONNECTING, CONNECTED, LOST = StreamState.CONNECTING, StreamState.CONNECTED, StreamState.LOST


class Recorder:
    """Collects what a reader delivers, and waits for it without sleeping."""

    def __init__(self) -> None:
        self.events: list[PodmanEvent] = []
        self.states: list[StreamState] = []
        self._queue: queue.Queue[PodmanEvent] = queue.Queue()
        self._changed = threading.Condition()

    def on_event(self, event: PodmanEvent) -> None:
        self._queue.put(event)

    def on_state(self, state: StreamState, reason: str) -> None:
        with self._changed:
            self.states.append(state)
            self._changed.notify_all()

    def wait_event(self, match: Callable[[PodmanEvent], bool]) -> PodmanEvent:
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            try:
                event = self._queue.get(timeout=max(remaining, 0.001))
            except queue.Empty:
                pytest.fail(f"no matching event in {TIMEOUT}s; got {self.events}")
            self.events.append(event)
            if match(event):
                return event

    def wait_states(self, *expected: StreamState) -> None:
        """Wait until ``expected`` appears, in order, within the states seen so far."""
        with self._changed:
            ok = self._changed.wait_for(lambda: _in_order(expected, self.states), TIMEOUT)
        assert ok, f"states {self.states} never went {expected}"


def _in_order(expected: tuple[StreamState, ...], seen: list[StreamState]) -> bool:
    rest = iter(seen)
    return all(state in rest for state in expected)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def _start(uri: str, recorder: Recorder) -> EventReader:
    reader = EventReader(Endpoint.parse(uri), recorder.on_event, recorder.on_state)
    reader.start()
    recorder.wait_states(CONNECTED)
    return reader


def _is(type_: str, action: str, ident: str) -> Callable[[PodmanEvent], bool]:
    return lambda e: (e.type, e.action, e.id) == (type_, action, ident)


def test_start_event_arrives_for_a_container_run_from_the_cli(podman, recorder):
    reader = _start(podman.uri, recorder)
    try:
        cid = podman.cli("run", "-d", "--name", "ev-start", TEST_IMAGE, "sleep", "60")
        event = recorder.wait_event(_is("container", "start", cid))
    finally:
        assert reader.stop()
    assert event.name == "ev-start"
    assert event.attributes["image"] == TEST_IMAGE
    assert event.time_nano > 0


def test_volume_event_carries_the_volume_name_as_id(podman, recorder):
    reader = _start(podman.uri, recorder)
    try:
        podman.cli("volume", "create", "ev-vol")
        event = recorder.wait_event(lambda e: e.type == "volume")
    finally:
        assert reader.stop()
    assert (event.action, event.id, event.name) == ("create", "ev-vol", "ev-vol")


def test_a_failing_callback_does_not_stop_the_reader(podman, recorder):
    def on_event(event: PodmanEvent) -> None:
        recorder.on_event(event)
        raise RuntimeError("a broken consumer")

    reader = EventReader(Endpoint.parse(podman.uri), on_event, recorder.on_state)
    reader.start()
    try:
        recorder.wait_states(CONNECTED)
        podman.cli("volume", "create", "ev-one")
        recorder.wait_event(_is("volume", "create", "ev-one"))
        podman.cli("volume", "create", "ev-two")
        recorder.wait_event(_is("volume", "create", "ev-two"))
    finally:
        assert reader.stop()


def test_reader_recovers_and_replays_what_happened_while_the_service_was_down(
    fresh_podman, recorder
):
    reader = _start(fresh_podman.uri, recorder)
    try:
        before = fresh_podman.cli("run", "-d", "--name", "ev-before", TEST_IMAGE, "sleep", "60")
        recorder.wait_event(_is("container", "start", before))

        fresh_podman.stop_service(kill=True)
        recorder.wait_states(CONNECTED, LOST, CONNECTING)
        # The CLI needs no service: this start is only in the events log.
        during = fresh_podman.cli("run", "-d", "--name", "ev-during", TEST_IMAGE, "sleep", "60")
        fresh_podman.start_service()

        recorder.wait_event(_is("container", "start", during))
        # A replay comes before live events on the same stream: once this live event
        # is here, every repeat the replay could send has been sent.
        fresh_podman.cli("volume", "create", "ev-sentinel")
        recorder.wait_event(_is("volume", "create", "ev-sentinel"))
    finally:
        assert reader.stop()

    recorder.wait_states(CONNECTED, LOST, CONNECTING, CONNECTED)
    keys = [event.key for event in recorder.events]
    assert len(keys) == len(set(keys)), "an event was delivered twice"
    starts = [e for e in recorder.events if (e.type, e.action) == ("container", "start")]
    assert [e.id for e in starts] == [before, during]
    assert reader.duplicates_dropped > 0, "the resumed stream should have overlapped"


def test_stop_returns_promptly_while_blocked_reading(podman, recorder):
    reader = _start(podman.uri, recorder)
    started = time.monotonic()
    assert reader.stop(timeout=2.0)
    assert time.monotonic() - started < 1.0
    assert not reader.running


def test_stop_returns_promptly_while_waiting_to_reconnect(tmp_path, recorder):
    missing = Endpoint.parse(f"unix://{tmp_path / 'nobody.sock'}")
    reader = EventReader(missing, recorder.on_event, recorder.on_state, backoff=(30,))
    reader.start()
    recorder.wait_states(CONNECTING, LOST)  # now pausing 30 s
    started = time.monotonic()
    assert reader.stop(timeout=2.0)
    assert time.monotonic() - started < 1.0
