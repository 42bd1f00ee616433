"""Connection discovery and machine listing against the real podman CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.engine.cli.machines import MachineAvailability, list_machines
from app.engine.cli.podman_cli import PodmanCli
from app.engine.connection import Connection
from app.engine.discovery import (
    Discovery,
    choose_connection,
    discover,
    parse_connection_list,
)
from tests.conftest import linux_only

pytestmark = linux_only


@pytest.fixture
def cli(tmp_path):
    """A podman CLI whose connection list lives in a temporary containers.conf."""
    conf = tmp_path / "containers.conf"
    conf.write_text(Path(os.environ["CONTAINERS_CONF"]).read_text())
    return PodmanCli(env={**os.environ, "CONTAINERS_CONF": str(conf)})


def test_discovers_connections_added_with_podman(cli, tmp_path):
    key = tmp_path / "id_ed25519"
    key.write_text("not used: podman stores the path only\n")
    uri = "ssh://core@127.0.0.1:40123/run/user/1000/podman/podman.sock"
    assert cli.run("system", "connection", "add", "--identity", str(key), "devbox", uri).ok
    assert cli.run("system", "connection", "add", "other", "unix:///run/other.sock").ok
    assert cli.run("system", "connection", "default", "other").ok

    found = discover(cli)

    devbox = found.by_name("devbox")
    assert devbox is not None and devbox.is_ssh and devbox.identity == str(key)
    # Podman 4.3 may rewrite ssh socket paths (docs/podman-notes.md, "Podman 4.3 rewrites
    # ssh:// socket paths"): compare with what it stored.
    stored = json.loads(cli.run("system", "connection", "list", "--format", "json").stdout)
    assert devbox.uri == next(r["URI"] for r in stored if r["Name"] == "devbox")
    assert found.default is not None and found.default.name == "other"
    assert found.local is not None and found.local.uri.startswith("unix://")
    assert found.podman_version and found.podman_found


def test_choose_connection_order():
    local = Connection("local", "unix:///run/podman/podman.sock", source="local")
    default = Connection("remote", "ssh://a@b/run/p.sock", is_default=True)
    other = Connection("other", "unix:///x.sock")
    found = Discovery([default, other, local])
    assert choose_connection(found, last_active="other") is other  # last active first
    assert choose_connection(found, last_active="gone") is default  # then Podman's default
    assert choose_connection(Discovery([other, local])) is local  # then the local socket


def test_parses_podman_4_and_5_connection_lists():
    podman4 = (
        '[{"Name":"m","URI":"ssh://core@127.0.0.1:1/run/user/1/podman/podman.sock",'
        '"Identity":"/home/u/.local/share/containers/podman/machine/m","Default":true}]'
    )
    podman5 = (
        '[{"Name":"m","URI":"ssh://core@127.0.0.1:1/run/user/1/podman/podman.sock",'
        '"Identity":"/k","IsMachine":true,"Default":false,"ReadWrite":true}]'
    )
    (four,), (five,) = parse_connection_list(podman4), parse_connection_list(podman5)
    assert four.is_machine and four.is_default
    assert five.is_machine and not five.is_default and five.identity == "/k"


def test_missing_podman_is_a_state_not_a_crash(tmp_path):
    cli = PodmanCli.configured(str(tmp_path / "no-podman-here"))
    assert not cli.available
    found = discover(cli)
    assert not found.podman_found
    listing = list_machines(cli)
    assert listing.availability is MachineAvailability.PODMAN_MISSING


def test_machine_list_reports_refusal_as_root(cli):
    listing = list_machines(cli)
    if os.geteuid() == 0:
        assert listing.availability is MachineAvailability.REFUSED_AS_ROOT
        assert "root" in listing.message and not listing.machines
    else:  # a non-root user without VMs gets an honest empty list
        assert listing.availability is MachineAvailability.OK
