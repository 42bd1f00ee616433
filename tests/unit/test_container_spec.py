"""A run's record without a service: its command line, its small grammars, the checks
of its fields, the env-file reader, the port probe and the reading back of inspect."""

from __future__ import annotations

import shlex
import socket

import pytest

from app.engine import run_checks as checks
from app.engine.container_copy import spec_from_inspect
from app.engine.container_run import ports_in_use, read_env_file
from app.engine.container_spec import (
    MountSpec,
    NetworkSpec,
    PortSpec,
    RunSpec,
    SecretSpec,
    format_memory,
    parse_memory,
)


def test_only_what_was_set_reaches_the_command_line() -> None:
    assert str(RunSpec("busybox").to_command()) == "podman run -d busybox"
    spec = RunSpec("busybox", interactive=True, tty=True, command=["sh"])
    assert str(spec.to_command()) == "podman run -i -t busybox sh"  # a terminal: no -d
    spec = RunSpec("busybox", entrypoint=["sh", "-c"], command=["echo 'hi there'"])
    assert shlex.split(str(spec.to_command()))[-3:] == [
        '--entrypoint=["sh", "-c"]',
        "busybox",
        "echo 'hi there'",
    ]


def test_option_forms_are_what_podman_reads() -> None:
    assert PortSpec(80).option() == "80"
    assert PortSpec(80, 8080).option() == "8080:80"
    assert PortSpec(53, 5353, "127.0.0.1", "udp").option() == "127.0.0.1:5353:53/udp"
    assert PortSpec(80, 0, "::1").option() == "[::1]::80"
    assert MountSpec("bind", "/srv", "/data", True, "Z").option() == "/srv:/data:ro,Z"
    assert NetworkSpec("n", "10.0.0.2", "", ["a", "b"]).option() == "n:ip=10.0.0.2,alias=a,alias=b"
    assert SecretSpec("s", True).option() == "s,type=env,target=s"
    assert SecretSpec("s", False, "key.pem").option() == "s,target=key.pem"


def test_the_api_body_records_the_previewed_command() -> None:
    spec = RunSpec("busybox", name="x", memory=parse_memory("512m"), cpus=1.5)
    body = spec.to_api()
    assert body["containerCreateCommand"] == spec.to_command().words()
    assert body["resource_limits"] == {
        "cpu": {"quota": 150_000, "period": 100_000},
        "memory": {"limit": 512 * 1024 * 1024},
    }
    assert "portmappings" not in body and "restart_policy" not in body


@pytest.mark.parametrize(
    "text,size", [("512m", 512 * 2**20), ("1g", 2**30), ("1.5g", 3 * 2**29), ("65536", 65536)]
)
def test_memory_sizes(text: str, size: int) -> None:
    assert parse_memory(text) == size
    assert parse_memory(format_memory(size)) == size


def test_field_checks_say_what_is_wrong() -> None:
    assert checks.name_problem("", ["web"]) == ""
    assert "exists already" in checks.name_problem("web", ["web"])
    assert "Podman's rule" in checks.name_problem("-web", [])
    assert checks.memory_problem("lots").startswith("Write a size")
    assert checks.memory_problem("4m").startswith("At least 6m")
    assert checks.cpus_problem("0") == "The CPU limit must be more than 0."
    assert checks.cpus_problem("3", available=2).startswith("The host has 2 CPUs")
    assert checks.ip_problem("10.0.0.1", 6) == "“10.0.0.1” is not an IPv6 address."
    assert checks.port_number_problem("0", "host port", True).endswith("(not 0).")
    assert checks.words_problem("echo 'open") == "A quote is not closed."


def test_env_files_are_read_as_podman_reads_them(tmp_path) -> None:
    path = tmp_path / "app.env"
    path.write_text("# comment\nA=1\n\nB=two words\nFROM_HOST\nC=x=y\n")
    assert read_env_file(str(path)) == {"A": "1", "B": "two words", "C": "x=y"}
    path.write_text("A=1\nnot a line=2\n")
    with pytest.raises(ValueError, match="line 2"):
        read_env_file(str(path))


def test_a_port_something_listens_on_is_reported() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert ports_in_use([("127.0.0.1", port, "tcp")]) == [("127.0.0.1", port, "tcp")]
        assert ports_in_use([("127.0.0.1", port, "udp")]) == []
    assert ports_in_use([("127.0.0.1", port, "tcp")]) == []


def test_inspect_is_read_back_without_what_the_image_and_podman_added() -> None:
    image = {"Config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "Labels": {"base": "1"}}}
    container = {
        "Id": "abcdef0123456789",
        "Config": {
            "Image": "localhost/busybox:test",
            "Env": ["PATH=/bin", "TERM=xterm", "container=podman", "HOME=/root", "A=1"],
            "Cmd": ["/bin/sh"],
            "Entrypoint": "",
            "WorkingDir": "/",
            "Labels": {"base": "1", "mine": "2"},
        },
        "HostConfig": {
            "PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]},
            "RestartPolicy": {"Name": "", "MaximumRetryCount": 0},
        },
        "NetworkSettings": {"Networks": {"podman": {"Aliases": ["abcdef012345"]}}},
    }
    spec = spec_from_inspect(container, image)
    assert spec.env == {"A": "1"}
    assert spec.command == [] and spec.entrypoint is None and spec.workdir == ""
    assert spec.labels == {"mine": "2"}
    assert spec.ports == [PortSpec(80, 8080, "127.0.0.1")]
    assert spec.networks == [] and spec.restart == ""
    assert str(spec.to_command()) == (
        "podman run -d -p=127.0.0.1:8080:80 -e=A=1 --label=mine=2 localhost/busybox:test"
    )
