"""The embedded default: a local Podman service when nothing listens yet (Linux).

If systemd manages a ``podman.socket`` unit the user is offered to enable it, so the
docker CLI keeps working after the app exits; otherwise the app runs
``podman system service`` on a socket of its own and stops it on exit.
Blocking calls here run off the GUI thread.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from app.engine.cli.podman_cli import PodmanCli, PodmanMissing
from app.support import log, paths

_log = log.get("engine")

_SYSTEM_UNIT_DIRS = ("/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system")
_USER_UNIT_DIRS = ("/etc/systemd/user", "/usr/lib/systemd/user", "/lib/systemd/user")


def is_listening(path: str, timeout: float = 2.0) -> bool:
    """Whether something accepts connections on the unix socket ``path``."""
    if not path or not os.path.exists(path):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class SocketUnit:
    """A systemd ``podman.socket`` unit that could serve the local API."""

    path: str
    user: bool  # a --user unit (rootless) rather than a system one

    def enable_command(self) -> list[str]:
        scope = ["--user"] if self.user else []
        return ["systemctl", *scope, "enable", "--now", "podman.socket"]


def find_socket_unit() -> SocketUnit | None:
    """The podman.socket unit, when systemd runs and has one; None otherwise."""
    if not sys.platform.startswith("linux") or not os.path.isdir("/run/systemd/system"):
        return None  # no systemd as init (containers, WSL without systemd): nothing to enable
    rootful = hasattr(os, "geteuid") and os.geteuid() == 0
    dirs = (
        _SYSTEM_UNIT_DIRS
        if rootful
        else (str(Path.home() / ".config/systemd/user"), *_USER_UNIT_DIRS)
    )
    for directory in dirs:
        unit = os.path.join(directory, "podman.socket")
        if os.path.exists(unit):
            return SocketUnit(unit, user=not rootful)
    return None


def enable_socket_unit(unit: SocketUnit) -> tuple[bool, str]:
    """Run ``systemctl enable --now podman.socket``; returns (ok, message)."""
    try:
        proc = subprocess.run(
            unit.enable_command(),
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"systemctl failed: {exc}"
    if proc.returncode != 0:
        return False, proc.stderr.strip() or f"systemctl exited with {proc.returncode}"
    return True, ""


class OwnService:
    """``podman system service --time=0`` on a private socket, owned by the app."""

    def __init__(self, cli: PodmanCli, socket_path: Path, log_path: Path) -> None:
        self.cli = cli
        self.socket_path = socket_path
        # The service's own messages go to a file: a pipe nobody drains would stall it.
        self.log_path = log_path
        self._proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 20.0) -> None:
        """Start the service and return once it accepts connections.

        Raises PodmanMissing, or RuntimeError with Podman's own words when it exits.
        """
        if not self.cli.executable:
            raise PodmanMissing("podman is not installed")
        if self.socket_path.exists() and not is_listening(str(self.socket_path)):
            self.socket_path.unlink()  # a stale socket from a crashed run
        _log.info("starting podman system service on %s", self.uri)
        paths.ensure_private_dir(self.log_path.parent)
        with open(paths.ensure_private_file(self.log_path), "ab") as service_log:
            self._proc = subprocess.Popen(
                [self.cli.executable, "system", "service", "--time=0", self.uri],
                stdin=subprocess.DEVNULL,
                stdout=service_log,
                stderr=service_log,
                env=self.cli.env,
                start_new_session=True,  # a Ctrl+C in the terminal is the app's to handle
            )
        deadline = time.monotonic() + timeout
        # The service prints nothing when ready; its socket accepting is the signal.
        while not is_listening(str(self.socket_path), timeout=1.0):
            if self._proc.poll() is not None:
                err = self._log_tail()
                self._proc = None
                raise RuntimeError(f"podman system service exited: {err or 'no message'}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"podman system service did not start within {timeout:.0f} s")
            time.sleep(0.05)
        os.chmod(self.socket_path, 0o600)

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        _log.info("stopping the app's podman service")
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout)
        try:
            self.socket_path.unlink()
        except FileNotFoundError:
            pass
