"""A fuzz pass over the parsers of outside input (issue 17, item 3).

Properties, per parser:
(a) garbled input raises nothing but the parser's documented typed error;
(b) a bad record between good ones does not lose the good ones;
(c) real shapes, mutated (wrong types, fields removed, unknown fields, truncated JSON),
    still parse or are skipped.

Hypothesis runs derandomized (the same examples on every run, so CI is repeatable and a
failure reproduces anywhere) with no example database (nothing written into the repo).
"""

from __future__ import annotations

import json
import os
import struct
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import dto
from app.engine.arguments import ArgumentError, check_connection
from app.engine.cli.machine_cli import inspect_rootful
from app.engine.cli.machines import Machine, MachineAvailability, list_machines
from app.engine.cli.podman_cli import CliResult
from app.engine.connection import connection_from_argument, parse_ssh_uri
from app.engine.discovery import parse_connection_list
from app.engine.endpoint import Endpoint, EndpointError
from app.engine.streams.events import EventReader, PodmanEvent
from app.engine.streams.logs import LogDecoder
from app.engine.streams.records import since_param
from app.engine.streams.stats import StatsReader, parse_stats
from app.proxy.host_keys import HostKeyPolicy, known_key_types
from app.proxy.uris import ProxyUriError, parse_listen, parse_upstream

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# -- JSON-ish values ------------------------------------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def mutated(real: dict) -> st.SearchStrategy[dict]:
    """``real`` with fields removed, retyped and unknown ones added."""
    keys = sorted(real)
    return st.builds(
        lambda drop, retype, extra: {
            **{k: retype.get(k, v) for k, v in real.items() if k not in drop},
            **extra,
        },
        st.sets(st.sampled_from(keys)),
        st.dictionaries(st.sampled_from(keys), json_values, max_size=4),
        st.dictionaries(st.text(max_size=8), json_values, max_size=3),
    )


def truncations(text: str) -> st.SearchStrategy[str]:
    return st.integers(0, len(text)).map(lambda n: text[:n])


# -- URIs and connection names --------------------------------------------------------------

uri_text = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda scheme, rest: f"{scheme}://{rest}",
        st.sampled_from(["ssh", "SSH", "unix", "tcp", "npipe", "http", "", "bogus"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
        | st.from_regex(r"[a-z@:\[\]/%0-9.]{0,30}", fullmatch=True),
    ),
)


@FUZZ
@given(uri_text)
def test_uris_raise_only_their_typed_errors(uri):
    for parse in (Endpoint.parse, parse_ssh_uri, connection_from_argument):
        try:
            parse(uri)
        except EndpointError:
            pass
    for parse in (parse_upstream, parse_listen):
        try:
            parse(uri)
        except ProxyUriError:
            pass
    try:
        check_connection(uri)
    except ArgumentError:
        pass


# -- podman system connection list --------------------------------------------------------

REAL_CONNECTION_4 = {
    "Name": "podman-machine-default",
    "URI": "ssh://core@127.0.0.1:40457/run/user/1000/podman/podman.sock",
    "Identity": "/home/u/.local/share/containers/podman/machine/machine",
    "Default": True,
}
REAL_CONNECTION_5 = {**REAL_CONNECTION_4, "IsMachine": True, "ReadWrite": True}


def _good(n: int) -> dict:
    return {"Name": f"good{n}", "URI": f"unix:///run/good{n}.sock", "Default": False}


@FUZZ
@given(st.one_of(st.text(max_size=60), json_values.map(json.dumps)))
def test_connection_list_garbage_raises_only_value_error(text):
    try:
        parse_connection_list(text)
    except ValueError:
        pass


@FUZZ
@given(st.sampled_from([REAL_CONNECTION_4, REAL_CONNECTION_5]).flatmap(mutated) | json_values)
def test_a_bad_connection_row_keeps_the_good_ones(bad):
    text = json.dumps([_good(1), bad, _good(2)])
    names = [c.name for c in parse_connection_list(text)]
    assert names[0] == "good1" and names[-1] == "good2"


@FUZZ
@given(truncations(json.dumps([REAL_CONNECTION_5, _good(1)])))
def test_a_truncated_connection_list_is_a_value_error(text):
    try:
        parse_connection_list(text)
    except ValueError:
        pass


# -- podman machine list --------------------------------------------------------------------

REAL_MACHINE_5 = {
    "Name": "podman-machine-default*",
    "Default": True,
    "Created": "2026-11-20T10:00:00Z",
    "Running": False,
    "Starting": False,
    "LastUp": "2026-11-20T10:00:00Z",
    "Stream": "default",
    "VMType": "qemu",
    "CPUs": 2,
    "Memory": "2147483648",
    "DiskSize": "107374182400",
    "Port": 40457,
    "RemoteUsername": "core",
    "IdentityPath": "/home/u/.local/share/containers/podman/machine/machine",
    "UserModeNetworking": False,
}


