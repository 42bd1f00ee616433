"""The Windows named-pipe listener (``npipe:////./pipe/NAME``), in plain ctypes.

The pipe admits SYSTEM, Administrators and the current user, nobody else (the same SDDL as
win-sshproxy, plus the user: pipes that admitted only SYSTEM and Administrators locked
ordinary users out). All I/O is overlapped, so one thread can read while another writes and
abort() can cancel both. A pipe has no half-close: shutdown_write() is a no-op, which is
what Docker's and Podman's clients expect of a pipe.

NOT exercised on this project's Linux machines: its tests run on Windows only.
"""

from __future__ import annotations

import ctypes
import threading
from ctypes import wintypes

from app.proxy.streams import ByteStream

kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]

PIPE_ACCESS_DUPLEX = 0x3
FILE_FLAG_OVERLAPPED = 0x40000000
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
PIPE_REJECT_REMOTE_CLIENTS = 0x8
PIPE_UNLIMITED_INSTANCES = 255
BUFFER = 65536
INVALID_HANDLE = wintypes.HANDLE(-1).value
ERROR_ACCESS_DENIED = 5
ERROR_BROKEN_PIPE = 109
ERROR_IO_PENDING = 997
ERROR_PIPE_CONNECTED = 535
ERROR_OPERATION_ABORTED = 995
WAIT_OBJECT_0 = 0
INFINITE = 0xFFFFFFFF
TOKEN_QUERY = 0x8
TOKEN_USER = 1

# Handles are pointer-sized: without declared types ctypes would pass them as 32-bit ints.
_H, _P, _D, _B = wintypes.HANDLE, ctypes.c_void_p, wintypes.DWORD, wintypes.BOOL
for _name, _args, _result in (
    ("CreateNamedPipeW", [wintypes.LPCWSTR, _D, _D, _D, _D, _D, _D, _P], _H),
    ("CreateEventW", [_P, _B, _B, wintypes.LPCWSTR], _H),
    ("GetCurrentProcess", [], _H),
    ("ConnectNamedPipe", [_H, _P], _B),
    ("DisconnectNamedPipe", [_H], _B),
    ("ReadFile", [_H, _P, _D, _P, _P], _B),
    ("WriteFile", [_H, _P, _D, _P, _P], _B),
    ("GetOverlappedResult", [_H, _P, _P, _B], _B),
    ("WaitForMultipleObjects", [_D, _P, _B, _D], _D),
    ("CancelIoEx", [_H, _P], _B),
    ("SetEvent", [_H], _B),
    ("CloseHandle", [_H], _B),
    ("LocalFree", [_P], _P),
):
    getattr(kernel32, _name).argtypes = _args
    getattr(kernel32, _name).restype = _result


class OVERLAPPED(ctypes.Structure):
    _fields_ = [
        ("Internal", ctypes.c_void_p),
        ("InternalHigh", ctypes.c_void_p),
        ("Offset", wintypes.DWORD),
        ("OffsetHigh", wintypes.DWORD),
        ("hEvent", wintypes.HANDLE),
    ]


class SECURITY_ATTRIBUTES(ctypes.Structure):
    _fields_ = [
        ("nLength", wintypes.DWORD),
        ("lpSecurityDescriptor", ctypes.c_void_p),
        ("bInheritHandle", wintypes.BOOL),
    ]


def _check(ok: object) -> None:
    if not ok:
        raise ctypes.WinError(ctypes.get_last_error())


