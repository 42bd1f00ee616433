"""What ``podman run`` is asked to do, as one record: the run dialog fills a RunSpec,
``to_api()`` turns it into the libpod SpecGenerator body that ``POST /containers/create``
takes, and ``to_command()`` into the equivalent ``podman run …`` line.

Both come from the same record, so the command a learner copies makes the same
container as the dialog (tests/integration/test_container_run.py runs both and compares
their inspect data). An option appears in the command only when it was set.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from app.engine.command_line import CommandLine

# The SpecGenerator's CPU period: `podman run --cpus=N` sets quota = N × this period
# (Podman's default CFS period, 100 ms), and inspect reports NanoCpus = N × 1e9.
CPU_PERIOD = 100_000
SECRET_FILE_MODE = 0o444
RESTART_POLICIES = ("no", "on-failure", "always", "unless-stopped")


@dataclass
class PortSpec:
    """One published port: ``-p [host_ip:][host_port:]container_port[/protocol]``."""

    container_port: int
    host_port: int = 0  # 0: Podman picks a free one
    host_ip: str = ""  # "": every interface
    protocol: str = "tcp"

    def option(self) -> str:
        ip = f"[{self.host_ip}]" if ":" in self.host_ip else self.host_ip
        host = str(self.host_port) if self.host_port else ""
        head = f"{ip}:{host}:" if ip else (f"{host}:" if host else "")
        tail = "" if self.protocol == "tcp" else f"/{self.protocol}"
        return f"{head}{self.container_port}{tail}"


@dataclass
class MountSpec:
    """A named volume (``kind="volume"``, created by Podman when it does not exist) or a
    host directory (``kind="bind"``) mounted at ``target``."""

    kind: str  # "volume" or "bind"
    source: str
    target: str
    read_only: bool = False
    selinux: str = ""  # "", "z" (shared label) or "Z" (private label)

    def options(self) -> list[str]:
        return (["ro"] if self.read_only else []) + ([self.selinux] if self.selinux else [])

    def option(self) -> str:
        opts = ",".join(self.options())
        return f"{self.source}:{self.target}" + (f":{opts}" if opts else "")


@dataclass
class NetworkSpec:
    """A network to join, with an optional static address of each family and aliases."""

    name: str
    ipv4: str = ""
    ipv6: str = ""
    aliases: list[str] = field(default_factory=list)

    def option(self) -> str:
        extra = [f"ip={self.ipv4}"] if self.ipv4 else []
        extra += [f"ip6={self.ipv6}"] if self.ipv6 else []
        extra += [f"alias={a}" for a in self.aliases]
        return self.name + (":" + ",".join(extra) if extra else "")


@dataclass
class SecretSpec:
    """A secret given to the container: as a file under /run/secrets (``target`` its
    file name, "" for the secret's name) or as the environment variable ``target``."""

    name: str
    as_env: bool = False
    target: str = ""

    def option(self) -> str:
        if self.as_env:
            return f"{self.name},type=env,target={self.target or self.name}"
        return f"{self.name},target={self.target}" if self.target else self.name


@dataclass
class RunSpec:
    """Everything a run can set; empty values are left to Podman and the image."""

    image: str
    name: str = ""
    command: list[str] = field(default_factory=list)
    entrypoint: list[str] | None = None  # None: the image's; [] would clear it
    workdir: str = ""
    user: str = ""
    env: dict[str, str] = field(default_factory=dict)
    ports: list[PortSpec] = field(default_factory=list)
    publish_all: bool = False
    mounts: list[MountSpec] = field(default_factory=list)
    networks: list[NetworkSpec] = field(default_factory=list)
    restart: str = ""  # "" (Podman's default, no) or one of RESTART_POLICIES
    restart_retries: int = 0  # on-failure only; 0: no limit
    cpus: float = 0.0
    memory: int = 0  # bytes
    labels: dict[str, str] = field(default_factory=dict)
    secrets: list[SecretSpec] = field(default_factory=list)
    pod: str = ""
    interactive: bool = False
    tty: bool = False
    remove: bool = False

    # -- the API body ------------------------------------------------------------------

    def to_api(self) -> dict:
        """The libpod SpecGenerator body (Podman 4.x field names)."""
        body: dict = {"image": self.image}
        simple = {
            "name": self.name,
            "command": self.command,
            "work_dir": self.workdir,
            "user": self.user,
            "env": self.env,
            "labels": self.labels,
            "pod": self.pod,
            "terminal": self.tty,
            "stdin": self.interactive,
            "remove": self.remove,
            "publish_image_ports": self.publish_all,
        }
        body.update({k: v for k, v in simple.items() if v})
        if self.entrypoint is not None:
            body["entrypoint"] = self.entrypoint
        if self.ports:
            body["portmappings"] = [
                {
                    "container_port": p.container_port,
                    "host_port": p.host_port,
                    "host_ip": p.host_ip,
                    "protocol": p.protocol,
                }
                for p in self.ports
            ]
        volumes = [m for m in self.mounts if m.kind == "volume"]
        binds = [m for m in self.mounts if m.kind == "bind"]
        if volumes:
            body["volumes"] = [
                {"Name": m.source, "Dest": m.target, "Options": m.options()} for m in volumes
            ]
        if binds:
            body["mounts"] = [
                {
                    "destination": m.target,
                    "type": "bind",
                    "source": m.source,
                    "options": m.options(),
                }
                for m in binds
            ]
        if self.networks:
            body["netns"] = {"nsmode": "bridge"}
            body["Networks"] = {n.name: _network_options(n) for n in self.networks}
        if self.restart:
            body["restart_policy"] = self.restart
            if self.restart == "on-failure" and self.restart_retries:
                body["restart_tries"] = self.restart_retries
        limits: dict = {}
        if self.cpus:
            limits["cpu"] = {"quota": round(self.cpus * CPU_PERIOD), "period": CPU_PERIOD}
        if self.memory:
            limits["memory"] = {"limit": self.memory}
        if limits:
            body["resource_limits"] = limits
        files = [s for s in self.secrets if not s.as_env]
        if files:
            # Mode 0444 as `podman run --secret` gives; the API's zero value would be 0000.
            body["secrets"] = [
                {"Source": s.name, "Target": s.target, "Mode": SECRET_FILE_MODE} for s in files
            ]
        envs = {s.target or s.name: s.name for s in self.secrets if s.as_env}
        if envs:
            body["secret_env"] = envs
        # Recorded as the CLI records its own (inspect's Config.CreateCommand), so the
        # container tells how it was made, and Duplicate… can read back what inspect
        # does not carry (container_copy).
        body["containerCreateCommand"] = self.to_command().words()
        return body

    # -- the command line --------------------------------------------------------------

    def to_command(self) -> CommandLine:
        """The equivalent ``podman run …``: detached unless it is interactive with a TTY
        (then a terminal is what the user wants)."""
        line = CommandLine("run")
        line.flag("-d", not (self.interactive and self.tty))
        line.option("--name", self.name)
        line.flag("-i", self.interactive)
        line.flag("-t", self.tty)
        line.flag("--rm", self.remove)
        line.option("--pod", self.pod)
        line.options("-p", [p.option() for p in self.ports])
        line.flag("-P", self.publish_all)
        for m in self.mounts:
            line.option("-v", m.option())
        line.options("-e", [f"{k}={v}" for k, v in self.env.items()])
        line.options("--network", [n.option() for n in self.networks])
        restart = self.restart
        if restart == "on-failure" and self.restart_retries:
            restart = f"on-failure:{self.restart_retries}"
        line.option("--restart", restart)
        line.option("--cpus", format_cpus(self.cpus) if self.cpus else None)
        line.option("--memory", format_memory(self.memory) if self.memory else None)
        line.options("--label", [f"{k}={v}" for k, v in self.labels.items()])
        line.options("--secret", [s.option() for s in self.secrets])
        line.option("--workdir", self.workdir)
        line.option("--user", self.user)
        if self.entrypoint is not None:
            # --entrypoint takes one word, or a JSON array for several.
            entry = self.entrypoint
            line.option("--entrypoint", entry[0] if len(entry) == 1 else _json_list(entry))
        line.arg(self.image)
        line.arg(*self.command)
        return line


def _network_options(network: NetworkSpec) -> dict:
    options: dict = {}
    ips = [ip for ip in (network.ipv4, network.ipv6) if ip]
    if ips:
        options["static_ips"] = ips
    if network.aliases:
        options["aliases"] = list(network.aliases)
    return options


def _json_list(words: list[str]) -> str:
    return json.dumps(words)


# -- the small grammars the fields use ------------------------------------------------

_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_memory(text: str) -> int:
    """``512m``, ``1g``, ``1.5g``, ``65536`` (bytes) → bytes, as Podman reads ``--memory``;
    raises ValueError."""
    value = text.strip().lower()
    unit = value[-1] if value and value[-1] in "bkmg" else ""
    number = value[: -1 if unit else None]
    amount = float(number)
    if amount <= 0:
        raise ValueError(text)
    return int(amount * _UNITS[unit])


def format_memory(size: int) -> str:
    """Bytes as the shortest exact ``--memory`` value (``536870912`` → ``512m``)."""
    for unit in ("g", "m", "k"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return str(size)


def format_cpus(cpus: float) -> str:
    return f"{cpus:g}"


def split_words(text: str) -> list[str]:
    """A command typed as a shell would split it (quotes kept together); raises
    ValueError on an unclosed quote."""
    return shlex.split(text)
