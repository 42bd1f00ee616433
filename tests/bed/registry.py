"""A real image registry on 127.0.0.1 (Debian's ``docker-registry``, distribution 2.8)
with its own storage, optionally asking for a login (an htpasswd ``auth:`` section) and
optionally serving HTTPS (for clients that insist on TLS: podman-py's pull sends
``tlsVerify=true``, which overrides registries.conf's ``insecure``)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.bed.sshd import free_port

REGISTRY = "/usr/bin/docker-registry"


class Registry:
    """One registry process serving plain HTTP on a free loopback port."""

    def __init__(
        self, base: Path, user: str = "", password: str = "", tls: tuple[Path, Path] | None = None
    ) -> None:
        self.base = base
        self.user, self.password = user, password
        self.tls = tls  # (certificate, key) PEM files: serve HTTPS
        self.port = free_port()
        self._process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return Path(REGISTRY).exists() and (shutil.which("htpasswd") is not None)

    @property
    def address(self) -> str:
        """host:port, as image references name it (``127.0.0.1:PORT/name:tag``)."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        (self.base / "data").mkdir(parents=True, exist_ok=True)
        config = [
            "version: 0.1",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {self.base / 'data'}",
            "http:",
            f"  addr: {self.address}",
        ]
        if self.tls:
            certificate, key = self.tls
            config += ["  tls:", f"    certificate: {certificate}", f"    key: {key}"]
        if self.user:
            users = self.base / "htpasswd"
            entry = subprocess.run(
                ["htpasswd", "-Bbn", self.user, self.password],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            users.write_text(entry)
            config += ["auth:", "  htpasswd:", "    realm: test", f"    path: {users}"]
        (self.base / "config.yml").write_text("\n".join(config) + "\n")
        log = open(self.base / "registry.log", "ab")  # noqa: SIM115 - closed with the process
        self._process = subprocess.Popen(
            [REGISTRY, "serve", str(self.base / "config.yml")],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        self._wait_ready()

    def _wait_ready(self, timeout: float = 20.0) -> None:
        # The registry gives no readiness signal, so poll /v2/ with a deadline.
        handlers: list = [urllib.request.ProxyHandler({})]  # no HTTP_PROXY
        if self.tls:  # readiness only: whether the certificate is trusted is the client's
            handlers.append(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
        direct = urllib.request.build_opener(*handlers)
        scheme = "https" if self.tls else "http"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"docker-registry exited: {self._log()}")
            try:
                direct.open(f"{scheme}://{self.address}/v2/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # 401: it answers, and wants a login
            except (TimeoutError, urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
        raise RuntimeError(f"docker-registry did not answer in {timeout}s: {self._log()}")

    def _log(self) -> str:
        path = self.base / "registry.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def registries_conf(plain: Registry, auth: Registry) -> str:
    """A private registries.conf: both test registries served over plain HTTP (the
    Docker-compatible pull ignores tlsVerify, so "insecure" must be said here), and
    quay.io mirrored by the plain one, so ``quay.io/podman/hello`` is pulled from
    loopback as Podman's mirror support would from any mirror."""
    return "\n".join(
        [
            "unqualified-search-registries = []",
            "",
            "[[registry]]",
            f'location = "{plain.address}"',
            "insecure = true",
            "",
            "[[registry]]",
            f'location = "{auth.address}"',
            "insecure = true",
            "",
            "[[registry]]",
            'prefix = "quay.io"',
            'location = "quay.io"',
            "[[registry.mirror]]",
            f'location = "{plain.address}"',
            "insecure = true",
            "",
        ]
    )
