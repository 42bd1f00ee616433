"""A raw byte-streaming unix-socket server: a known upstream for the proxy's tests and bench.

Each connection starts with one command line:
  ``send N``  the server sends N bytes (a repeating pattern), then closes;
  ``echo``    the server echoes everything back; at EOF it sends ``END <count>\\n`` and closes
              (a client that half-closes must still receive all of it);
  ``sink``    the server reads until EOF, then answers ``GOT <count>\\n``;
  ``hold``    the server sends ``READY\\n`` and then nothing, until the client goes away.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

PATTERN = bytes(range(256)) * 1024  # 256 KiB


class ByteServer:
    """Serves on ``path`` from a background thread; ``close()`` ends it and every connection."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if os.path.exists(self.path):
            os.unlink(self.path)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        self._sock.listen(256)
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.connections = 0
        self.open_connections = 0
        self._closed = False
        self._accepter = threading.Thread(target=self._accept, name="byte-server", daemon=True)
        self._accepter.start()

    @property
    def uri(self) -> str:
        return f"unix://{self.path}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    conn.close()
                    return
                self.connections += 1
                self.open_connections += 1
                self._conns.add(conn)
                thread = threading.Thread(
                    target=self._serve, args=(conn,), name="byte-server-conn", daemon=True
                )
                self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            command = _read_line(conn)
            if command.startswith(b"send "):
                _send(conn, int(command.split()[1]))
            elif command == b"echo":
                count = 0
                while data := conn.recv(65536):
                    conn.sendall(data)
                    count += len(data)
                conn.sendall(f"END {count}\n".encode())
            elif command == b"sink":
                count = 0
                buf = bytearray(262144)
                while n := conn.recv_into(buf):
                    count += n
                conn.sendall(f"GOT {count}\n".encode())
            elif command == b"hold":
                conn.sendall(b"READY\n")
                while conn.recv(65536):
                    pass
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
                self.open_connections -= 1
            conn.close()

    def drop_connections(self) -> None:
        """Close every open connection from the server's side (as an idle timeout would)."""
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns = list(self._conns)
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._accepter.join(2)
        for thread in self._threads:
            thread.join(2)
        if os.path.exists(self.path):
            os.unlink(self.path)


def _read_line(conn: socket.socket) -> bytes:
    line = b""
    while not line.endswith(b"\n"):
        byte = conn.recv(1)
        if not byte:
            break
        line += byte
    return line.strip()


def _send(conn: socket.socket, total: int) -> None:
    view = memoryview(PATTERN)
    while total > 0:
        chunk = view[: min(total, len(view))]
        conn.sendall(chunk)
        total -= len(chunk)


def main() -> None:
    """``python -m tests.bed.byte_server PATH``: serve until stdin closes (for the bench)."""
    import sys

    server = ByteServer(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.read()
    server.close()


if __name__ == "__main__":
    main()