@FUZZ
@given(mutated(REAL_MACHINE_5))
def test_a_mutated_machine_row_still_parses(row):
    Machine.from_json(row)


# -- events ---------------------------------------------------------------------------------

REAL_EVENT = {
    "Type": "container",
    "Action": "start",
    "Actor": {"ID": "abc123", "Attributes": {"name": "web", "image": "alpine"}},
    "time": 1764331147,
    "timeNano": 1764331147123456789,
}

garbage_lines = st.one_of(
    st.binary(max_size=80),
    st.text(max_size=80).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    mutated(REAL_EVENT).map(lambda v: json.dumps(v).encode()),
    truncations(json.dumps(REAL_EVENT)).map(str.encode),
    st.integers(1, 5_000).map(lambda n: b"[" * n),
    st.just(b"{" + b"x" * 1_000_000),
)


def _event_line(n: int) -> bytes:
    return json.dumps({**REAL_EVENT, "Actor": {"ID": f"good{n}"}, "timeNano": n + 1}).encode()


def _event_reader(delivered: list) -> EventReader:
    return EventReader(Endpoint("unix", path="/nonexistent.sock"), delivered.append)


@FUZZ
@given(garbage_lines)
def test_event_lines_parse_or_are_skipped_and_the_good_ones_around_arrive(bad):
    PodmanEvent.parse(bad)
    delivered: list[PodmanEvent] = []
    reader = _event_reader(delivered)
    for line in (_event_line(1), bad, _event_line(2)):
        reader._deliver(line)
    ids = [e.id for e in delivered]
    assert ids[0] == "good1" and ids[-1] == "good2"
    reader._params()  # a resume point any event left behind is still usable


# -- log frames -----------------------------------------------------------------------------


def _frame(stream: int, text: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(text)) + text


@FUZZ
@given(st.lists(st.binary(max_size=40), max_size=6))
def test_log_decoder_takes_any_bytes_in_any_chunks(chunks):
    decoder = LogDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
    decoder.flush()


@FUZZ
@given(
    st.one_of(
        st.binary(min_size=8, max_size=8).filter(lambda h: h[0] > 2 or h[1:4] != b"\0\0\0"),
        st.binary(max_size=7),
    ),
    st.integers(1, 9),
)
def test_a_bad_frame_after_good_ones_keeps_them(bad, size):
    body = _frame(1, b"2026-11-28T12:19:07Z one\n") + _frame(2, b"2026-11-28T12:19:08Z two\n")
    decoder = LogDecoder()
    records = []
    data = body + bad
    for i in range(0, len(data), size):
        records += decoder.feed(data[i : i + size])
    records += decoder.flush()
    assert records[:2] == [(1, b"2026-11-28T12:19:07Z one"), (2, b"2026-11-28T12:19:08Z two")]


# -- stats ----------------------------------------------------------------------------------

REAL_LIBPOD_STATS = {
    "Error": None,
    "Stats": [
        {
            "CPU": 1.5,
            "MemUsage": 1000,
            "MemLimit": 4000,
            "NetInput": 1,
            "NetOutput": 2,
            "BlockInput": 3,
            "BlockOutput": 4,
            "PIDs": 2,
        }
    ],
}
REAL_DOCKER_STATS = {
    "cpu_stats": {"cpu_usage": {"total_usage": 200}, "system_cpu_usage": 1000, "online_cpus": 2},
    "precpu_stats": {"cpu_usage": {"total_usage": 100}, "system_cpu_usage": 500},
    "memory_stats": {"usage": 10, "limit": 100},
    "networks": {"eth0": {"rx_bytes": 1, "tx_bytes": 2}},
    "blkio_stats": {"io_service_bytes_recursive": [{"op": "Read", "value": 5}]},
    "pids_stats": {"current": 1},
}


def _mutated_stats() -> st.SearchStrategy[dict]:
    inner = mutated(REAL_LIBPOD_STATS["Stats"][0]).map(lambda s: {"Stats": [s]})
    return st.one_of(
        mutated(REAL_LIBPOD_STATS),
        inner,
        mutated(REAL_DOCKER_STATS),
        *(
            mutated(REAL_DOCKER_STATS[k]).map(lambda v, k=k: {**REAL_DOCKER_STATS, k: v})
            for k in ("cpu_stats", "networks", "blkio_stats", "memory_stats")
        ),
    )


@FUZZ
@given(_mutated_stats())
def test_mutated_stats_parse_or_give_none(data):
    parse_stats(data, at=1.0)


