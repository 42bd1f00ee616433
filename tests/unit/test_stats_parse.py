"""Stats samples from the libpod and Docker layouts, and rates over the history."""

from __future__ import annotations

from app.engine.streams.records import StatsHistory
from app.engine.streams.stats import parse_stats

LIBPOD = {
    "Error": None,
    "Stats": [
        {
            "CPU": 1.58,
            "MemUsage": 393216,
            "MemLimit": 25276514304,
            "NetInput": 516,
            "NetOutput": 14224,
            "BlockInput": 4096,
            "BlockOutput": 0,
            "PIDs": 2,
        }
    ],
}

DOCKER = {
    "pids_stats": {"current": 3},
    "blkio_stats": {
        "io_service_bytes_recursive": [
            {"op": "Read", "value": 100},
            {"op": "Write", "value": 50},
        ]
    },
    "cpu_stats": {
        "cpu_usage": {"total_usage": 2_000_000},
        "system_cpu_usage": 20_000_000,
        "online_cpus": 2,
    },
    "precpu_stats": {"cpu_usage": {"total_usage": 1_000_000}, "system_cpu_usage": 10_000_000},
    "memory_stats": {"usage": 397312, "limit": 1000000},
    "networks": {"eth0": {"rx_bytes": 726, "tx_bytes": 72698}, "eth1": {"rx_bytes": 4}},
}


def test_libpod_sample():
    sample = parse_stats(LIBPOD, at=1.0)
    assert (sample.cpu_percent, sample.mem_used, sample.mem_limit) == (1.58, 393216, 25276514304)
    assert (sample.net_rx, sample.net_tx, sample.block_read, sample.pids) == (516, 14224, 4096, 2)


def test_docker_sample():
    sample = parse_stats(DOCKER, at=1.0)
    assert sample.cpu_percent == 20.0
    assert (sample.net_rx, sample.net_tx) == (730, 72698)
    assert (sample.block_read, sample.block_write, sample.pids) == (100, 50, 3)
    assert round(sample.mem_percent, 2) == 39.73


def test_empty_or_foreign_objects_give_no_sample():
    assert parse_stats({"Error": "no such container", "Stats": []}) is None
    assert parse_stats({"hello": 1}) is None


def test_history_rates_and_five_minute_window():
    history = StatsHistory(seconds=300)
    base = LIBPOD["Stats"][0]
    for t in range(0, 400, 2):
        data = {"Stats": [{**base, "NetInput": 1000 * t, "NetOutput": 0}]}
        history.add(parse_stats(data, at=float(t)))
    assert history.latest_rates.net_rx == 1000.0
    assert history.samples[0].at >= 398 - 300
    # a restarted container's counters go back to zero: no negative rate
    history.add(parse_stats({"Stats": [{**base, "NetInput": 0}]}, at=400.0))
    assert history.latest_rates.net_rx == 0.0


def test_a_stopped_containers_reading_is_no_sample():
    # Recorded from Podman 4.3.1's libpod stats stream for an exited container: it sends
    # these every second instead of refusing.
    stopped = {
        "Error": None,
        "Stats": [
            {
                "AvgCPU": 0,
                "Name": "ex1",
                "PerCPU": None,
                "CPU": 0,
                "CPUNano": 0,
                "MemUsage": 0,
                "MemLimit": 0,
                "MemPerc": 0,
                "NetInput": 0,
                "NetOutput": 0,
                "BlockInput": 0,
                "BlockOutput": 0,
                "PIDs": 0,
                "UpTime": 0,
            }
        ],
    }
    assert parse_stats(stopped) is None
    assert parse_stats(LIBPOD) is not None
