"""Benchmark of the socket proxy (a script, not a test): ``python bench/proxy_bench.py``.

Compares four ways to reach a unix socket: (a) directly, (b) through the proxy with a unix
upstream, (c) through the proxy with an ssh upstream, (d) through OpenSSH's own
``ssh -N -L local.sock:remote.sock`` with the same cipher. Throughput is measured against a
raw byte-streaming upstream (tests/bed/byte_server.py), and beside it through the
Docker-compatible image save of a large image (the realistic case, limited by Podman
building the tar, so it cannot tell a fast proxy from a slow one). Latency is
``GET /_ping`` to a private Podman service, over one kept-alive connection and over new
connections. Each figure is the median of 5 runs. The
proxies and the byte server run in their own processes, as they would in use.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bed.podman import IsolatedPodman  # noqa: E402
from tests.bed.sshd import SshServer  # noqa: E402

PING = b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n"
PING_CLOSE = b"GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n"
CIPHER = "aes128-gcm@openssh.com"
BIG_IMAGE = "localhost/big:bench"


def connect(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(60)
    sock.connect(path)
    return sock


def download_mb_s(path: str, size: int) -> float:
    with connect(path) as sock:
        start = time.perf_counter()
        sock.sendall(f"send {size}\n".encode())
        buf = bytearray(1 << 20)
        got = 0
        while n := sock.recv_into(buf):
            got += n
        elapsed = time.perf_counter() - start
    assert got == size, (got, size)
    return size / elapsed / 1e6


def upload_mb_s(path: str, size: int) -> float:
    chunk = memoryview(bytes(1 << 20))
    with connect(path) as sock:
        start = time.perf_counter()
        sock.sendall(b"sink\n")
        left = size
        while left:
            part = chunk[: min(left, len(chunk))]
            sock.sendall(part)
            left -= len(part)
        sock.shutdown(socket.SHUT_WR)
        answer = sock.recv(64)
        elapsed = time.perf_counter() - start
    assert answer == f"GOT {size}\n".encode(), answer
    return size / elapsed / 1e6


def _read_ping(sock: socket.socket, pending: bytes) -> bytes:
    # Podman answers /_ping with Content-Length: 2 and body "OK".
    while b"\r\n\r\nOK" not in pending:
        data = sock.recv(4096)
        if not data:
            raise ConnectionError("closed mid-answer")
        pending += data
    return pending.split(b"\r\n\r\nOK", 1)[1]


def keepalive_ms(path: str, count: int) -> tuple[float, float]:
    times = []
    with connect(path) as sock:
        rest = b""
        for _ in range(count):
            start = time.perf_counter()
            sock.sendall(PING)
            rest = _read_ping(sock, rest)
            times.append((time.perf_counter() - start) * 1000)
    return _p50_p99(times)


def new_connection_ms(path: str, count: int, gap: float = 0.0) -> tuple[float, float]:
    """Connect, ask /_ping, close, ``count`` times; ``gap`` s apart (not timed)."""
    times = []
    for _ in range(count):
        if gap:
            time.sleep(gap)
        start = time.perf_counter()
        with connect(path) as sock:
            sock.sendall(PING_CLOSE)
            _read_ping(sock, b"")
        times.append((time.perf_counter() - start) * 1000)
    return _p50_p99(times)


def image_save_mb_s(path: str, image: str) -> float:
    """The realistic case: the Docker-compatible image save, read to its end."""
    sock = connect(path)
    try:
        request = f"GET /v1.41/images/{quote(image, safe='')}/get HTTP/1.1\r\nHost: d\r\n"
        sock.sendall(request.encode() + b"Connection: close\r\n\r\n")
        total = 0
        started = time.perf_counter()
        while chunk := sock.recv(1 << 20):
            total += len(chunk)
        return total / (time.perf_counter() - started) / 1e6
    finally:
        sock.close()


def make_big_image(podman: IsolatedPodman, base: Path, size: int) -> str:
    """An image holding ``size`` random bytes, imported offline."""
    rootfs = base / "big-rootfs.tar"
    with tarfile.open(rootfs, "w") as tar:
        info = tarfile.TarInfo("blob")
        info.size = size
        with open("/dev/urandom", "rb") as random:
            tar.addfile(info, io.BufferedReader(_Limited(random, size)))
    podman.cli("import", str(rootfs), BIG_IMAGE, timeout=600)
    rootfs.unlink()
    return BIG_IMAGE


class _Limited(io.RawIOBase):
    def __init__(self, source: io.BufferedReader, size: int) -> None:
        self.source, self.left = source, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        want = min(len(buffer), self.left)
        data = self.source.read(want)
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)


def _p50_p99(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]


def median(results: list) -> float | tuple[float, ...]:
    """The median of each figure over the runs (p50 and p99 separately for latencies)."""
    if isinstance(results[0], tuple):
        return tuple(statistics.median(r[i] for r in results) for i in range(len(results[0])))
    return statistics.median(results)


class Processes:
    """Child processes of the bench, each ended by its own pid."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []

    def start(self, args: list[str], ready_line: str | None = None) -> subprocess.Popen:
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.procs.append(proc)
        if ready_line is not None:
            line = proc.stdout.readline()
            if ready_line not in line:
                raise RuntimeError(f"{args[:4]} did not start: {line!r}")
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def proxy_args(listen: str, upstream: str, sshd: SshServer | None) -> list[str]:
    args = [sys.executable, "-m", "app.proxy.headless_cli", "--listen", listen, "--to", upstream]
    if sshd is not None:
        args += ["--identity", str(sshd.client_key), "--machine"]
    return args