@FUZZ
@given(garbage_lines | _mutated_stats().map(lambda d: json.dumps(d).encode()))
def test_stats_lines_parse_or_are_skipped_and_the_good_ones_around_arrive(bad):
    samples: list = []
    reader = StatsReader(Endpoint("unix", path="/nonexistent.sock"), "c1", samples.append)
    good = json.dumps(REAL_LIBPOD_STATS).encode()
    for line in (good, bad, good):
        reader._line(line)
    assert len(samples) >= 2 and samples[0].mem_used == 1000 and samples[-1].mem_used == 1000


# -- the minimal failing examples the fuzzing found, kept as regressions ------------------


def test_regression_a_connection_list_that_is_not_a_list_is_a_value_error():
    for text in ("1", '"0"', '{"Name": "x"}', "[" * 5000):
        try:
            parse_connection_list(text)
        except ValueError:
            continue
        raise AssertionError(f"{text[:20]!r} parsed")


def test_regression_a_connection_entry_that_is_not_an_object_is_skipped():
    text = json.dumps([_good(1), "0", {"Name": 1, "URI": None}, _good(2)])
    assert [c.name for c in parse_connection_list(text)] == ["good1", "good2"]


def test_regression_a_deeply_nested_event_line_is_skipped():
    assert PodmanEvent.parse(b"[" * 1989) is None


def test_regression_stats_fields_of_the_wrong_type_read_as_absent():
    assert parse_stats({"Stats": True}, at=1.0) is None
    assert parse_stats({"Stats": {"0": {}}}, at=1.0) is None
    sample = parse_stats(
        {**REAL_DOCKER_STATS, "cpu_stats": True, "networks": {"eth0": None}, "pids_stats": 1},
        at=1.0,
    )
    assert sample is not None and sample.mem_used == 10 and sample.net_rx == 0
    infinite = {"Stats": [{**REAL_LIBPOD_STATS["Stats"][0], "MemUsage": float("inf")}]}
    assert parse_stats(infinite, at=1.0).mem_used == 0


class _FakeCli:
    def __init__(self, stdout: str) -> None:
        self.stdout = stdout

    def run(self, *args: str, timeout: float = 60.0) -> CliResult:
        return CliResult(args, 0, self.stdout, "")


@FUZZ
@given(st.one_of(st.text(max_size=60), json_values.map(json.dumps)))
def test_machine_list_and_inspect_garbage_is_an_error_state_not_an_exception(text):
    listing = list_machines(_FakeCli(text))
    assert listing.availability in (MachineAvailability.OK, MachineAvailability.ERROR)
    inspect_rootful(_FakeCli(text), ["m"])


@FUZZ
@given(mutated(REAL_MACHINE_5) | json_values)
def test_a_bad_machine_row_keeps_the_good_ones(bad):
    rows = [{**REAL_MACHINE_5, "Name": "good1"}, bad, {**REAL_MACHINE_5, "Name": "good2"}]
    names = [m.name for m in list_machines(_FakeCli(json.dumps(rows))).machines]
    assert names[0] == "good1" and names[-1] == "good2"
    assert all(names)


def test_regression_a_machine_entry_that_is_not_an_object_is_skipped():
    rows = [{**REAL_MACHINE_5, "Name": "good1"}, 0, {"Name": None, "Running": "false"}]
    listing = list_machines(_FakeCli(json.dumps(rows)))
    assert [(m.name, m.running) for m in listing.machines] == [("good1", False)]
    assert list_machines(_FakeCli('{"Name": "x"}')).availability is MachineAvailability.ERROR
    assert Machine.from_json({"Name": "m", "Running": "false"}).running is False
    assert inspect_rootful(_FakeCli('[0, {"Name": "m", "Rootful": true}]'), ["m"]) == {"m": True}


@FUZZ
@given(st.integers() | st.floats() | st.text(max_size=40) | st.booleans())
def test_any_event_time_leaves_a_usable_resume_point(when):
    delivered: list[PodmanEvent] = []
    reader = _event_reader(delivered)
    for key in ("timeNano", "time"):
        reader._deliver(json.dumps({**REAL_EVENT, "timeNano": None, key: when}).encode())
    assert len(delivered) >= 1
    reader._params()


def test_regression_an_event_time_past_the_year_9999_is_no_time():
    line = b'{"Type": "container", "Action": "start", "id": "a", "timeNano": 1' + b"0" * 30 + b"}"
    assert PodmanEvent.parse(line).time_nano == 0
    assert PodmanEvent.parse(line.replace(b"timeNano", b"time")).time_nano == 0
    assert since_param(-5) == "1970-01-01T00:00:00.000000000Z"


