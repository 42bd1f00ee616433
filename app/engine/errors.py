"""The engine's exceptions: what went wrong, in words a Podman user understands.

Every failure that leaves the engine is one of these, carrying Podman's own message
where Podman gave one, so the UI can show it without a traceback. Code outside the
engine branches on the type, never on the message: the engine alone reads Podman's
HTTP status and error cause to choose the type (``error_for_status``).

    PodmanError
    ├── ConnectionLost      the API could not be reached, or dropped mid-request
    │   └── Unreachable     nothing answered: the request was never sent
    ├── ApiError            Podman answered with an error
    │   ├── NotFound        no such object
    │   ├── Conflict        its state forbids the request (pausing a stopped container)
    │   │   └── InUse       something uses it (a container uses the image or volume)
    │   └── AuthRequired    a registry wants a login, or refused the one given
    └── PodmanTooOld        the service is older than the app supports
"""

from __future__ import annotations

import socket


class PodmanError(Exception):
    """Base of every error the engine raises."""


class ConnectionLost(PodmanError):
    """The API could not be reached, or the connection dropped mid-request (so a request
    may or may not have been carried out).

    ``why`` is the cause alone, in plain words and without the address ("nothing is
    listening there (no such socket)"), for a view that shows the address beside it.
    """

    def __init__(self, message: str, why: str = "") -> None:
        super().__init__(message)
        self.why = why or message


class Unreachable(ConnectionLost):
    """Nothing answered at the endpoint: the request was never sent."""


class ApiError(PodmanError):
    """Podman answered with an error; ``message`` is Podman's own text and ``cause`` the
    short reason its libpod API adds ("no such container"), when it gave one."""

    default_status = 500

    def __init__(self, message: str, status: int | None = None, cause: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = self.default_status if status is None else status
        self.cause = cause


class NotFound(ApiError):
    """No such container, image, volume, pod, network or secret (HTTP 404)."""

    default_status = 404


class Conflict(ApiError):
    """The object is in a state that forbids the request (HTTP 409, or Podman's
    "container state improper"): pausing a stopped container, removing a running one."""

    default_status = 409


class InUse(Conflict):
    """Something else uses the object: a container uses the image or volume, a network
    has containers, a container depends on it. Forcing removes those users too."""


class AuthRequired(ApiError):
    """A registry needs a login, or refused the one given (HTTP 401/403, or a registry's
    "unauthorized"/"denied" that Podman passes on under another status)."""

    default_status = 401


class NotPodman(PodmanError):
    """Something answered at the endpoint, but not the Podman API (a web server on the
    port, a proxy): every Podman serves /version."""


class PodmanTooOld(PodmanError):
    """The service speaks an API older than the app needs."""

    def __init__(self, found: str, needed: str) -> None:
        super().__init__(
            f"Podman {found} was found, but Podman Desktop Companion needs Podman {needed} "
            "or newer. Upgrade Podman (see https://podman.io/docs/installation)."
        )
        self.found = found
        self.needed = needed


# Podman's error causes (libpod/define/errors.go and containers/storage), for the answers
# whose HTTP status does not say what happened: Podman 4 sends many conflicts as 500, a
# registry's refusal as 400 or 500. A cause may carry a prefix ("removing container …:
# a container that depends on … still exists: dependency exists"), so each is a suffix.
_IN_USE_CAUSES = (
    "image is in use by a container",
    "volume is being used",
    "network is being used",
    "dependency exists",
)
_CONFLICT_CAUSES = ("container state improper",)
_NOT_FOUND_CAUSES = (
    "no such container",
    "no such pod",
    "no such volume",
    "no such secret",
    "no such exec session",
    "no such image",
    "image not known",
    "network not found",
)
# The registry's own error codes (distribution's errcode: UNAUTHORIZED, DENIED).
_AUTH_CAUSE_PREFIXES = ("unauthorized", "denied")


def error_for_status(status: int, message: str, cause: str = "") -> ApiError:
    """The exception that matches Podman's answer: its HTTP status, and its error cause
    where the status is ambiguous. A request refused for several reasons (removing a pod:
    one per container) carries one of them as its cause, in no fixed order, so such a
    refusal is a Conflict of either kind."""
    cause = cause.strip().lower()
    if status == 404 or cause.endswith(_NOT_FOUND_CAUSES):
        return NotFound(message, status, cause)
    if status in (401, 403) or cause.startswith(_AUTH_CAUSE_PREFIXES):
        return AuthRequired(message, status, cause)
    if cause.endswith(_IN_USE_CAUSES):
        return InUse(message, status, cause)
    if status == 409 or cause.endswith(_CONFLICT_CAUSES):
        return Conflict(message, status, cause)
    return ApiError(message, status, cause)


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
