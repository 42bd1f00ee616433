"""The log file is private: 0600 in a 0700 directory, its rotations too."""

from __future__ import annotations

import logging
import os
import stat

from app.support import log


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_log_and_its_rotations_are_0600_in_a_0700_directory(tmp_path, pdc_logger):
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    state.chmod(0o755)  # as an earlier version (or a umask of 022) left it
    (state / "app.log.1").write_text("older\n")
    (state / "app.log.1").chmod(0o644)
    log_file = log.setup(state / "app.log")
    assert _mode(state) == 0o700
    assert _mode(log_file) == 0o600
    assert _mode(state / "app.log.1") == 0o600  # left by an earlier version: tightened
    log.get("test").warning("before the rotation")
    handler = next(h for h in pdc_logger.handlers if isinstance(h, logging.FileHandler))
    handler.doRollover()
    log.get("test").warning("after the rotation")
    assert "before the rotation" in (state / "app.log.1").read_text()
    assert "after the rotation" in log_file.read_text()
    for path in state.iterdir():
        assert _mode(path) == 0o600, path