def _user_sid() -> str:
    token = wintypes.HANDLE()
    process = kernel32.GetCurrentProcess()
    _check(advapi32.OpenProcessToken(process, TOKEN_QUERY, ctypes.byref(token)))
    try:
        size = wintypes.DWORD()
        advapi32.GetTokenInformation(token, TOKEN_USER, None, 0, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        _check(advapi32.GetTokenInformation(token, TOKEN_USER, buf, size, ctypes.byref(size)))
        sid = ctypes.cast(buf, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER.User.Sid
        text = wintypes.LPWSTR()
        _check(advapi32.ConvertSidToStringSidW(ctypes.c_void_p(sid), ctypes.byref(text)))
        try:
            return text.value or ""
        finally:
            kernel32.LocalFree(text)
    finally:
        kernel32.CloseHandle(token)


def _security_attributes() -> SECURITY_ATTRIBUTES:
    sddl = f"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;{_user_sid()})"
    descriptor = ctypes.c_void_p()
    _check(
        advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl, 1, ctypes.byref(descriptor), None
        )
    )
    return SECURITY_ATTRIBUTES(ctypes.sizeof(SECURITY_ATTRIBUTES), descriptor, False)


def _wait(handle: int, overlapped: OVERLAPPED, stop_event: int | None = None) -> int:
    """Finish an overlapped operation; return bytes moved, or -1 if stop_event fired."""
    if stop_event is not None:
        handles = (wintypes.HANDLE * 2)(overlapped.hEvent, stop_event)
        which = kernel32.WaitForMultipleObjects(2, handles, False, INFINITE)
        if which == WAIT_OBJECT_0 + 1:
            kernel32.CancelIoEx(handle, ctypes.byref(overlapped))
            return -1
    moved = wintypes.DWORD()
    ok = kernel32.GetOverlappedResult(handle, ctypes.byref(overlapped), ctypes.byref(moved), True)
    _check(ok)
    return moved.value


class PipeListener:
    """Serves ``path`` (``\\\\.\\pipe\\NAME``); a pipe already served elsewhere is refused."""

    def __init__(self, path: str) -> None:
        from app.proxy.listeners import ListenerError

        self.path = path
        self.uri = "npipe://" + path.replace("\\", "/")
        self._attrs = _security_attributes()
        self._stop = kernel32.CreateEventW(None, True, False, None)
        self._closed = False
        try:
            self._next = self._instance(first=True)
        except OSError as exc:
            if getattr(exc, "winerror", None) == ERROR_ACCESS_DENIED:
                raise ListenerError(f"Something already serves {path}: not taking it over") from exc
            raise ListenerError(f"Cannot create the pipe {path}: {exc}") from exc

    def _instance(self, first: bool = False) -> int:
        flags = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED
        if first:
            flags |= FILE_FLAG_FIRST_PIPE_INSTANCE  # fails if the name is already served
        handle = kernel32.CreateNamedPipeW(
            self.path,
            flags,
            PIPE_REJECT_REMOTE_CLIENTS,  # byte mode, blocking semantics, local only
            PIPE_UNLIMITED_INSTANCES,
            BUFFER,
            BUFFER,
            0,
            ctypes.byref(self._attrs),
        )
        if handle == INVALID_HANDLE:
            raise ctypes.WinError(ctypes.get_last_error())
        return handle

    def accept(self) -> ByteStream | None:
        while not self._closed:
            overlapped = OVERLAPPED(hEvent=kernel32.CreateEventW(None, True, False, None))
            try:
                ok = kernel32.ConnectNamedPipe(self._next, ctypes.byref(overlapped))
                err = ctypes.get_last_error()
                if not ok and err == ERROR_IO_PENDING:
                    if _wait(self._next, overlapped, self._stop) < 0:
                        return None
                elif not ok and err != ERROR_PIPE_CONNECTED:
                    continue  # the client gave up between connect and accept
            except OSError:
                continue
            finally:
                kernel32.CloseHandle(overlapped.hEvent)
            connected, self._next = self._next, self._instance()
            return PipeStream(connected)
        return None

    def close(self) -> None:
        self._closed = True
        kernel32.SetEvent(self._stop)

    def release(self) -> None:
        self.close()
        kernel32.CloseHandle(self._next)
        kernel32.CloseHandle(self._stop)


class PipeStream:
    """One connected pipe instance, in the ByteStream shape the pump uses."""

    def __init__(self, handle: int) -> None:
        self._handle = handle
        self._aborted = threading.Event()

    def _io(self, call, buf, size: int) -> int:
        overlapped = OVERLAPPED(hEvent=kernel32.CreateEventW(None, True, False, None))
        try:
            if not call(self._handle, buf, size, None, ctypes.byref(overlapped)):
                err = ctypes.get_last_error()
                if err in (ERROR_BROKEN_PIPE, ERROR_OPERATION_ABORTED):
                    return 0
                if err != ERROR_IO_PENDING:
                    raise ctypes.WinError(err)
            try:
                return _wait(self._handle, overlapped)
            except OSError as exc:
                if exc.winerror in (ERROR_BROKEN_PIPE, ERROR_OPERATION_ABORTED):
                    return 0
                raise
        finally:
            kernel32.CloseHandle(overlapped.hEvent)

    def read(self, buf: memoryview) -> memoryview:
        target = (ctypes.c_char * len(buf)).from_buffer(buf)
        return buf[: self._io(kernel32.ReadFile, target, len(buf))]

    def write(self, data: memoryview | bytes) -> None:
        view = memoryview(data)
        while view:
            chunk = bytes(view[:BUFFER])
            written = self._io(kernel32.WriteFile, chunk, len(chunk))
            if not written:
                raise BrokenPipeError("the pipe's client went away")
            view = view[written:]

    def shutdown_write(self) -> None:
        """A byte-mode pipe has no half-close."""

    def peer_gone(self) -> bool:
        return True  # no half-close on a pipe: its EOF means the client has gone

    def wait_gone(self) -> None:
        self._aborted.wait()

    def abort(self) -> None:
        self._aborted.set()
        kernel32.CancelIoEx(self._handle, None)

    def close(self) -> None:
        kernel32.DisconnectNamedPipe(self._handle)
        kernel32.CloseHandle(self._handle)
