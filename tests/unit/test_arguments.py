"""The one place command-line arguments are checked (app/engine/arguments.py)."""

from __future__ import annotations

import pytest

from app.engine import arguments
from app.engine.arguments import EXIT_USAGE, ArgumentError
from app.engine.connection import Connection
from app.engine.discovery import Discovery


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("bogus://x", "unsupported address"),
        ("ssh://nohost", "remote socket path"),
        ("ssh://core@127.0.0.1:99999/run/podman.sock", "Port"),
        ("ssh://[::1", "Invalid IPv6"),
        ("tcp://[::1:2375", "Invalid IPv6"),
        ("ssh://core:pw@host/run/podman.sock", "passwords"),
        ("unix://", "socket path"),
        ("tcp://nohost", "host and a port"),
        ("npipe:////./pipe/podman", "only on Windows"),
    ],
)
def test_a_uri_that_does_not_parse_is_refused_with_exit_2(value, why):
    with pytest.raises(ArgumentError, match=why) as refused:
        arguments.check_connection(value)
    assert refused.value.code == EXIT_USAGE
    assert "\n" not in refused.value.line


def test_a_well_formed_uri_gives_its_connection_and_a_name_is_left_to_resolve():
    conn = arguments.check_connection("SSH://core@127.0.0.1:2222/run/podman/podman.sock")
    assert conn.uri == "ssh://core@127.0.0.1:2222/run/podman/podman.sock" and conn.is_ssh
    assert arguments.check_connection("/run/x.sock").uri == "unix:///run/x.sock"
    assert arguments.check_connection("devbox") is None
    assert arguments.check_connection("") is None


def test_an_unknown_name_lists_the_names_that_exist():
    found = Discovery([Connection("devbox", "unix:///a.sock"), Connection("m", "unix:///b.sock")])
    assert arguments.resolve_connection("m", found).uri == "unix:///b.sock"
    with pytest.raises(ArgumentError) as refused:
        arguments.resolve_connection("nope", found)
    assert refused.value.code == EXIT_USAGE
    assert refused.value.line == "no connection named 'nope' (the connections are: devbox, m)"
    with pytest.raises(ArgumentError, match="Podman is not installed"):
        arguments.resolve_connection("nope", Discovery(podman_found=False))


def test_an_empty_value_is_a_missing_value_not_the_default():
    assert arguments.check_value("--connection", None) == ""
    for empty in ("", "  "):
        with pytest.raises(ArgumentError, match="--connection needs a value"):
            arguments.check_value("--connection", empty)


@pytest.mark.parametrize("ref", ["web", "a1b2c3", "my_app.db-1"])
def test_container_names_and_ids_pass(ref):
    assert arguments.check_container_ref(ref) == ref


@pytest.mark.parametrize("ref", ["", "-rm", "a/b", "a b", "x\ny", "név"])
def test_what_podman_would_never_name_a_container_is_refused(ref):
    with pytest.raises(ArgumentError, match="not a container name or id") as refused:
        arguments.check_container_ref(ref)
    assert "\n" not in refused.value.line  # a typed newline is shown escaped, one line


def test_a_missing_identity_file_is_refused(tmp_path):
    key = tmp_path / "id"
    key.write_text("k")
    assert arguments.check_file("--identity", str(key)) == str(key)
    assert arguments.check_file("--identity", "") == ""
    with pytest.raises(ArgumentError, match="no such file"):
        arguments.check_file("--identity", str(tmp_path / "missing"))
