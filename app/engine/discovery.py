"""Finding the connections a user has: Podman's list, local sockets, and which to open.

Blocking (runs podman): callers keep it off the GUI thread.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from app.engine.cli.podman_cli import PodmanCli, PodmanMissing, json_rows
from app.engine.connection import Connection
from app.support import log

_log = log.get("engine")

LOCAL_NAME = "local"


@dataclass(frozen=True)
class Discovery:
    """What discovery found: every connection, and problems worth telling the user."""

    connections: list[Connection] = field(default_factory=list)
    podman_found: bool = True
    podman_version: str = ""
    problems: list[str] = field(default_factory=list)

    def by_name(self, name: str) -> Connection | None:
        return next((c for c in self.connections if c.name == name), None)

    @property
    def default(self) -> Connection | None:
        return next((c for c in self.connections if c.is_default), None)

    @property
    def local(self) -> Connection | None:
        return next((c for c in self.connections if c.source == "local"), None)


def local_socket_path() -> str | None:
    """Where the local Podman service listens (or would), or None where there is none.

    PDC_LOCAL_SOCKET overrides it (a Podman run with a non-default socket; the tests).
    """
    override = os.environ.get("PDC_LOCAL_SOCKET")
    if override:
        return override
    if not sys.platform.startswith("linux"):
        return None  # macOS and Windows reach Podman through a machine
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return "/run/podman/podman.sock"
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return f"{runtime}/podman/podman.sock"


def parse_connection_list(text: str) -> list[Connection]:
    """Parse ``podman system connection list --format json`` (Podman 4 and 5).

    Raises ValueError for text that is not a JSON list; an entry without a name and a URI
    is skipped with a log line.
    """
    connections = []
    for row in json_rows(text, "podman system connection list"):
        name, uri = row.get("Name"), row.get("URI")
        if not (isinstance(name, str) and name and isinstance(uri, str) and uri):
            _log.warning(
                "podman system connection list: skipped an entry without a name and a URI: %.200r",
                row,
            )
            continue
        connections.append(
            Connection(
                name=name,
                uri=uri,
                identity=_text(row.get("Identity")),
                # Podman 4.3 has no IsMachine field: a machine's URI points at 127.0.0.1
                # and its identity lives under .../containers/podman/machine/.
                is_machine=bool(row.get("IsMachine", _looks_like_machine(row))),
                is_default=bool(row.get("Default", False)),
                source="podman",
            )
        )
    return connections


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _looks_like_machine(row: dict) -> bool:
    identity = _text(row.get("Identity"))
    return "/podman/machine/" in identity.replace("\\", "/")


def system_connections(cli: PodmanCli) -> tuple[list[Connection], str]:
    """Podman's own connection list, or an empty list and the reason."""
    result = cli.run("system", "connection", "list", "--format", "json", timeout=30)
    if not result.ok:
        return [], f"podman system connection list failed: {result.error_text}"
    try:
        return parse_connection_list(result.stdout), ""
    except ValueError as exc:
        return [], f"podman system connection list printed something unreadable: {exc}"


def discover(cli: PodmanCli) -> Discovery:
    """Every connection: Podman's list first, then the local socket if not already in it."""
    problems: list[str] = []
    connections: list[Connection] = []
    version = ""
    found = cli.available
    if found:
        # The two commands run side by side: each is a podman start (~70 ms here), and
        # the app connects only once the list is read (launch time).
        with ThreadPoolExecutor(1, thread_name_prefix="podman-version") as beside:
            asked = beside.submit(cli.version)
            try:
                connections, problem = system_connections(cli)
                if problem:
                    problems.append(problem)
                version = asked.result()
            except PodmanMissing as exc:
                found = False
                problems.append(str(exc))
    local = local_socket_path()
    if local and not any(c.uri == f"unix://{local}" for c in connections):
        connections.append(Connection(LOCAL_NAME, f"unix://{local}", source="local"))
    _log.info("discovered %d connection(s)", len(connections))
    return Discovery(connections, podman_found=found, podman_version=version, problems=problems)


def choose_connection(discovery: Discovery, last_active: str = "") -> Connection | None:
    """docs/architecture.md, "Which connection": the last active if it still exists, else Podman's
    default, else the local socket."""
    if last_active:
        chosen = discovery.by_name(last_active)
        if chosen is not None:
            return chosen
    return discovery.default or discovery.local
