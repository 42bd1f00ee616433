"""Registry logins in the auth file the podman CLI uses, and the ``X-Registry-Auth``
header built from it, so a pull or push carries the login to the service whatever the
connection (a remote service does not read this computer's auth file).

The file is ``$REGISTRY_AUTH_FILE`` when set, else ``$XDG_RUNTIME_DIR/containers/
auth.json`` on Linux and ``$HOME/.config/containers/auth.json`` elsewhere (docs/
podman-notes.md, "Registry logins"), in the format ``{"auths": {HOST: {"auth":
base64("user:password")}}}``. Writes keep every other entry and key, and replace the
file atomically with mode 0600. Nothing here logs a password.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, AuthRequired
from app.engine.http_api import LIBPOD_PREFIX, open_stream, request

COMPAT_PREFIX = "/v1.41"
DOCKER_HUB = "docker.io"
# A name no registry holds: pulling it with a login tells "unauthorized" from "unknown".
_CHECK_IMAGE = "pdc-login-check/no-such-image:none"
_TLS_MARKERS = ("http response to https client", "x509:", "tls:", "certificate")


def auth_file() -> Path:
    """Where podman login writes on this system (read and written here too)."""
    chosen = os.environ.get("REGISTRY_AUTH_FILE")
    if chosen:
        return Path(chosen)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if sys.platform.startswith("linux") and runtime:
        return Path(runtime) / "containers" / "auth.json"
    return Path.home() / ".config" / "containers" / "auth.json"


def _fallback_files() -> list[Path]:
    # Podman also reads these when the primary file has no entry (containers-auth.json(5)).
    home = Path.home()
    return [home / ".config" / "containers" / "auth.json", home / ".docker" / "config.json"]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _host(key: str) -> str:
    """An auths key as a host: docker's keys are URLs ("https://index.docker.io/v1/")."""
    host = key.split("://", 1)[-1].split("/", 1)[0]
    return DOCKER_HUB if host in ("index.docker.io", "registry-1.docker.io") else host


def logged_in(path: Path | None = None) -> list[str]:
    """The registries the auth file holds a login for, sorted."""
    auths = _read(path or auth_file()).get("auths") or {}
    return sorted({_host(k) for k in auths} if isinstance(auths, dict) else set())


def credentials(registry: str, path: Path | None = None) -> tuple[str, str] | None:
    """(user, password) for ``registry`` from the auth file (or podman's fallbacks)."""
    files = [path] if path is not None else [auth_file(), *_fallback_files()]
    for file in files:
        auths = _read(file).get("auths") or {}
        if not isinstance(auths, dict):
            continue
        for key, entry in auths.items():
            if _host(key) != registry or not isinstance(entry, dict):
                continue
            try:
                user, _, password = (
                    base64.b64decode(entry.get("auth") or "").decode().partition(":")
                )
            except (ValueError, UnicodeDecodeError):
                continue
            if user:
                return user, password
    return None


def save(registry: str, user: str, password: str, path: Path | None = None) -> None:
    """Store a login for ``registry``, keeping every other entry of the file."""
    path = path or auth_file()
    data = _read(path)
    auths = data.get("auths") if isinstance(data.get("auths"), dict) else {}
    auths[registry] = {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}
    data["auths"] = auths
    _write(path, data)


def remove(registry: str, path: Path | None = None) -> bool:
    """Forget the login for ``registry``; False when there was none."""
    path = path or auth_file()
    data = _read(path)
    auths = data.get("auths")
    if not isinstance(auths, dict):
        return False
    keys = [k for k in auths if _host(k) == registry]
    for key in keys:
        del auths[key]
    if keys:
        _write(path, data)
    return bool(keys)


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=".auth-", dir=path.parent)  # 0600 from the start
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent="\t")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def header(user: str, password: str, registry: str) -> str:
    """An ``X-Registry-Auth`` value: base64url of the Docker AuthConfig JSON."""
    body = json.dumps({"username": user, "password": password, "serveraddress": registry})
    return base64.urlsafe_b64encode(body.encode()).decode()


def header_for(registry: str) -> str | None:
    """The header for ``registry`` from the auth file, or None without a login."""
    found = credentials(registry) if registry else None
    return header(found[0], found[1], registry) if found else None


def verify(
    endpoint: Endpoint, registry: str, user: str, password: str, unverified_ok: bool = False
) -> None:
    """Ask the service whether the registry accepts the login; raise when it does not.

    Podman 4.3's ``POST /auth`` pings the registry over verified HTTPS only, ignoring
    registries.conf's ``insecure`` (docs/podman-notes.md, "Registry logins"). For a
    registry reached without TLS verification (``unverified_ok``: registries.conf says
    insecure, or the user chose so for it) the check is then a pull, with the login, of a
    name no registry holds: "unauthorized" means the login was refused, "manifest
    unknown" that it was accepted. Otherwise the password is not sent over an unverified
    connection and the refusal says why. Raises AuthRequired (refused), ApiError (the
    registry could not be asked), or ConnectionLost.
    """
    body = {"username": user, "password": password, "serveraddress": registry}
    try:
        request(endpoint, "POST", f"{COMPAT_PREFIX}/auth", body=body)
        return
    except AuthRequired:
        raise
    except ApiError as exc:
        text = str(exc)
        lowered = text.lower()
        unverified = any(m in lowered for m in _TLS_MARKERS)
        if not unverified:
            if "401" in text or "unauthorized" in lowered:
                raise AuthRequired(text) from None
            raise
        if not unverified_ok:
            raise ApiError(
                f"The service cannot check this login: {registry} does not pass TLS "
                "verification, and it is not marked insecure for this connection (pull "
                'from it once with "Retry without TLS verification" and "Remember" '
                f"ticked, then log in). Podman said: {text}"
            ) from None
    _verify_by_pull(endpoint, registry, header(user, password, registry))


def _verify_by_pull(endpoint: Endpoint, registry: str, auth: str) -> None:
    stream = open_stream(
        endpoint,
        f"{LIBPOD_PREFIX}/images/pull",
        params={"reference": f"{registry}/{_CHECK_IMAGE}", "tlsVerify": False, "policy": "always"},
        method="POST",
        headers={"X-Registry-Auth": auth},
        wait_for_headers=True,
    )
    error = ""
    try:
        for line in stream.lines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("error"):
                error = str(record["error"])
    finally:
        stream.close()
    lowered = error.lower()
    if not error or "manifest unknown" in lowered or "name unknown" in lowered:
        return  # the registry let the login look for the image
    if "unauthorized" in lowered or "denied" in lowered:
        raise AuthRequired(error)
    raise ApiError(error)
