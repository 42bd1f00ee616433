"""Bad arguments, as a user types them: `python -m app …` in a subprocess, first with no
instance running, then handed to a real running instance, which must answer with the
same exit code and line the first launch gives."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.bed.podman import TEST_IMAGE
from tests.ui.test_app_process import AppProcess

APP_ID = "podman-desktop-companion"
# A bad argument is refused before anything starts: the process is gone well before this.
PROMPT_S = 30


def _private_env() -> dict[str, str]:
    """The app's own config, state and runtime dirs, so no other instance answers."""
    home = Path(tempfile.mkdtemp(prefix="arg-", dir=os.environ["XDG_CACHE_HOME"]))
    for name in ("config", "state", "runtime"):
        (home / name).mkdir(mode=0o700)
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
    }


@pytest.fixture
def env() -> dict[str, str]:
    return _private_env()


def launch(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=PROMPT_S,
        env=env,
    )


def assert_refused(proc: subprocess.CompletedProcess, code: int, text: str) -> None:
    """Exit ``code`` with one line on stderr that says ``text``, and no traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"{APP_ID}: ") and text in lines[0], lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout


MALFORMED = [
    (["--connection", "bogus://x"], "bogus://x: unsupported address"),
    (["--connection", "ssh://nohost"], "needs the remote socket path"),
    (["--connection", "ssh://[::1"], "Invalid IPv6 URL"),
    (["--connection", "npipe:////./pipe/podman"], "only on Windows"),
    (["--connection", ""], "--connection needs a value"),
    (["--connection", "no-such-connection"], "no connection named 'no-such-connection'"),
    (["inspect", "bad/name"], "'bad/name' is not a container name or id"),
    (["inspect", "web", "--connection", "bogus://x"], "unsupported address"),
]


@pytest.mark.parametrize(("args", "text"), MALFORMED)
def test_a_malformed_argument_is_one_line_and_exit_2_before_anything_starts(args, text, env):
    proc = launch(*args, env=env)
    assert_refused(proc, 2, text)
    assert proc.stdout == ""
    assert not (Path(env["XDG_RUNTIME_DIR"]) / APP_ID / "instance.sock").exists()


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["ping", "--connection", "ssh://nohost"], "needs the remote socket path"),
        (["ping", "--connection", "tcp://[::1:2375"], "Invalid IPv6 URL"),
        (["ping", "--identity", "/nonexistent/key"], "--identity /nonexistent/key: no such file"),
        (
            ["proxy", "--listen", "unix:///tmp/pdc-x.sock", "--upstream", "ssh://nohost"],
            "needs the remote socket path",
        ),
    ],
)
def test_headless_commands_refuse_a_malformed_argument_the_same_way(args, text, env):
    proc = launch(*args, env=env)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_inspecting_a_missing_container_is_exit_1(podman, env):
    proc = launch("inspect", "no-such-container", "--connection", podman.uri, env=env)
    assert_refused(proc, 1, f"no container 'no-such-container' on {podman.uri}")


def test_a_running_instance_answers_as_the_first_launch_would(podman, env):
    """Each bad argument handed to a running instance gets the first launch's code and
    line; a good one is carried out (a switch, an inspector) and answered with 0."""
    podman.cli("run", "-d", "--name", "handed-over", TEST_IMAGE, "sleep", "600")
    refused = [
        *MALFORMED,
        (["inspect", "no-such-container", "--connection", podman.uri], "no container"),
    ]
    first = {tuple(args): launch(*args, env=_private_env()) for args, _text in refused}
    app = AppProcess("--connection", podman.uri, env=env)
    try:
        app.wait_for(f"{podman.uri}: connected")
        for args, text in refused:
            second = launch(*args, env=env)
            assert_refused(second, first[tuple(args)].returncode, text)
            assert second.stderr == first[tuple(args)].stderr
        # a container the instance's connection does not have
        missing = launch("inspect", "no-such-container", env=env)
        assert_refused(missing, 1, f"no container 'no-such-container' on {podman.uri}")

        shown = launch("inspect", "handed-over", env=env)
        assert shown.returncode == 0, shown.stderr
        assert "opens the inspector of handed-over" in shown.stdout
        app.wait_for("inspecting container handed-over")

        # the same service by another spelling: a real switch, which connects
        switched = launch("--connection", podman.socket_path, env=env)
        assert switched.returncode == 0, switched.stderr
        assert f"switches to unix://{podman.socket_path}" in switched.stdout
        app.wait_for(f"unix://{podman.socket_path}: connected")
    finally:
        code = app.stop()
    assert code == 0
    assert not any("Traceback" in line for line in app.seen)


def test_the_window_opens_on_a_connection_that_does_not_answer_and_says_why(env):
    """Well-formed but unreachable: not an argument error for the window, which stays
    open and explains; a second launch naming it is answered 0."""
    nothing = f"unix://{env['XDG_RUNTIME_DIR']}/nothing.sock"
    app = AppProcess("--connection", nothing, env=env)
    try:
        line = app.wait_for(f"{nothing}: not-connected")  # it never answered: not "lost"
        assert "nothing is listening" in line
        assert app.proc.poll() is None
        again = launch("--connection", nothing, env=env)
        assert again.returncode == 0, again.stderr
        assert "already running; it was brought to the front" in again.stdout
    finally:
        code = app.stop()
    assert code == 0
    assert not any("Traceback" in line for line in app.seen)
