"""Record the events Podman sends for each container lifecycle command (a script, not a test).

``python tools/capture_events.py [--base /tmp/pdc-capture] [--out tests/data/podman_events.json]``

On an isolated Podman (tests/bed) it reads the libpod ``/events`` stream (what the app
reads) and, beside it, ``podman events --format json``, runs one command at a time
(create, start, pause, unpause, stop, kill, exec, rename, restart, a non-zero exit,
rm) and writes, per command, the events that came, in arrival order, with the time of
each after the command returned. The raw records go to ``--out``: the unit tests of
app/engine/container_events.py replay them. What the sequences showed is written in
docs/podman-notes.md, "Events are hints".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bed.podman import TEST_IMAGE, IsolatedPodman  # noqa: E402

# (label, podman arguments); "{c}" is the container's name at that point.
STEPS: list[tuple[str, list[str]]] = [
    ("create", ["create", "--name", "c1", TEST_IMAGE, "sleep", "600"]),
    ("start", ["start", "c1"]),
    ("pause", ["pause", "c1"]),
    ("unpause", ["unpause", "c1"]),
    ("exec", ["exec", "c1", "true"]),
    ("stop", ["stop", "-t", "0", "c1"]),
    ("start again", ["start", "c1"]),
    ("kill", ["kill", "c1"]),
    ("rename", ["rename", "c1", "c2"]),
    ("restart a stopped container", ["restart", "c2"]),
    ("restart a running container", ["restart", "-t", "0", "c2"]),
    ("stop a paused container", ["pause", "c2"]),
    ("(stop)", ["stop", "-t", "0", "c2"]),
    ("(unpause)", ["unpause", "c2"]),
    ("(stop again)", ["stop", "-t", "0", "c2"]),
    (
        "stop by SIGTERM",
        [
            "run",
            "-d",
            "--name",
            "c8",
            "--stop-signal",
            "TERM",
            TEST_IMAGE,
            "sh",
            "-c",
            "trap 'exit 0' TERM; while :; do sleep 0.1; done",
        ],
    ),
    ("(stop by SIGTERM)", ["stop", "c8"]),
    ("run, exit 3", ["run", "--name", "c3", TEST_IMAGE, "sh", "-c", "exit 3"]),
    ("rm a stopped container", ["rm", "c3"]),
    ("rm -f a running container", ["run", "-d", "--name", "c4", TEST_IMAGE, "sleep", "600"]),
    ("(rm -f)", ["rm", "-f", "-t", "0", "c4"]),
    ("run --rm", ["run", "--rm", "--name", "c5", TEST_IMAGE, "true"]),
    (
        "health check",
        ["run", "-d", "--name", "c6", "--health-cmd", "true", TEST_IMAGE, "sleep", "600"],
    ),
    ("(healthcheck run)", ["healthcheck", "run", "c6"]),
    ("wait for exit", ["run", "-d", "--name", "c7", TEST_IMAGE, "sleep", "1"]),
    ("(wait)", ["wait", "c7"]),
]


def _rest_events(bed: IsolatedPodman, sink: list) -> None:
    from app.engine.endpoint import Endpoint

    sock = Endpoint.parse(bed.uri).connect(10)
    sock.settimeout(None)
    sock.sendall(b"GET /v4.0.0/libpod/events?stream=true HTTP/1.1\r\nHost: d\r\n\r\n")

    def read() -> None:
        buf = b""
        while chunk := sock.recv(65536):
            buf += chunk
            *lines, buf = buf.split(b"\n")
            now = time.perf_counter()
            for line in lines:
                line = line.strip()
                if line.startswith(b"{"):
                    sink.append((now, json.loads(line)))

    threading.Thread(target=read, daemon=True).start()


def _cli_events(bed: IsolatedPodman, sink: list) -> subprocess.Popen:
    proc = subprocess.Popen(
        ["podman", "events", "--format", "json"],
        env=bed.env,
        stdout=subprocess.PIPE,
        text=True,
    )

    def read() -> None:
        for line in proc.stdout:
            if line.startswith("{"):
                sink.append((time.perf_counter(), json.loads(line)))

    threading.Thread(target=read, daemon=True).start()
    return proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="/tmp/pdc-capture")
    parser.add_argument("--out", default=str(ROOT / "tests/data/podman_events.json"))
    args = parser.parse_args()
    bed = IsolatedPodman(Path(args.base))
    bed.ensure_image(Path(args.base) / "cache")
    bed.clean()
    bed.start_service()
    rest: list = []
    cli: list = []
    proc = _cli_events(bed, cli)
    _rest_events(bed, rest)
    time.sleep(1.0)
    recorded = []
    try:
        for label, command in STEPS:
            rest_mark, cli_mark = len(rest), len(cli)
            t0 = time.perf_counter()
            error = ""
            try:
                bed.cli(*command)
            except RuntimeError as exc:
                error = str(exc)  # recorded: Podman refusing is a sequence too
            t_done = time.perf_counter()
            time.sleep(1.5)  # the events of one command, not the next one's
            # Podman's own word once the command's events are in: what a replay must reach.
            ids = bed.cli("ps", "-aq", "--no-trunc").split()
            settled = (
                bed.cli("inspect", "--format", "{{.Id}} {{.State.Status}}", *ids) if ids else ""
            )
            steps = {
                "label": label,
                "command": "podman " + " ".join(command),
                "command_ms": round((t_done - t0) * 1000),
                "error": error,
                "settled": dict(line.split() for line in settled.splitlines()),
                "rest": [
                    {"after_ms": round((t - t_done) * 1000), "event": e}
                    for t, e in rest[rest_mark:]
                ],
                # `podman events` only for the order it prints: its records differ in form.
                "cli": [
                    {"after_ms": round((t - t_done) * 1000), "action": e.get("Status", "")}
                    for t, e in cli[cli_mark:]
                    if e.get("Type") == "container"
                ],
            }
            recorded.append(steps)
            print(f"{steps['command']}  ({steps['command_ms']} ms) {error}")
            rest_seen = [
                f"{x['event'].get('Action')}"
                f"[{x['event']['Actor']['Attributes'].get('containerExitCode', '')}]"
                f"@{x['after_ms']}"
                for x in steps["rest"]
                if x["event"].get("Type") == "container"
            ]
            cli_seen = [f"{x['action']}@{x['after_ms']}" for x in steps["cli"]]
            print(f"   /events: {' '.join(rest_seen)}")
            print(f"   podman events: {' '.join(cli_seen)}")
    finally:
        proc.terminate()
        bed.cli("rm", "-af", "-t", "0", check=False)
        bed.stop_service()
    meta = {"podman": bed.cli("version", "--format", "{{.Client.Version}}"), "steps": recorded}
    Path(args.out).write_text(json.dumps(meta, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
