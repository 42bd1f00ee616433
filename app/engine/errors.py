"""The engine's exceptions: what went wrong, in words a Podman user understands.

Every failure that leaves the engine is one of these, carrying Podman's own message
where Podman gave one, so the UI can show it without a traceback.
"""

from __future__ import annotations

import socket


class PodmanError(Exception):
    """Base of every error the engine raises."""


class ConnectionLost(PodmanError):
    """The API could not be reached, or the connection dropped mid-request."""


class ApiError(PodmanError):
    """Podman answered with an error; ``message`` is Podman's own text."""

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NotFound(ApiError):
    """No such container, image, volume, pod, network or secret (HTTP 404)."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message, status)


class Conflict(ApiError):
    """The object is in a state that forbids the request (HTTP 409)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message, status)


class PodmanTooOld(PodmanError):
    """The service speaks an API older than the app needs."""

    def __init__(self, found: str, needed: str) -> None:
        super().__init__(
            f"Podman {found} was found, but Podman Desktop Companion needs Podman {needed} "
            "or newer. Upgrade Podman (see https://podman.io/docs/installation)."
        )
        self.found = found
        self.needed = needed


def error_for_status(status: int, message: str) -> ApiError:
    """The exception class that matches an HTTP status from Podman."""
    if status == 404:
        return NotFound(message, status)
    if status == 409:
        return Conflict(message, status)
    return ApiError(message, status)


def describe_os_error(exc: BaseException) -> str:
    """A transport failure in words a Podman user understands."""
    if isinstance(exc, FileNotFoundError):
        return "nothing is listening there (no such socket)"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused (is the Podman service running?)"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, BrokenPipeError | ConnectionResetError):
        return "the service closed the connection"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# -- the podman CLI ----------------------------------------------------------------------


class CommandFailed(PodmanError):
    """A ``podman`` command exited with an error; the message is Podman's own text."""

    def __init__(self, command: str, message: str) -> None:
        super().__init__(message)
        self.command = command
        self.message = message
