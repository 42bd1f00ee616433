"""What a container event says about its row, replayed from events recorded on Podman 4.3.1.

tests/data/podman_events.json is what tools/capture_events.py recorded from the libpod
``/events`` stream, one command at a time, with Podman's inspect state once settled.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.engine.container_events import row_after_event
from app.engine.dto import ContainerSummary
from app.engine.streams.events import PodmanEvent

RECORDED = json.loads((Path(__file__).parent.parent / "data/podman_events.json").read_text())
STEPS = RECORDED["steps"]


def _events(step: dict) -> list[PodmanEvent]:
    parsed = (PodmanEvent.from_dict(record["event"]) for record in step["rest"])
    return [e for e in parsed if e is not None and e.type == "container"]


def _step(label: str) -> dict:
    return next(step for step in STEPS if step["label"] == label)


def _replay():
    """Rows kept from the events alone, as after each recorded command."""
    rows: dict[str, ContainerSummary] = {}
    for step in STEPS:
        for event in _events(step):
            if event.action == "create":  # no row yet: the session fetches it
                rows[event.id] = ContainerSummary(event.id, event.name, state="created")
                continue
            after = row_after_event(rows[event.id], event)
            if after is None:
                del rows[event.id]
            else:
                rows[event.id] = after
        yield step, rows


def test_the_recording_is_of_podman_4_3_1():
    assert RECORDED["podman"] == "4.3.1"
    assert len(STEPS) > 20


@pytest.mark.parametrize("label", [step["label"] for step in STEPS])
def test_replaying_the_events_ends_where_podman_settled(label):
    step, rows = next((s, r) for s, r in _replay() if s["label"] == label)
    assert {cid: row.state for cid, row in rows.items()} == step["settled"], step["command"]


def test_events_sent_before_the_change_change_nothing():
    # `stop`, `kill` and `restart` come while the process still runs (a `died` follows);
    # `init`, `exec`, `attach` and a health check's event say nothing about the state.
    row = ContainerSummary("x", "c", state="running")
    actions = set()
    for step in STEPS:
        for event in _events(step):
            if event.action in ("stop", "kill", "restart", "init", "exec", "exec_died",
                                "attach", "health_status"):  # fmt: skip
                actions.add(event.action)
                assert row_after_event(ContainerSummary(event.id, "c", state="running"), event) \
                    == ContainerSummary(event.id, "c", state="running")  # fmt: skip
    assert {"stop", "kill", "restart", "exec", "health_status"} <= actions
    assert row_after_event(row, PodmanEvent("container", "kill", "x", "c", {}, 1)) is row


def test_died_is_stopped_with_its_exit_code_until_cleanup_says_exited():
    codes = {}
    for label in ("kill", "run, exit 3", "(stop by SIGTERM)"):
        events = _events(_step(label))
        died = next(e for e in events if e.action == "died")
        row = ContainerSummary(died.id, "c", state="running", status="Up 2 minutes")
        after = row_after_event(row, died)
        # Podman says "stopped" until its cleanup has run (docs/podman-notes.md).
        assert after.state == "stopped" and after.status == ""
        assert after.exited_at == datetime.fromtimestamp(died.time_nano // 10**9, tz=UTC)
        codes[label] = after.exit_code
        cleanup = next(e for e in events if e.action == "cleanup")
        assert row_after_event(after, cleanup).state == "exited"
    assert codes == {"kill": 137, "run, exit 3": 3, "(stop by SIGTERM)": 0}


def test_start_runs_from_the_events_time():
    start = next(e for e in _events(_step("start again")) if e.action == "start")
    row = ContainerSummary(start.id, "c1", state="exited", exit_code=137)
    after = row_after_event(row, start)
    assert after.state == "running"
    assert after.started_at == datetime.fromtimestamp(start.time_nano // 10**9, tz=UTC)


def test_rename_and_remove():
    rename = _events(_step("rename"))[0]
    row = ContainerSummary(rename.id, "c1", state="exited")
    assert row_after_event(row, rename).name == "c2"
    remove = _events(_step("rm a stopped container"))[0]
    assert row_after_event(ContainerSummary(remove.id, "c3", state="exited"), remove) is None


def test_cleanup_of_a_row_not_stopped_and_out_of_order_events_change_nothing():
    row = ContainerSummary("x", "c", state="running")
    assert row_after_event(row, PodmanEvent("container", "cleanup", "x", "c", {}, 1)) is row
    exited = ContainerSummary("x", "c", state="exited")
    unpause = PodmanEvent("container", "unpause", "x", "c", {}, 1)
    assert row_after_event(exited, unpause) is exited
    # Another container's event, or another type's, leaves the row alone.
    other = PodmanEvent("container", "start", "y", "d", {}, 1)
    assert row_after_event(exited, other) is exited
    assert row_after_event(exited, PodmanEvent("image", "remove", "x", "", {}, 1)) is exited
