"""Glue between podman-py and the app's endpoints: transport and error translation.

podman-py reaches only unix sockets, TCP and ssh:// (by spawning ``ssh`` with host-key
checks off, which the app must never do), and it raises requests/podman exceptions.
Here its session gets one transport for every :class:`Endpoint` (unix, tcp and Windows
named pipes alike), and its exceptions become the engine's own (app.engine.errors).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import podman.errors
import requests
import urllib3
import urllib3.connection
from podman import PodmanClient
from podman.api.client import APIClient
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from app.engine import errors
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost, PodmanError, Unreachable, error_for_status
from app.engine.http_api import LIBPOD_PREFIX

# The libpod API version every path is prefixed with; the same one http_api uses.
API_VERSION = LIBPOD_PREFIX.split("/")[1].lstrip("v")


class _EndpointConnection(urllib3.connection.HTTPConnection):
    """An urllib3 connection whose byte stream comes from :meth:`Endpoint.connect`."""

    def __init__(self, *args: Any, endpoint: Endpoint, **kwargs: Any) -> None:
        self.endpoint = endpoint
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        timeout = self.timeout if isinstance(self.timeout, int | float) else 10.0
        try:
            return self.endpoint.connect(timeout)
        except (OSError, ValueError) as exc:
            raise NewConnectionError(self, f"Cannot reach Podman at {self.endpoint}") from exc

    @property
    def is_connected(self) -> bool:
        # urllib3 probes idle sockets with select(), which Windows pipe handles do not support.
        if self.endpoint.scheme == "npipe":
            return self.sock is not None
        return super().is_connected


class _EndpointPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _EndpointConnection


class EndpointAdapter(HTTPAdapter):
    """A requests transport adapter that sends every request to one :class:`Endpoint`.

    Mounted on podman-py's session, it gives podman-py the named pipes it lacks
    (podman-py issue #554) and one connection path for unix and TCP endpoints too.
    """

    def __init__(self, endpoint: Endpoint, pool_maxsize: int = 10) -> None:
        self.endpoint = endpoint
        self._pool: _EndpointPool | None = None
        self._pool_lock = threading.Lock()
        super().__init__(pool_connections=1, pool_maxsize=pool_maxsize)

    def _endpoint_pool(self) -> _EndpointPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = _EndpointPool(
                    "podman", maxsize=self._pool_maxsize, endpoint=self.endpoint
                )
            return self._pool

    def get_connection_with_tls_context(
        self, request: requests.PreparedRequest, verify: Any, proxies: Any = None, cert: Any = None
    ) -> urllib3.HTTPConnectionPool:
        return self._endpoint_pool()

    def get_connection(self, url: str, proxies: Any = None) -> urllib3.HTTPConnectionPool:
        return self._endpoint_pool()  # requests < 2.32 asks this instead

    def request_url(self, request: requests.PreparedRequest, proxies: Any) -> str:
        return request.path_url  # never an absolute URL: there is no HTTP proxy in between

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
        super().close()


class _EndpointPodmanClient(PodmanClient):
    """A PodmanClient over a ready APIClient.

    PodmanClient.__init__ reads the user's containers.conf and connections file even
    when given a base_url, and fails on a malformed one; the app already knows where
    to connect, so that step is skipped.
    """

    def __init__(self, api: APIClient) -> None:
        self.api = api


def make_podman_client(endpoint: Endpoint, timeout: float = 30.0) -> PodmanClient:
    """A podman-py client whose every request goes to ``endpoint`` (never over ssh://)."""
    if endpoint.scheme not in ("unix", "tcp", "npipe"):
        raise ValueError(f"{endpoint}: not a local endpoint")
    # The base URL only names the host in requests; the adapter decides where bytes go.
    api = APIClient(base_url="http://podman", version=API_VERSION, timeout=timeout)
    api.trust_env = False  # never route a local socket through an HTTP(S)_PROXY
    adapter = EndpointAdapter(endpoint)
    api.mount("http://", adapter)
    api.mount("https://", adapter)
    return _EndpointPodmanClient(api)


# -- errors ------------------------------------------------------------------------------


@contextlib.contextmanager
def translated_errors(endpoint: Endpoint) -> Iterator[None]:
    """Turn podman-py and requests exceptions into the engine's own, with Podman's words."""
    try:
        yield
    except podman.errors.APIError as exc:
        raise _from_api_error(exc, endpoint) from exc
    except requests.exceptions.JSONDecodeError as exc:
        raise ApiError(f"Podman sent an answer that could not be read: {exc}") from exc
    except (requests.exceptions.RequestException, OSError) as exc:
        raise _connection_lost(exc, endpoint) from exc
    except podman.errors.PodmanError as exc:
        raise PodmanError(str(exc)) from exc


def _from_api_error(exc: podman.errors.APIError, endpoint: Endpoint) -> PodmanError:
    response = exc.response
    if response is None:  # podman-py wraps transport failures in an APIError too
        return _connection_lost(exc, endpoint)
    status = response.status_code
    message, cause = _podman_message(response, exc)
    if status < 400:  # podman-py raises for some 2xx/3xx answers it did not expect
        status = 500
    return error_for_status(status, message, cause)


def _podman_message(response: requests.Response, exc: Exception) -> tuple[str, str]:
    """Podman's own error text (and its cause), from the JSON body it sends with errors."""
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return text or str(exc), ""
    if not isinstance(body, dict):
        return str(body), ""
    cause = str(body.get("cause") or "")
    errs = body.get("Errs")  # pod start/stop reports list the failing containers here
    if isinstance(errs, list) and errs and not body.get("message"):
        return "; ".join(str(e) for e in errs), cause
    return str(body.get("message") or cause or body), cause


def _connection_lost(exc: BaseException, endpoint: Endpoint) -> ConnectionLost:
    why = describe_os_error(_root_cause(exc))
    if _before_request(exc):
        return Unreachable(f"Cannot reach Podman at {endpoint}: {why}", why)
    return ConnectionLost(f"Lost the connection to Podman at {endpoint}: {why}", why)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what led to it, outermost first (cause, urllib3 reason, context)."""
    path: list[BaseException] = []
    item: BaseException | None = exc
    while item is not None and item not in path:
        path.append(item)
        reason = getattr(item, "reason", None)
        item = item.__cause__ or (reason if isinstance(reason, BaseException) else None)
        item = item or path[-1].__context__
    return path


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost OS-level error (no such socket, refused, timeout…), else the innermost."""
    path = _chain(exc)
    plain = [e for e in path if isinstance(e, OSError) and not _is_wrapper(e)]
    return plain[-1] if plain else path[-1]


def _is_wrapper(exc: BaseException) -> bool:
    return isinstance(exc, requests.exceptions.RequestException)


def _before_request(exc: BaseException) -> bool:
    return any(isinstance(e, NewConnectionError) for e in _chain(exc))


def describe_os_error(exc: BaseException) -> str:
    """A transport failure in words a Podman user understands (requests' timeouts too)."""
    if isinstance(exc, requests.exceptions.Timeout):
        return "no answer in time"
    return errors.describe_os_error(exc)
