"""The podman machine / system connection command lines, and streaming a CLI's output.

Machine commands run against the podman test double (tests/data/podman_double.py):
no VM can boot on the test bed and `podman machine` refuses root, so its transcribed
Podman 4 and 5 outputs stand in for it.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from app.engine.cli import machine_cli
from app.engine.cli.machine_cli import MachineSpec, StreamingCommand
from app.engine.cli.machines import MachineAvailability, list_machines
from app.engine.cli.podman_cli import PodmanCli
from app.engine.connection import Connection

DOUBLE = Path(__file__).resolve().parents[1] / "data" / "podman_double.py"


def double_cli(tmp_path: Path, version: str, **extra: str) -> PodmanCli:
    env = {
        **os.environ,
        "PODMAN_DOUBLE_DIR": str(tmp_path / "double"),
        "PODMAN_DOUBLE_VERSION": version,
        **extra,
    }
    return PodmanCli(str(DOUBLE), env=env)


def test_init_arguments_follow_the_podman_version():
    spec = MachineSpec("dev", cpus=4, memory_mib=4096, disk_gib=50, rootful=True, image="/i.qcow2")
    assert machine_cli.init_args(spec, 4) == [
        "machine",
        "init",
        "--cpus",
        "4",
        "--memory",
        "4096",
        "--disk-size",
        "50",
        "--rootful",
        "--image-path",
        "/i.qcow2",
        "dev",
    ]
    assert "--image" in machine_cli.init_args(spec, 5)
    assert machine_cli.init_args(MachineSpec("m"), 5) == ["machine", "init", "m"]
    assert machine_cli.set_rootful_args("m", False) == ["machine", "set", "--rootful=false", "m"]
    assert machine_cli.podman_major("4.3.1") == 4 and machine_cli.podman_major("") == 5


@pytest.mark.parametrize(
    ("name", "uri", "expected"),
    [
        ("", "ssh://u@h/run/podman/podman.sock", "name"),
        ("a b", "ssh://u@h/run/podman/podman.sock", "spaces"),
        ("box", "tcp://h:1", "ssh://"),
        ("box", "ssh://h/run/podman/podman.sock", "user"),
        ("box", "ssh://u@h", "socket"),
        ("box", "ssh://u@h:99999/run/p.sock", "port"),
        ("box", "ssh://u@h:2222/run/podman/podman.sock", ""),
    ],
)
def test_remote_connections_are_validated_before_podman_sees_them(name, uri, expected):
    problem = machine_cli.validate_remote(name, uri, "")
    assert (expected.lower() in problem.lower()) if expected else problem == ""


def test_missing_identity_file_is_refused(tmp_path):
    problem = machine_cli.validate_remote("b", "ssh://u@h/run/p.sock", str(tmp_path / "nope"))
    assert "does not exist" in problem


def test_readback_warns_when_podman_stored_another_address():
    typed = "ssh://root@127.0.0.1:2222/tmp/x/podman.sock"
    same = Connection("b", typed)
    assert machine_cli.readback_warning("b", typed, same) == ""
    shortened = Connection("b", "ssh://root@127.0.0.1:2222")
    warning = machine_cli.readback_warning("b", typed, shortened)
    assert "ssh://root@127.0.0.1:2222 instead of" in warning
    assert "did not list" in machine_cli.readback_warning("b", typed, None)


def _run(argv, env=None, cancel_after_first_line=False):
    lines, done, result = [], threading.Event(), {}

    def on_line(line):
        lines.append(line)
        if cancel_after_first_line and len(lines) == 1:
            command.cancel()

    def on_done(code, error):
        result.update(code=code, error=error)
        done.set()

    command = StreamingCommand(argv, on_line, on_done, env=env)
    command.start()
    assert done.wait(30), "the command did not end"
    command.join(5)
    return lines, result


@pytest.mark.parametrize("version", ["4", "5"])
def test_machine_lifecycle_streams_output_in_both_formats(tmp_path, version):
    cli = double_cli(tmp_path, version)
    lines, result = _run([cli.executable, "machine", "init", "dev"], cli.env)
    assert result == {"code": 0, "error": ""} and "Machine init complete" in lines
    lines, result = _run([cli.executable, *machine_cli.start_args("dev")], cli.env)
    assert (
        lines[0] == 'Starting machine "dev"' and lines[-1] == 'Machine "dev" started successfully'
    )
    listing = list_machines(cli)
    assert listing.availability is MachineAvailability.OK
    (machine,) = listing.machines
    assert machine.running and machine.memory == 2048 * 1024 * 1024
    assert machine.vm_type == ("qemu" if version == "4" else "applehv")
    _run([cli.executable, *machine_cli.stop_args("dev")], cli.env)
    assert not list_machines(cli).machines[0].running
    _run([cli.executable, *machine_cli.remove_args("dev")], cli.env)
    assert list_machines(cli).machines == []


def test_a_second_machine_cannot_start_and_the_error_is_kept(tmp_path):
    cli = double_cli(tmp_path, "5")
    for name in ("a", "b"):
        _run([cli.executable, "machine", "init", name], cli.env)
    _run([cli.executable, "machine", "start", "a"], cli.env)
    _lines, result = _run([cli.executable, "machine", "start", "b"], cli.env)
    assert result["code"] == 125
    assert "only one VM can be active at a time" in result["error"]


def test_root_refusal_is_a_state(tmp_path):
    listing = list_machines(double_cli(tmp_path, "4", PODMAN_DOUBLE_ROOT="1"))
    assert listing.availability is MachineAvailability.REFUSED_AS_ROOT
    assert "root" in listing.message


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups: Linux and macOS only")
def test_cancel_stops_a_hanging_start(tmp_path):
    cli = double_cli(tmp_path, "4", PODMAN_DOUBLE_HOLD="1")
    _run([cli.executable, "machine", "init", "dev"], cli.env)
    lines, result = _run([cli.executable, "machine", "start", "dev"], cli.env, True)
    assert lines == ['Starting machine "dev"']
    assert result["error"] == "cancelled" and result["code"] != 0


def test_a_missing_executable_is_reported(tmp_path):
    _lines, result = _run([str(tmp_path / "no-podman"), "machine", "list"])
    assert result["code"] == 127 and "cannot run" in result["error"]
