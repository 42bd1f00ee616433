"""A real OpenSSH server on 127.0.0.1: the stand-in for a podman machine's sshd.

From the host's side a machine is an SSH endpoint plus a Podman socket, so a private
sshd (temporary host key, one authorized client key, a free port, stream-local
forwarding allowed) lets every ssh:// path be tested for real.
"""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _keygen(path: Path, kind: str = "ed25519", passphrase: str = "") -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", "pdc-test", "-f", str(path)],
        check=True,
        capture_output=True,
    )


class SshServer:
    """One sshd process; :attr:`client_key` logs in as the current user."""

    def __init__(self, base: Path) -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)
        os.chmod(base, 0o700)
        self.user = getpass.getuser()
        self.port = free_port()
        self.host_key = base / "ssh_host_ed25519_key"
        self.client_key = base / "id_ed25519"
        _keygen(self.host_key)
        _keygen(self.client_key)
        self.authorized_keys = base / "authorized_keys"
        self.authorized_keys.write_text((base / "id_ed25519.pub").read_text())
        os.chmod(self.authorized_keys, 0o600)
        self.config = base / "sshd_config"
        self._proc: subprocess.Popen | None = None

    @property
    def host_public_key(self) -> str:
        """The server's public key line (``ssh-ed25519 AAAA…``)."""
        return " ".join(Path(f"{self.host_key}.pub").read_text().split()[:2])

    def known_hosts_line(self) -> str:
        return f"[127.0.0.1]:{self.port} {self.host_public_key}\n"

    def uri(self, remote_socket: str | Path) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{remote_socket}"

    def start(self) -> None:
        self.config.write_text(
            f"""\
Port {self.port}
ListenAddress 127.0.0.1
HostKey {self.host_key}
AuthorizedKeysFile {self.authorized_keys}
PidFile {self.base}/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
AllowTcpForwarding yes
PermitUserEnvironment no
LogLevel ERROR
"""
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation dir
        log = open(self.base / "sshd.log", "ab")  # noqa: SIM115 - closed with the process
        self._proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(self.config)],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        self._wait_banner()

    def _wait_banner(self, timeout: float = 10.0) -> None:
        # sshd gives no readiness signal; its banner on the port is the signal.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                    if sock.recv(4).startswith(b"SSH-"):
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"sshd did not answer in {timeout}s: {self.log()}")

    def log(self) -> str:
        path = self.base / "sshd.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        """Stop sshd and every session it forked, as a machine that goes away would."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # Each connection's sshd calls setsid(), so the process group alone misses them.
        for pid in [*_descendants(proc.pid), proc.pid]:
            try:
                os.kill(pid, 9 if pid != proc.pid else 15)
            except ProcessLookupError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (read from /proc), children before their parents."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    stack = list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, []))
    return list(reversed(found))
