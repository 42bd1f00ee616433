"""What a new pod is made of, as the create-pod dialog fills it in: the libpod
PodSpecGenerator body it is sent as, the ``podman pod create`` line it equals, and the
checks a value must pass before Podman is asked (plain data, no I/O)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from app.engine.command_line import CommandLine

# The kernel namespaces a pod can share, and those Podman shares when not told
# (docs/podman-notes.md, "Pods and Kubernetes YAML").
NAMESPACES = ("cgroup", "ipc", "net", "pid", "uts")
DEFAULT_SHARED = ("ipc", "net", "uts")
PROTOCOLS = ("tcp", "udp", "sctp")
# What Podman accepts as a pod (or container) name.
NAME_PATTERN = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")


@dataclass(frozen=True)
class PublishedPort:
    """One published port: ``host_ip:host_port:container_port/protocol``; host_port 0
    lets Podman choose a free one."""

    container_port: int
    host_port: int = 0
    host_ip: str = ""
    protocol: str = "tcp"

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"container_port": self.container_port, "protocol": self.protocol}
        if self.host_port:
            body["host_port"] = self.host_port
        if self.host_ip:
            body["host_ip"] = self.host_ip
        return body

    def flag(self) -> str:
        """The ``-p`` value: ``127.0.0.1:8080:80``, ``8080:80/udp``, ``127.0.0.1::80``."""
        host = str(self.host_port) if self.host_port else ""
        ip = f"[{self.host_ip}]" if ":" in self.host_ip else self.host_ip
        text = f"{ip}:{host}:{self.container_port}" if ip else f"{host}:{self.container_port}"
        if not ip and not host:
            text = str(self.container_port)
        return text if self.protocol == "tcp" else f"{text}/{self.protocol}"


@dataclass(frozen=True)
class PodSpec:
    """A pod to create. ``shared`` None means Podman's default namespaces."""

    name: str
    ports: tuple[PublishedPort, ...] = ()
    shared: tuple[str, ...] | None = None
    infra: bool = True
    labels: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The PodSpecGenerator of ``POST /libpod/pods/create`` (4.0 and later)."""
        body: dict[str, Any] = {"name": self.name}
        if self.labels:
            body["labels"] = dict(self.labels)
        if not self.infra:
            # Podman refuses shared namespaces without infra, and silently drops ports.
            body["no_infra"] = True
            return body
        if self.ports:
            body["portmappings"] = [p.body() for p in self.ports]
        if self.shared is not None:
            body["shared_namespaces"] = list(self.shared) or ["none"]
        return body

    def command(self) -> str:
        line = CommandLine("pod", "create").option("--name", self.name)
        if self.infra:
            line.options("--publish", [p.flag() for p in self.ports])
            if self.shared is not None and sorted(self.shared) != sorted(DEFAULT_SHARED):
                line.option("--share", ",".join(sorted(self.shared)) or "none")
        else:
            line.option("--infra", "false")
        line.options("--label", [f"{k}={v}" if v else k for k, v in self.labels.items()])
        return str(line)


# -- checks: each gives the reason a value is wrong, "" when it is fine ----------------


def name_problem(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    if not name:
        return "A pod needs a name."
    if not NAME_PATTERN.fullmatch(name):
        return (
            "Use letters, digits, “_”, “.” and “-”, starting with a letter or digit "
            "(Podman's rule for names)."
        )
    if name in taken:
        return f"A pod named “{name}” already exists."
    return ""


def port_problem(text: str, what: str, optional: bool = False) -> str:
    if not text.strip():
        return "" if optional else f"The {what} is needed."
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        return f"The {what} must be a number from 1 to 65535."
    return ""


def host_ip_problem(text: str) -> str:
    if not text.strip():
        return ""
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return f"“{text.strip()}” is not an IP address (for example 127.0.0.1 or 0.0.0.0)."
    return ""


def parse_labels(text: str) -> tuple[dict[str, str], str]:
    """``key=value`` per line (or comma-separated) -> (labels, the first problem)."""
    labels: dict[str, str] = {}
    for raw in re.split(r"[\n,]", text):
        entry = raw.strip()
        if not entry:
            continue
        key, _, value = entry.partition("=")
        key = key.strip()
        if not key or any(c.isspace() for c in key):
            return labels, f"“{entry}” is not a label: write key=value."
        labels[key] = value.strip()
    return labels, ""
