"""``podman system connection add``, with what Podman stored read back (blocking).

Podman 4.3 may drop or shorten an ssh:// socket path as it stores it
(docs/podman-notes.md), so the address is compared with what was typed.
"""

from __future__ import annotations

from app.engine import discovery
from app.engine.cli import machine_cli
from app.engine.cli.podman_cli import PodmanCli
from app.engine.errors import CommandFailed


def add_connection(cli: PodmanCli, name: str, uri: str, identity: str) -> str:
    """Add the connection; return a warning when Podman stored another address ("" when
    it stored what was typed). Raises CommandFailed with Podman's words."""
    args = machine_cli.add_connection_args(name, uri, identity)
    result = cli.run(*args, timeout=60)
    if not result.ok:
        raise CommandFailed(" ".join(["podman", *args[:3]]), result.error_text)
    connections, problem = discovery.system_connections(cli)
    if problem:
        return problem
    stored = next((c for c in connections if c.name == name), None)
    return machine_cli.readback_warning(name, uri, stored)
