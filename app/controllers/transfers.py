"""Pulls, pushes and registry logins for the active connection.

A pull or push is an Operation (app/controllers/operations.py) on the transfers pool,
listed in the transfers panel; the login it needs is read from the podman CLI's auth
file on that pool and sent as ``X-Registry-Auth``, so it works for remote connections
too. Skipping TLS verification is per registry: for one pull when the user asks, and
from then on only if they tick "Remember" (settings keep the host names, nothing else).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.controllers.operations import Operation, Operations
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.engine import registry_auth
from app.engine.endpoint import Endpoint
from app.engine.errors import AuthRequired, ConnectionLost, NotFound, PodmanError
from app.engine.image_reference import registry_of
from app.engine.pull import pull_image
from app.engine.push import push_image
from app.engine.registries import insecure_registries, search_registries
from app.support import log
from app.support.concurrency import CancelToken

_log = log.get("transfers")


class Problem(enum.Enum):
    """What a failed pull, push or login was, so the view can offer the way out."""

    LOGIN = "login"  # the registry wants a login, or refused it
    TLS = "tls"  # the registry's certificate (or its plain HTTP) failed verification
    UNKNOWN_HOST = "unknown-host"
    NOT_FOUND = "not-found"
    REFUSED = "refused"  # nothing listens at the registry's address
    CONNECTION = "connection"  # the connection to Podman itself went away
    OTHER = "other"


_TLS_MARKERS = (
    "x509:",
    "tls:",
    "certificate",
    "http response to https client",
)


def classify(error: BaseException) -> Problem:
    """The kind of a failure, from its type and (for a registry's) Podman's words."""
    if isinstance(error, ConnectionLost):
        return Problem.CONNECTION
    if isinstance(error, AuthRequired):
        return Problem.LOGIN
    text = str(error).lower()
    if any(marker in text for marker in _TLS_MARKERS):
        return Problem.TLS
    if "no such host" in text or "name or service not known" in text:
        return Problem.UNKNOWN_HOST
    if isinstance(error, NotFound) or "manifest unknown" in text or "name unknown" in text:
        return Problem.NOT_FOUND
    if "connection refused" in text:
        return Problem.REFUSED
    return Problem.OTHER


def explain(error: BaseException, registry: str) -> str:
    """The failure in words, then Podman's own text."""
    where = registry or "the registry"
    words = {
        Problem.LOGIN: f"{where} needs a login, or refused the one given.",
        Problem.TLS: f"The secure connection to {where} failed: its certificate (or its "
        "plain HTTP) did not pass TLS verification.",
        Problem.UNKNOWN_HOST: f"The service cannot find the host {where}: check the name.",
        Problem.NOT_FOUND: f"{where} has no such image (check the name and the tag).",
        Problem.REFUSED: f"Nothing answers at {where}: the registry refused the connection.",
        Problem.CONNECTION: "The connection to Podman was lost; nothing was added.",
        Problem.OTHER: "",
    }[classify(error)]
    text = str(error)
    return f"{words}\n\nPodman said: {text}" if words else text


def _pull(
    endpoint: Endpoint,
    reference: str,
    registry: str,
    tls_verify: bool,
    *,
    on_progress: Callable[[Any], None],
    cancel: CancelToken,
) -> str:
    auth = registry_auth.header_for(registry)  # the auth file is read here, off the GUI
    return pull_image(
        endpoint,
        reference,
        auth=auth,
        tls_verify=tls_verify,
        on_progress=on_progress,
        cancel=cancel,
    )


def _push(
    endpoint: Endpoint,
    image: str,
    destination: str,
    registry: str,
    tls_verify: bool,
    *,
    on_progress: Callable[[Any], None],
    cancel: CancelToken,
) -> str:
    auth = registry_auth.header_for(registry)
    return push_image(
        endpoint,
        image,
        destination,
        auth=auth,
        tls_verify=tls_verify,
        on_progress=on_progress,
        cancel=cancel,
    )


def _login(endpoint: Endpoint, registry: str, user: str, password: str, skip_tls: bool) -> None:
    unverified_ok = skip_tls or registry in insecure_registries(endpoint)
    registry_auth.verify(endpoint, registry, user, password, unverified_ok)
    registry_auth.save(registry, user, password)


class Transfers(QObject):
    """Starts pulls and pushes on the active session; logs in and out of registries.

    Signals:
        logins_changed(): a login was saved or removed.
    """

    logins_changed = Signal()

    def __init__(
        self,
        operations: Operations,
        settings: Settings,
        session: Callable[[], Session | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.operations = operations
        self.settings = settings
        self._session = session

    def _current(self) -> Session:
        session = self._session()
        if session is None:
            raise ConnectionLost("No connection is open: connect to Podman first.")
        return session

    # -- TLS verification per registry ---------------------------------------------------

    def skips_tls(self, registry: str) -> bool:
        return bool(registry) and registry in self.insecure_registries()

    def insecure_registries(self) -> list[str]:
        return [r for r in self.settings.skip_tls_registries.split(",") if r]

    def remember_skip_tls(self, registry: str) -> None:
        """Pull from ``registry`` without TLS verification from now on (the user ticked
        "Remember"); settings keep its host name, never a login."""
        if registry and not self.skips_tls(registry):
            self.settings.skip_tls_registries = ",".join([*self.insecure_registries(), registry])

    # -- pull and push -------------------------------------------------------------------

    def pull(self, reference: str, tls_verify: bool | None = None) -> Operation:
        """Start pulling ``reference``; ``tls_verify`` None: as remembered for its registry."""
        session = self._current()
        registry = registry_of(reference)
        verify = not self.skips_tls(registry) if tls_verify is None else tls_verify
        operation = self.operations.start(
            f"Pull {reference}",
            "pull",
            _pull,
            session.client.endpoint,
            reference,
            registry,
            verify,
        )
        operation.registry = registry  # type: ignore[attr-defined]
        return operation

    def push(self, image: str, destination: str, tls_verify: bool | None = None) -> Operation:
        session = self._current()
        registry = registry_of(destination)
        verify = not self.skips_tls(registry) if tls_verify is None else tls_verify
        operation = self.operations.start(
            f"Push {destination}",
            "push",
            _push,
            session.client.endpoint,
            image,
            destination,
            registry,
            verify,
        )
        operation.registry = registry  # type: ignore[attr-defined]
        return operation

    async def search_registries(self) -> list[str] | None:
        """The registries the connection tries for a short name; None when unknown."""
        session = self._session()
        if session is None:
            return None
        try:
            return await session.call(search_registries, session.client.endpoint)
        except PodmanError as exc:
            _log.info("cannot read the search registries: %s", exc)
            return None

    # -- logins --------------------------------------------------------------------------

    async def login(self, registry: str, user: str, password: str) -> None:
        """Check the login with the registry through the service, then save it in the
        auth file. Raises AuthRequired when refused, PodmanError when it cannot check."""
        session = self._current()
        skip = self.skips_tls(registry)
        await session.call(_login, session.client.endpoint, registry, user, password, skip)
        _log.info("logged in to %s as %s", registry, user)
        self.logins_changed.emit()

    async def logout(self, registry: str) -> None:
        session = self._current()  # its pool does the file work, off the GUI thread
        await session.call(registry_auth.remove, registry)
        _log.info("logged out of %s", registry)
        self.logins_changed.emit()

    async def logged_in(self) -> list[str]:
        session = self._session()
        if session is None:
            return []
        return await session.call(registry_auth.logged_in)