def wait_for(path: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} did not appear")
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=256)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pings", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument(
        "--gap-ms",
        type=float,
        default=10.0,
        help="pause between the paced new connections (the app's clients do not come back to back)",
    )
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024

    base = Path(tempfile.mkdtemp(prefix="pdc-bench-"))
    procs = Processes()
    podman = IsolatedPodman(base / "podman")
    sshd = SshServer(base / "sshd")
    try:
        podman.start_service()
        sshd.start()
        print("making a test image …", file=sys.stderr, flush=True)
        big = make_big_image(podman, base, size)
        raw = base / "bytes.sock"
        procs.start([sys.executable, "-m", "tests.bed.byte_server", str(raw)], "ready")
        api = str(podman.socket_path)
        paths: dict[str, tuple[str, str]] = {"a direct": (str(raw), api)}
        for label, kind in (("b proxy unix", "unix"), ("c proxy ssh", "ssh")):
            pair = []
            for name, target in (("bytes", str(raw)), ("api", api)):
                listen = base / f"{kind}-{name}.sock"
                upstream = sshd.uri(target) if kind == "ssh" else f"unix://{target}"
                procs.start(
                    proxy_args(f"unix://{listen}", upstream, sshd if kind == "ssh" else None),
                    "API forwarding listening on:",
                )
                pair.append(str(listen))
            paths[label] = (pair[0], pair[1])
        forward = [base / "ssh-L-bytes.sock", base / "ssh-L-api.sock"]
        procs.start(
            [
                "ssh", "-N", "-c", CIPHER, "-i", str(sshd.client_key), "-p", str(sshd.port),
                "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={base}/kh",
                "-o", "ExitOnForwardFailure=yes", "-o", "LogLevel=ERROR",
                "-L", f"{forward[0]}:{raw}", "-L", f"{forward[1]}:{api}",
                f"{sshd.user}@127.0.0.1",
            ]
        )  # fmt: skip
        for path in forward:
            wait_for(path)
        paths["d ssh -L"] = (str(forward[0]), str(forward[1]))
        for bytes_path, api_path in paths.values():  # warm up: sessions, first channel
            download_mb_s(bytes_path, 1 << 20)
            keepalive_ms(api_path, 10)

        # Round-robin over the paths, run by run, so that a change in the machine's load
        # (it is shared) touches every path alike instead of whichever came last.
        samples: dict[str, dict[str, list]] = {
            label: {k: [] for k in ("down", "up", "save", "keep", "new", "paced")}
            for label in paths
        }
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs} …", file=sys.stderr, flush=True)
            for label, (bytes_path, api_path) in paths.items():
                sample = samples[label]
                sample["down"].append(download_mb_s(bytes_path, size))
                sample["up"].append(upload_mb_s(bytes_path, size))
                sample["save"].append(image_save_mb_s(api_path, big))
                sample["keep"].append(keepalive_ms(api_path, args.pings))
                sample["new"].append(new_connection_ms(api_path, args.connections))
                paced = new_connection_ms(api_path, args.connections, args.gap_ms / 1000)
                sample["paced"].append(paced)
        rows = {
            label: {k: median(v) for k, v in sample.items()} for label, sample in samples.items()
        }
        report(rows, args)
    finally:
        procs.stop_all()
        sshd.stop()
        podman.stop_service()
        shutil.rmtree(base, ignore_errors=True)
    return 0


def report(rows: dict, args: argparse.Namespace) -> None:
    print(
        f"\n{args.size_mb} MiB transfers; /_ping {args.pings}x kept-alive, "
        f"{args.connections} new connections back to back and {args.gap_ms:g} ms apart "
        f"(paced); medians of {args.runs} runs; "
        f"{os.cpu_count()} CPUs\n"
    )
    print(
        f"{'path':<14}{'down MB/s':>10}{'up MB/s':>9}{'save MB/s':>10}{'keep p50':>10}"
        f"{'keep p99':>10}"
        f"{'new p50':>9}{'new p99':>9}{'paced p50':>10}  (ms)"
    )
    for label, row in rows.items():
        print(
            f"{label:<14}{row['down']:>10.0f}{row['up']:>9.0f}{row['save']:>10.0f}"
            f"{row['keep'][0]:>10.3f}"
            f"{row['keep'][1]:>10.3f}{row['new'][0]:>9.2f}{row['new'][1]:>9.2f}"
            f"{row['paced'][0]:>10.2f}"
        )
    a, b, c, d = (rows[k] for k in ("a direct", "b proxy unix", "c proxy ssh", "d ssh -L"))
    print("\nratios (goal in brackets)")
    print(f"  (b)/(a) download throughput {b['down'] / a['down']:.2f}  [>= 0.60]")
    print(f"  (c)/(d) download throughput {c['down'] / d['down']:.2f}  [>= 0.50]")
    print(f"  (c)/(d) upload throughput   {c['up'] / d['up']:.2f}")
    print(f"  (c)/(d) image save          {c['save'] / d['save']:.2f}  [>= 0.50]")
    print(f"  (b)/(a) image save          {b['save'] / a['save']:.2f}  [>= 0.60]")
    print(f"  (c)/(d) kept-alive p50      {c['keep'][0] / d['keep'][0]:.2f}  [<= 1.2]")
    print(f"  (c)/(d) new-connection p50  {c['new'][0] / d['new'][0]:.2f}  [<= 1.2]")
    print(f"  (c)/(d) paced new-conn p50  {c['paced'][0] / d['paced'][0]:.2f}  [<= 1.2]")
    print(f"  (b)-(a) kept-alive p50      {(b['keep'][0] - a['keep'][0]) * 1000:.0f} µs added")


if __name__ == "__main__":
    sys.exit(main())
