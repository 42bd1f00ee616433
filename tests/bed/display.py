"""A real X display (Xvfb) for the tests that need one: tray icons, real windows."""

from __future__ import annotations

import os
import shutil
import subprocess


class VirtualDisplay:
    """An Xvfb server on a free display number, chosen by Xvfb itself (-displayfd)."""

    def __init__(self, size: str = "1280x800x24") -> None:
        self.size = size
        self.display = ""
        self._proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("Xvfb") is not None

    def start(self) -> str:
        read_fd, write_fd = os.pipe()
        self._proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", self.size, "-nolisten", "tcp"],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()  # Xvfb writes the number once it is ready
        if not number:
            self.stop()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        return self.display

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
