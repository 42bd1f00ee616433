"""Parsing Podman's event lines, the since= timestamps, and dropping replayed repeats."""

from __future__ import annotations

import pytest

from app.engine.streams.events import PodmanEvent, SeenEvents
from app.engine.streams.records import parse_rfc3339_ns, since_param

CID = "2a2c548a471e7ae700ab7804add85d54ee111571fdbe4ad658dbf07422b1f1df"

# Recorded from Podman 4.3.1's libpod /events on this machine.
PODMAN4_START = (
    b'{"status":"start","id":"' + CID.encode() + b'","from":"localhost/busybox:test",'
    b'"Type":"container","Action":"start","Actor":{"ID":"' + CID.encode() + b'",'
    b'"Attributes":{"containerExitCode":"0","image":"localhost/busybox:test","name":"c1",'
    b'"podId":""}},"scope":"local","time":1795866101,"timeNano":1795866101248938249}'
)
PODMAN4_VOLUME = (
    b'{"status":"create","Type":"volume","Action":"create","Actor":{"ID":"","Attributes":'
    b'{"containerExitCode":"0","image":"","name":"v1","podId":""}},"scope":"local",'
    b'"time":1795866101,"timeNano":1795866101283407705}'
)
PODMAN4_PULL = (
    b'{"status":"pull","Type":"image","Action":"pull","Actor":{"ID":"","Attributes":'
    b'{"containerExitCode":"0","image":"","name":"localhost/busybox:test","podId":""}},'
    b'"scope":"local","time":1795866101,"timeNano":1795866101080257314}'
)
# Podman 5 (pkg/domain/entities/events.go, ConvertToEntitiesEvent): containerExitCode
# only when known, container labels among the attributes, HealthStatus at top level.
PODMAN5_HEALTH = (
    b'{"status":"health_status","id":"' + CID.encode() + b'","from":"quay.io/x/web:1",'
    b'"Type":"container","Action":"health_status","Actor":{"ID":"' + CID.encode() + b'",'
    b'"Attributes":{"image":"quay.io/x/web:1","name":"web","podId":"",'
    b'"io.buildah.version":"1.33.5"}},"scope":"local","time":1712345678,'
    b'"timeNano":1712345678123456789,"HealthStatus":"healthy"}'
)
# `podman events --format json` and the events log file.
CLI_VOLUME = (
    b'{"Name":"a3","Status":"create","Time":"2026-11-28T11:42:13.260066566Z",'
    b'"Type":"volume","Attributes":null}'
)


def test_podman4_container_event():
    event = PodmanEvent.parse(PODMAN4_START)
    assert (event.type, event.action, event.id, event.name) == ("container", "start", CID, "c1")
    assert event.time_nano == 1795866101248938249
    assert event.attributes["image"] == "localhost/busybox:test"
    assert event.raw["scope"] == "local"
    assert event.key == (1795866101248938249, "container", "start", CID)


def test_podman5_event_with_health_status():
    event = PodmanEvent.parse(PODMAN5_HEALTH)
    assert (event.type, event.action, event.id, event.name) == (
        "container",
        "health_status",
        CID,
        "web",
    )
    assert event.raw["HealthStatus"] == "healthy"
    assert "containerExitCode" not in event.attributes


def test_volume_event_with_empty_id_is_keyed_by_name():
    event = PodmanEvent.parse(PODMAN4_VOLUME)
    assert (event.type, event.action, event.id, event.name) == ("volume", "create", "v1", "v1")


def test_image_pull_with_empty_id_keeps_the_name():
    event = PodmanEvent.parse(PODMAN4_PULL)
    assert (event.type, event.action) == ("image", "pull")
    assert event.name == event.id == "localhost/busybox:test"


def test_cli_json_spelling_with_rfc3339_time():
    event = PodmanEvent.parse(CLI_VOLUME)
    assert (event.type, event.action, event.id) == ("volume", "create", "a3")
    assert event.time_nano == 1795866133260066566
    assert event.attributes == {}


@pytest.mark.parametrize(
    ("type_", "compat", "libpod"),
    [("container", "die", "died"), ("image", "delete", "remove"), ("container", "stop", "stop")],
)
def test_compat_actions_read_as_libpod_names(type_, compat, libpod):
    line = (
        f'{{"Type":"{type_}","Action":"{compat}","Actor":{{"ID":"abc","Attributes":{{}}}},'
        f'"time":1700000000}}'
    )
    event = PodmanEvent.parse(line.encode())
    assert event.action == libpod
    assert event.time_nano == 1_700_000_000_000_000_000


def test_compat_action_with_detail_keeps_the_action():
    line = b'{"Type":"container","Action":"exec_start: sh -c true","Actor":{"ID":"abc"}}'
    assert PodmanEvent.parse(line).action == "exec_start"


@pytest.mark.parametrize(
    "line",
    [b"", b"not json", b"[1, 2]", b"42", b'{"foo": 1}', b'{"Type": "container"}', b"\xff\xfe{"],
)
def test_garbage_is_none(line):
    assert PodmanEvent.parse(line) is None


def test_events_are_hashable_and_compare_without_raw():
    a = PodmanEvent.parse(PODMAN4_START)
    b = PodmanEvent.parse(PODMAN4_START.replace(b'"local"', b'"other"'))
    assert a == b
    assert hash(a) == hash(b)


def test_since_param_is_exact_rfc3339_and_round_trips():
    nanos = 1795866101354113994
    assert since_param(nanos) == "2026-11-28T11:41:41.354113994Z"
    assert parse_rfc3339_ns(since_param(nanos)) == nanos
    assert since_param(1_000_000_000) == "1970-01-01T00:00:01.000000000Z"


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        ("2026-11-28T11:41:41Z", 1795866101_000000000),
        ("2026-11-28T11:41:41.5Z", 1795866101_500000000),
        ("2026-11-28T12:41:41.000000001+01:00", 1795866101_000000001),
        ("yesterday", 0),
    ],
)
def test_parse_rfc3339_ns(text, nanos):
    assert parse_rfc3339_ns(text) == nanos


def _event(time_nano: int, ident: str = "abc", action: str = "start") -> PodmanEvent:
    return PodmanEvent("container", action, ident, time_nano=time_nano)


def test_seen_events_drops_repeats_only():
    seen = SeenEvents()
    assert seen.accept(_event(5))
    assert seen.accept(_event(5, action="init"))
    assert seen.accept(_event(3))  # older but new: events come out of order
    assert not seen.accept(_event(5))
    assert seen.dropped == 1
    assert seen.newest_ns == 5


def test_seen_events_forgets_the_oldest_beyond_capacity():
    seen = SeenEvents(capacity=3)
    for t in (1, 2, 3, 4):
        assert seen.accept(_event(t))
    assert seen.accept(_event(1))  # forgotten, so taken as new
    assert not seen.accept(_event(4))


def test_seen_events_never_drops_events_without_a_time():
    seen = SeenEvents()
    assert seen.accept(_event(0))
    assert seen.accept(_event(0))
    assert seen.newest_ns == 0
