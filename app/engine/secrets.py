"""Creating a secret (``podman secret create``) without its value leaving the call.

The value goes from the caller straight into the request body: it is never logged,
never part of an error message and never kept after the request returns. Podman's
``file`` driver stores it on the service's side; only metadata comes back.
"""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, ConnectionLost, describe_os_error
from app.engine.http_api import LIBPOD_PREFIX, EndpointConnection, api_error, url

# Podman refuses other names with "only 64 [a-zA-Z0-9-_.] characters allowed, and the
# start and end character must be [a-zA-Z0-9]" (docs/podman-notes.md, "Secrets").
SECRET_NAME = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9])?$")
# Podman's own limit: "secret data must be larger than 0 and less than 512000 bytes".
MAX_SECRET_BYTES = 512_000 - 1
DRIVERS = ("file",)


def secret_name_problem(name: str) -> str:
    """Why Podman would refuse ``name`` as a secret name ("" when it would not)."""
    if not name:
        return "A secret needs a name."
    if len(name) > 64:
        return "At most 64 characters."
    if not SECRET_NAME.match(name):
        return "Letters, digits, “-”, “_” and “.” only, starting and ending with a letter or digit."
    return ""


def secret_value_problem(size: int) -> str:
    """Why Podman would refuse a value of ``size`` bytes ("" when it would not)."""
    if size <= 0:
        return "The value is empty: Podman keeps no empty secrets."
    if size > MAX_SECRET_BYTES:
        return f"The value has {size:,} bytes; Podman keeps at most {MAX_SECRET_BYTES:,}."
    return ""


def create_secret(endpoint: Endpoint, name: str, value: bytes, driver: str = "file") -> str:
    """Create the secret ``name`` holding ``value``; returns its id.

    The body is the raw value. It is sent as ``application/octet-stream``: with a form
    content type Podman 4.3 parses the body as a form first and then finds it empty
    ("secret data must be larger than 0"). Raises Conflict when the name is taken,
    ApiError with Podman's words for any other refusal.
    """
    path = url(f"{LIBPOD_PREFIX}/secrets/create", {"name": name, "driver": driver})
    conn = EndpointConnection(endpoint, 30.0)
    try:
        conn.request("POST", path, body=value, headers={"Content-Type": "application/octet-stream"})
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as exc:
        why = describe_os_error(exc)
        raise ConnectionLost(f"Lost the connection to Podman at {endpoint}: {why}", why) from None
    finally:
        conn.close()
        del value  # this frame's reference; the caller drops its own
    if response.status >= 400:
        raise api_error(data, response.status)
    try:
        return str(json.loads(data).get("ID") or "")
    except (ValueError, AttributeError):
        return ""


def create_secret_from_file(endpoint: Endpoint, name: str, path: str, driver: str = "file") -> str:
    """Create the secret ``name`` from a file's bytes, read here (off the GUI thread)."""
    try:
        size = Path(path).stat().st_size
        problem = secret_value_problem(size)
        if problem:
            raise ApiError(problem, 400)
        value = Path(path).read_bytes()
    except OSError as exc:
        raise ApiError(f"Cannot read {path}: {describe_os_error(exc)}", 400) from None
    try:
        return create_secret(endpoint, name, value, driver)
    finally:
        del value
