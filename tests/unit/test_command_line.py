"""The equivalent-command builder: only what was set, quoted for a POSIX shell."""

from __future__ import annotations

import shlex

from app.engine.command_line import CommandLine


def test_only_set_options_appear_and_positionals_come_last() -> None:
    line = CommandLine("run").option("--name", "").option("--memory", None)
    line.arg("busybox", "echo", "it's $HOME")
    line.option("--env", "A=b c").flag("--rm").flag("--tty", False)
    words = line.words()
    assert words == ["podman", "run", "--env=A=b c", "--rm", "busybox", "echo", "it's $HOME"]
    # A shell splits the line back into exactly those words.
    assert shlex.split(str(line)) == words


def test_repeated_options_keep_their_order() -> None:
    line = CommandLine("run").options("--publish", ["127.0.0.1:8080:80/tcp", "9090:90"])
    assert line.words()[2:] == ["--publish=127.0.0.1:8080:80/tcp", "--publish=9090:90"]
