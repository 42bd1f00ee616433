"""Uncaught exceptions: logged with the traceback, shown once, the app goes on."""

from __future__ import annotations

import threading

from app.controllers.crash import CrashHandler
from app.support import log


def test_uncaught_errors_are_logged_and_shown_once(qtbot, tmp_path):
    log_file = log.setup(tmp_path / "app.log")
    shown: list[tuple[str, str]] = []
    handler = CrashHandler(str(log_file), lambda summary, path: shown.append((summary, path)))
    handler.install()
    try:

        def boom(message: str) -> None:
            raise ValueError(message)

        for message in ("first failure", "second failure"):
            with qtbot.waitSignal(handler.crashed, timeout=5000):
                worker = threading.Thread(target=boom, args=(message,))
                worker.start()
                worker.join()
    finally:
        handler.uninstall()
    assert shown == [("ValueError: first failure", str(log_file))]  # one dialog per run
    text = log_file.read_text()
    assert "Traceback (most recent call last)" in text
    assert "ValueError: second failure" in text


def test_log_file_is_size_capped(tmp_path):
    log.setup(tmp_path / "capped.log")
    logger = log.get("test")
    for index in range(30_000):
        logger.info("line %d %s", index, "x" * 60)
    files = sorted(tmp_path.glob("capped.log*"))
    assert 1 < len(files) <= log.BACKUPS + 1
    assert all(f.stat().st_size <= log.MAX_BYTES + 200 for f in files)
