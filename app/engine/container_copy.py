"""A RunSpec read back from a container's inspect data, for "Duplicate…".

Inspect is the source: it says what the container has, however it was made (the app,
the CLI, compose, a script). What the image gives by itself (its environment, labels,
command, working directory) is left out, so the copy sets only what the original's
creator set. Three things inspect does not carry on Podman 4.3 are read from the
command line Podman recorded (``Config.CreateCommand``, present only for containers
made by the CLI, and for those the app runs, which record theirs the same way): static
addresses on a network, secrets given as environment variables, and a secret file's
target name (docs/podman-notes.md, "Duplicating a container").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.engine.container_spec import MountSpec, NetworkSpec, PortSpec, RunSpec, SecretSpec

# Variables Podman itself puts in every container's environment.
_PODMAN_ENV = {"container", "HOSTNAME"}
_DEFAULT_NETWORK = "podman"


def spec_from_inspect(
    container: Mapping[str, Any],
    image: Mapping[str, Any] | None = None,
    pod_names: Mapping[str, str] | None = None,
) -> RunSpec:
    """The RunSpec that makes a container like ``container`` (its inspect data) from its
    image (the image's inspect data, when it is still there). The name is left empty."""
    config = _dict(container.get("Config"))
    host = _dict(container.get("HostConfig"))
    image_config = _dict(_dict(image).get("Config"))
    recorded = _Recorded(config.get("CreateCommand") or [])
    env_secrets = [s for s in recorded.secrets() if s.as_env]

    spec = RunSpec(image=str(config.get("Image") or container.get("ImageName") or ""))
    image_env = set(_strs(image_config.get("Env")))
    secret_vars = {s.target for s in env_secrets}
    for entry in _strs(config.get("Env")):
        key, _sep, value = entry.partition("=")
        if entry in image_env or key in _PODMAN_ENV or key in secret_vars:
            continue
        if key == "TERM" and value == "xterm":
            continue  # Podman's default (containers.conf), not the user's
        if key == "HOME" and key not in recorded.env_keys():
            continue  # Podman adds it at start, from the user's passwd entry
        spec.env[key] = value

    command = _strs(config.get("Cmd"))
    if command != _strs(image_config.get("Cmd")):
        spec.command = command
    spec.entrypoint = _entrypoint(config.get("Entrypoint"), image_config, recorded)
    workdir = str(config.get("WorkingDir") or "")
    if workdir not in (str(image_config.get("WorkingDir") or ""), "/", ""):
        spec.workdir = workdir
    user = str(config.get("User") or "")
    if user != str(image_config.get("User") or ""):
        spec.user = user

    spec.publish_all = bool(host.get("PublishAllPorts"))
    exposed = set(_dict(image_config.get("ExposedPorts")))
    for key, bindings in sorted(_dict(host.get("PortBindings")).items()):
        if spec.publish_all and key in exposed:
            continue  # -P publishes it again, on a port of Podman's choosing
        port, _slash, protocol = key.partition("/")
        for binding in bindings or []:
            spec.ports.append(
                PortSpec(
                    container_port=int(port),
                    host_port=int(binding.get("HostPort") or 0),
                    host_ip=str(binding.get("HostIp") or ""),
                    protocol=protocol or "tcp",
                )
            )

    image_volumes = set(_dict(image_config.get("Volumes")))
    for mount in container.get("Mounts") or []:
        target = str(mount.get("Destination") or "")
        kind = str(mount.get("Type") or "")
        if target in image_volumes or kind not in ("volume", "bind"):
            continue
        mode = str(mount.get("Mode") or "")
        spec.mounts.append(
            MountSpec(
                kind=kind,
                source=str(mount.get("Name") if kind == "volume" else mount.get("Source")),
                target=target,
                read_only=not mount.get("RW", True),
                selinux=mode if mode in ("z", "Z") else "",
            )
        )

    spec.networks = _networks(container, recorded)
    policy = _dict(host.get("RestartPolicy"))
    name = str(policy.get("Name") or "")
    spec.restart = "" if name in ("", "no") else name
    if spec.restart == "on-failure":
        spec.restart_retries = int(policy.get("MaximumRetryCount") or 0)
    spec.cpus = int(host.get("NanoCpus") or 0) / 1e9
    spec.memory = int(host.get("Memory") or 0)
    image_labels = _dict(image_config.get("Labels"))
    spec.labels = {
        k: str(v) for k, v in _dict(config.get("Labels")).items() if image_labels.get(k) != v
    }
    targets = {s.name: s.target for s in recorded.secrets() if not s.as_env}
    spec.secrets = [
        SecretSpec(str(s.get("Name")), target=targets.get(str(s.get("Name")), ""))
        for s in config.get("Secrets") or []
    ] + env_secrets
    pod = str(container.get("Pod") or "")
    spec.pod = (pod_names or {}).get(pod, pod)
    spec.tty = bool(config.get("Tty"))
    spec.interactive = bool(config.get("OpenStdin"))
    spec.remove = bool(host.get("AutoRemove"))
    return spec


def _entrypoint(
    value: Any, image_config: Mapping[str, Any], recorded: _Recorded
) -> list[str] | None:
    # Podman 4.3 gives the entrypoint as one string joined with spaces, so its words
    # are taken from the recorded --entrypoint when there is one.
    words = _strs(value) if isinstance(value, list) else str(value or "").split()
    if words == _strs(image_config.get("Entrypoint")):
        return None
    given = recorded.values("--entrypoint")
    if given:
        text = given[-1]
        try:
            parsed = json.loads(text)
        except ValueError:
            return [text]
        return _strs(parsed) if isinstance(parsed, list) else [text]
    return words or None


def _networks(container: Mapping[str, Any], recorded: _Recorded) -> list[NetworkSpec]:
    if container.get("Pod"):
        return []  # a pod's containers share its network
    joined = _dict(_dict(container.get("NetworkSettings")).get("Networks"))
    if list(joined) == [_DEFAULT_NETWORK] and not recorded.values("--network", "--net"):
        return []
    short_id = str(container.get("Id") or "")[:12]
    static = recorded.static_addresses()
    found = []
    for name, settings in joined.items():
        aliases = [a for a in _strs(_dict(settings).get("Aliases")) if a != short_id]
        ipv4, ipv6 = static.get(name, ("", ""))
        found.append(NetworkSpec(name, ipv4, ipv6, aliases))
    return found


class _Recorded:
    """The few options read from ``Config.CreateCommand`` (see the module docstring)."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = [str(a) for a in argv]

    def values(self, *names: str) -> list[str]:
        found = []
        for i, word in enumerate(self.argv):
            for name in names:
                if word == name and i + 1 < len(self.argv):
                    found.append(self.argv[i + 1])
                elif word.startswith(name + "="):
                    found.append(word[len(name) + 1 :])
        return found

    def env_keys(self) -> set[str]:
        return {v.partition("=")[0] for v in self.values("-e", "--env")}

    def secrets(self) -> list[SecretSpec]:
        found = []
        for value in self.values("--secret"):
            name, *options = value.split(",")
            opts = dict(o.partition("=")[::2] for o in options)
            as_env = opts.get("type") == "env"
            found.append(SecretSpec(name, as_env, opts.get("target", "")))
        return found

    def static_addresses(self) -> dict[str, tuple[str, str]]:
        found = {}
        networks = self.values("--network", "--net")
        for value in networks:
            name, _sep, options = value.partition(":")
            opts = dict(o.partition("=")[::2] for o in options.split(",") if o)
            found[name] = (opts.get("ip", ""), opts.get("ip6", ""))
        # --ip/--ip6 apply to the one network given without options.
        ip, ip6 = self.values("--ip"), self.values("--ip6")
        if (ip or ip6) and len(networks) == 1:
            name = networks[0].partition(":")[0]
            found[name] = (ip[-1] if ip else "", ip6[-1] if ip6 else "")
        return found


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _strs(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
