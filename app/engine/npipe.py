"""A socket-like stream over a Windows named pipe (CPython has no AF_UNIX there).

Only the calls http.client and the podman-py adapter use are provided. Tests run on
Windows only.
"""

from __future__ import annotations

import io
import time


class NpipeSocket:
    """Wraps an opened ``\\\\.\\pipe\\NAME`` file handle in the socket calls we need."""

    def __init__(self, handle: io.RawIOBase, path: str) -> None:
        self._handle = handle
        self._path = path
        self._timeout: float | None = None

    @classmethod
    def open(cls, path: str, timeout: float | None = 10.0) -> NpipeSocket:
        # A busy pipe (all instances taken) answers ERROR_PIPE_BUSY (231); wait for one.
        deadline = time.monotonic() + (timeout if timeout is not None else 10.0)
        while True:
            try:
                handle = open(path, "r+b", buffering=0)  # noqa: SIM115 - owned by the wrapper
                return cls(handle, path)
            except OSError as exc:
                if getattr(exc, "winerror", None) != 231 or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def settimeout(self, timeout: float | None) -> None:
        # Pipe handles opened by open() are synchronous; the timeout applies to connect only.
        self._timeout = timeout

    def gettimeout(self) -> float | None:
        return self._timeout

    def setsockopt(self, *args: object) -> None:
        """Socket options have no meaning on a pipe."""

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = self._handle.write(view)
            view = view[written or 0 :]

    send = sendall

    def recv(self, size: int) -> bytes:
        try:
            return self._handle.read(size) or b""
        except BrokenPipeError:
            return b""

    def recv_into(self, buffer: bytearray | memoryview, size: int = 0) -> int:
        return self._handle.readinto(memoryview(buffer)[: size or len(buffer)]) or 0

    def makefile(self, mode: str = "rb", buffering: int | None = None, **_: object) -> io.IOBase:
        if "w" in mode:
            return io.BufferedWriter(_PipeRaw(self))
        return io.BufferedReader(_PipeRaw(self))

    def shutdown(self, how: int) -> None:
        """A pipe has no half-close; closing the handle ends both directions."""

    def close(self) -> None:
        self._handle.close()

    def fileno(self) -> int:
        return self._handle.fileno()


class _PipeRaw(io.RawIOBase):
    def __init__(self, sock: NpipeSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)

    def write(self, data) -> int:  # type: ignore[override]
        self._sock.sendall(bytes(data))
        return len(data)