def _decode_all(data: bytes, size: int) -> list:
    decoder = LogDecoder()
    records = []
    for i in range(0, len(data), size):
        records += decoder.feed(data[i : i + size])
    return records + decoder.flush()


GOOD_FRAMES = _frame(1, b"2026-11-28T12:19:07Z one\n") + _frame(2, b"2026-11-28T12:19:08Z two\n")


def test_regression_a_bad_frame_header_shows_the_rest_as_raw_text():
    # Before: stream 7 was taken as a frame and its 4 GB size held everything after it.
    bad = b"\x07\xff\xff\xff\xff\xff\xff\xff after the break\nlast"
    for size in (1, 5, 1000):
        records = _decode_all(GOOD_FRAMES + bad, size)
        assert records[:2] == [(1, b"2026-11-28T12:19:07Z one"), (2, b"2026-11-28T12:19:08Z two")]
        assert b"".join(r[1] for r in records[2:]).endswith(b" after the breaklast")


def test_regression_a_short_last_frame_keeps_what_arrived():
    # Before: flush dropped the bytes of a frame the stream ended inside of, silently.
    short = _frame(2, b"2026-11-28T12:19:09Z three\n")[:-4]
    assert _decode_all(GOOD_FRAMES + short, 1000)[2:] == [(2, b"2026-11-28T12:19:09Z th")]
    assert _decode_all(GOOD_FRAMES + short[:5], 1000)[2:] == []
    assert _decode_all(_frame(1, b"") + GOOD_FRAMES, 1000)[0] == (
        1,
        b"2026-11-28T12:19:07Z one",
    )


# -- SSH host-key files ---------------------------------------------------------------------

GOOD_KEY_LINE = (
    b"[127.0.0.1]:2222 ssh-ed25519 "
    b"AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
)

host_key_lines = st.one_of(
    st.binary(max_size=60),
    st.builds(
        lambda name, kind, blob: b" ".join([name, kind, blob]),
        st.sampled_from([b"[127.0.0.1]:2222", b"|1|abc|def", b"", b"*"]),
        st.sampled_from([b"ssh-ed25519", b"ssh-rsa", b"ecdsa-sha2-nistp256", b"bogus"]),
        st.binary(max_size=30) | st.from_regex(rb"[A-Za-z0-9+/=]{0,40}", fullmatch=True),
    ),
)


@FUZZ
@given(host_key_lines)
def test_a_bad_known_hosts_line_keeps_the_good_ones(bad):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "known_hosts")
        with open(path, "wb") as f:
            f.write(bad + b"\n" + GOOD_KEY_LINE)
        policy = HostKeyPolicy(known_hosts=path)
        assert "ssh-ed25519" in known_key_types(policy, "127.0.0.1", 2222)


def test_regression_unreadable_known_hosts_lines_are_skipped(tmp_path, caplog):
    # Before: b"\x80" raised UnicodeDecodeError and bad base64 InvalidHostKey out of
    # paramiko's HostKeys.load, so one bad line hid every key in the file.
    for bad in (b"\x80", b"[127.0.0.1]:2222 ssh-ed25519 A", b"host ssh-rsa AAAAB3NzaC1yc2E"):
        path = tmp_path / "known_hosts"
        path.write_bytes(bad + b"\n" + GOOD_KEY_LINE)
        policy = HostKeyPolicy(known_hosts=str(path))
        assert known_key_types(policy, "127.0.0.1", 2222) == ["ssh-ed25519"]
    assert "skipped 1 unreadable line" in caplog.text


# -- list entries from the API ----------------------------------------------------------------

DTOS = (
    dto.VersionInfo,
    dto.PortMapping,
    dto.ContainerSummary,
    dto.ImageSummary,
    dto.VolumeSummary,
    dto.PodSummary,
    dto.NetworkSummary,
    dto.SecretSummary,
    dto.SystemInfo,
)
api_keys = st.sampled_from(
    [
        "Id",
        "ID",
        "Names",
        "Name",
        "Image",
        "State",
        "Status",
        "Ports",
        "Labels",
        "Created",
        "Mounts",
        "Networks",
        "Command",
        "RepoTags",
        "RepoDigests",
        "Size",
        "Containers",
        "Subnets",
        "host",
        "version",
        "store",
        "Version",
        "Components",
        "Spec",
        "CreatedAt",
        "StartedAt",
        "ExitCode",
        "Pod",
        "PodName",
        "host_port",
        "container_port",
        "Options",
    ]
)
api_objects = st.dictionaries(api_keys | st.text(max_size=6), json_values, max_size=8)


@FUZZ
@given(st.sampled_from(DTOS), api_objects)
def test_api_list_entries_of_any_shape_become_records(kind, data):
    kind.from_api(data)
