"""A private D-Bus session bus, so a test can reach the app's accessibility bus (AT-SPI)
without touching the user's own session.

Qt, with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``, asks the session bus for the
accessibility bus (``org.a11y.Bus``); the bus starts at-spi2-core's launcher for it on
first use, which runs the accessibility bus and its registry. All of them live in the
process group started here, and go with it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
SYSTEM_PYTHON = "/usr/bin/python3"


class SessionBus:
    def __init__(self) -> None:
        self.address = ""
        self._proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        """dbus-daemon, at-spi2-core and python3-pyatspi (for the system Python)."""
        if shutil.which("dbus-daemon") is None or not os.path.exists(LAUNCHER):
            return False
        probe = subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, timeout=30
        )
        return probe.returncode == 0

    def start(self) -> str:
        self._proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own group: the launcher it starts goes with it
        )
        self.address = self._proc.stdout.readline().strip()  # printed once it listens
        if not self.address:
            self.stop()
            raise RuntimeError("dbus-daemon did not start")
        return self.address

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        proc.stdout.close()
