#!/usr/bin/env python3
"""A stand-in for the ``podman`` executable, for ``podman machine`` only.

Why a double: no VM can boot on the test bed and ``podman machine`` refuses to run as
root, so machine lifecycle cannot run for real here. Everything it prints is transcribed
in podman_machine_outputs.json, per Podman version, with its source. Every other
subcommand is handed to the real podman.

Environment: PODMAN_DOUBLE_DIR (state and a log of calls), PODMAN_DOUBLE_VERSION ("4" or
"5"), PODMAN_DOUBLE_ROOT=1 (refuse as Podman does for root), PODMAN_DOUBLE_HOLD=1
(``machine start`` hangs after its first line, until killed: for cancel tests).
"""

import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUTS = json.loads((HERE / "podman_machine_outputs.json").read_text())
MIB = 1024 * 1024
GIB = 1024 * MIB


def main(argv):
    state_dir = Path(os.environ["PODMAN_DOUBLE_DIR"])
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / "calls.log", "a") as log:
        log.write(json.dumps(argv) + "\n")
    major = os.environ.get("PODMAN_DOUBLE_VERSION", "5")
    out = OUTPUTS[major]
    if argv[:1] == ["version"]:
        print(out["version"])
        return 0
    if argv[:1] == ["--version"]:
        print(f"podman version {out['version']}")
        return 0
    if argv[:1] != ["machine"]:
        real = shutil.which("podman", path=os.environ.get("PODMAN_DOUBLE_REAL_PATH"))
        os.execv(real, ["podman", *argv])
    command = argv[1] if len(argv) > 1 else ""
    if os.environ.get("PODMAN_DOUBLE_ROOT") == "1":
        print(out["root"].format(command=command), file=sys.stderr)
        return 125
    state_file = state_dir / "machines.json"
    machines = json.loads(state_file.read_text()) if state_file.exists() else {}
    code = Machines(machines, out).run(command, argv[2:])
    state_file.write_text(json.dumps(machines))
    return code


class Machines:
    def __init__(self, machines, out):
        self.machines, self.out = machines, out

    def run(self, command, args):
        names = [a for a in args if not a.startswith("-")]
        name = names[-1] if names else "podman-machine-default"
        handler = getattr(self, "cmd_" + command, None)
        if handler is None:
            print(f"Error: unrecognized command `podman machine {command}`", file=sys.stderr)
            return 125
        if command not in ("init", "list") and name not in self.machines:
            print(f"Error: {name}: VM does not exist", file=sys.stderr)
            return 125
        return handler(name, args)

    def lines(self, key, name):
        extra = "" if name == "podman-machine-default" else f" {name}"
        for line in self.out[key]:
            print(line.format(name=name, extra=extra), flush=True)

    def cmd_list(self, name, args):
        rows = []
        for n, m in self.machines.items():
            row = {
                "Name": n,
                "Default": m.get("default", False),
                "Created": m["created"],
                "Running": m["running"],
                "Starting": False,
                "LastUp": m["created"] if not m["running"] else "Currently running",
                "Stream": "default",
                "VMType": self.out["vm_type"],
                "CPUs": m["cpus"],
                "Memory": str(m["memory"]),
                "DiskSize": str(m["disk"]),
                "Port": m["port"],
                "RemoteUsername": "core",
                "IdentityPath": f"/home/u/.ssh/{n}",
                "UserModeNetworking": False,
            }
            rows.append({k: row[k] for k in self.out["list_keys"]})
        print(json.dumps(rows, indent=4))
        return 0

    def cmd_inspect(self, name, args):
        # Only the fields the app reads; both 4.x (4.1+) and 5.x have Name, State, Rootful.
        rows = [
            {"Name": n, "State": "running" if m["running"] else "stopped", "Rootful": m["rootful"]}
            for n, m in self.machines.items()
            if n in args
        ]
        print(json.dumps(rows, indent=4))
        return 0

    def cmd_init(self, name, args):
        if name in self.machines:
            print(f"Error: {name}: VM already exists", file=sys.stderr)
            return 125
        opts = dict(zip(args, args[1:], strict=False))
        self.lines("init", name)
        self.machines[name] = {
            "cpus": int(opts.get("--cpus", 2)),
            "memory": int(opts.get("--memory", 2048)) * MIB,
            "disk": int(opts.get("--disk-size", 100)) * GIB,
            "running": False,
            "rootful": "--rootful" in args,
            "created": "2024-07-31T20:22:33Z",
            "port": 40000 + len(self.machines),
            "default": not self.machines,
        }
        return 0

    def cmd_start(self, name, args):
        other = next((n for n, m in self.machines.items() if m["running"]), None)
        if other == name:
            print(f'Error: unable to start "{name}": already running', file=sys.stderr)
            return 125
        if other is not None:
            print(self.out["start_busy"].format(name=name, other=other), file=sys.stderr)
            return 125
        if os.environ.get("PODMAN_DOUBLE_HOLD") == "1":
            print(self.out["start"][0].format(name=name), flush=True)
            time.sleep(120)  # a VM that never comes up: the test cancels it
        self.lines("start", name)
        self.machines[name]["running"] = True
        return 0

    def cmd_stop(self, name, args):
        self.machines[name]["running"] = False
        self.lines("stop", name)
        return 0

    def cmd_rm(self, name, args):
        del self.machines[name]
        return 0

    def cmd_set(self, name, args):
        for a in args:
            if a.startswith("--rootful"):
                self.machines[name]["rootful"] = a != "--rootful=false"
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
