"""Run a command in a running container and collect its output: a non-interactive exec.

`POST /containers/ID/exec`, then `POST /exec/ID/start` (no TTY), whose body is the
command's output in Docker's multiplexed frames until it ends, then `GET /exec/ID/json`
for the exit code (docs/podman-notes.md, "Containers: archives and exec").
"""

from __future__ import annotations

import json
import struct

from app.engine.endpoint import Endpoint
from app.engine.http_api import LIBPOD_PREFIX, open_stream, request
from app.engine.streams.records import STDERR

# The exec's own output header: Docker's multiplexed stream (stream type, three zero
# bytes, big-endian length), as in the logs (app/engine/streams/logs.py). The logs
# decoder splits frames into lines; a listing needs the exact bytes, NULs included.
_FRAME = struct.Struct(">BxxxL")


class ExecResult:
    """What a non-interactive exec printed, and how it ended."""

    def __init__(self, exit_code: int, stdout: bytes, stderr: bytes) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def message(self) -> str:
        text = self.stderr.decode("utf-8", "replace").strip()
        return text.splitlines()[-1] if text else f"exit code {self.exit_code}"


def demultiplex(data: bytes) -> tuple[bytes, bytes]:
    """stdout and stderr of a multiplexed exec stream (raw text passes as stdout)."""
    out, err = bytearray(), bytearray()
    pos = 0
    while len(data) - pos >= 8 and data[pos] in (0, 1, 2) and data[pos + 1 : pos + 4] == b"\0\0\0":
        stream, size = _FRAME.unpack_from(data, pos)
        payload = data[pos + 8 : pos + 8 + size]
        (err if stream == STDERR else out).extend(payload)
        pos += 8 + size
    if pos < len(data):
        out.extend(data[pos:])  # not framed (a TTY) or a cut frame: keep what came
    return bytes(out), bytes(err)


def run_exec(
    endpoint: Endpoint, container: str, cmd: list[str], timeout: float = 60.0
) -> ExecResult:
    """Run ``cmd`` in a running container and collect its output and exit code.

    Raises Conflict when the container is not running (Podman: "can only create exec
    sessions on running containers").
    """
    created = request(
        endpoint,
        "POST",
        f"{LIBPOD_PREFIX}/containers/{container}/exec",
        body={"AttachStdout": True, "AttachStderr": True, "Cmd": cmd},
    )
    exec_id = created["Id"]
    stream = open_stream(
        endpoint,
        f"{LIBPOD_PREFIX}/exec/{exec_id}/start",
        method="POST",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"Detach": False, "Tty": False}).encode(),
        connect_timeout=timeout,
    )
    try:
        data = b"".join(stream.chunks())
    finally:
        stream.close()
    out, err = demultiplex(data)
    info = request(endpoint, "GET", f"{LIBPOD_PREFIX}/exec/{exec_id}/json")
    code = info.get("ExitCode")
    return ExecResult(int(code if code is not None else -1), out, err)
