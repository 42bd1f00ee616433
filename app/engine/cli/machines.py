"""``podman machine`` listing: the VMs Podman manages, or why they cannot be listed.

``podman machine`` refuses to run as root and is absent from some builds; both are
states the Machines view explains, not errors to throw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from app.engine.cli.podman_cli import PodmanCli, PodmanMissing, json_rows
from app.support import log

_log = log.get("engine")


class MachineAvailability(Enum):
    OK = "ok"
    REFUSED_AS_ROOT = "refused-as-root"
    PODMAN_MISSING = "podman-missing"
    UNSUPPORTED = "unsupported"  # this podman build has no machine subcommand
    ERROR = "error"


@dataclass(frozen=True)
class Machine:
    """One row of ``podman machine list --format json`` (Podman 4 and 5)."""

    name: str
    default: bool = False
    running: bool = False
    starting: bool = False
    vm_type: str = ""
    cpus: int = 0
    memory: int = 0  # bytes
    disk_size: int = 0  # bytes
    port: int = 0
    remote_username: str = ""
    identity_path: str = ""
    created: str = ""
    last_up: str = ""
    user_mode_networking: bool = False

    @property
    def state(self) -> str:
        if self.starting:
            return "starting"
        return "running" if self.running else "stopped"

    @classmethod
    def from_json(cls, data: dict) -> Machine:
        return cls(
            # Podman 4 marks the default machine with a trailing "*" in some outputs.
            name=_text(data.get("Name")).rstrip("*"),
            default=data.get("Default") is True,
            running=data.get("Running") is True,
            starting=data.get("Starting") is True,
            vm_type=_text(data.get("VMType")),
            cpus=_int(data.get("CPUs")),
            memory=_int(data.get("Memory")),
            disk_size=_int(data.get("DiskSize")),
            port=_int(data.get("Port")),
            remote_username=_text(data.get("RemoteUsername")),
            identity_path=_text(data.get("IdentityPath")),
            created=_text(data.get("Created")),
            last_up=_text(data.get("LastUp")),
            user_mode_networking=data.get("UserModeNetworking") is True,
        )


def _text(value: object) -> str:
    # A field of the wrong type reads as absent, not as its Python spelling ("None").
    return value if isinstance(value, str) else ""


def _int(value: object) -> int:
    # Memory and DiskSize arrive as strings of bytes in Podman 4 and 5.
    try:
        return int(str(value).strip() or 0)
    except ValueError:  # also "inf", "1.5", "None"
        return 0


@dataclass(frozen=True)
class MachineListing:
    availability: MachineAvailability
    machines: list[Machine] = field(default_factory=list)
    message: str = ""


ROOT_EXPLANATION = (
    "Podman refuses to manage machines as root. Podman machines are virtual machines for "
    "macOS, Windows, or a non-root Linux user; as root on Linux, containers run natively "
    "and no machine is needed."
)


def list_machines(cli: PodmanCli) -> MachineListing:
    """Run ``podman machine list`` and say why when there is nothing to list."""
    try:
        result = cli.run("machine", "list", "--format", "json", timeout=30)
    except PodmanMissing as exc:
        return MachineListing(MachineAvailability.PODMAN_MISSING, message=str(exc))
    if not result.ok:
        return MachineListing(_availability_for(result.stderr), message=_message_for(result))
    try:
        rows = json_rows(result.stdout, "podman machine list")
    except ValueError:
        return MachineListing(
            MachineAvailability.ERROR, message="podman machine list printed something unreadable"
        )
    machines = [Machine.from_json(row) for row in rows]
    unnamed = [m for m in machines if not m.name]
    if unnamed:
        _log.warning("podman machine list: skipped %d entries without a name", len(unnamed))
    return MachineListing(MachineAvailability.OK, [m for m in machines if m.name])


def _availability_for(stderr: str) -> MachineAvailability:
    if "as root" in stderr:
        return MachineAvailability.REFUSED_AS_ROOT
    if "unknown command" in stderr or "unrecognized command" in stderr:
        return MachineAvailability.UNSUPPORTED
    return MachineAvailability.ERROR


def _message_for(result) -> str:
    availability = _availability_for(result.stderr)
    if availability is MachineAvailability.REFUSED_AS_ROOT:
        return ROOT_EXPLANATION
    if availability is MachineAvailability.UNSUPPORTED:
        return "This Podman was built without `podman machine`."
    return result.error_text
