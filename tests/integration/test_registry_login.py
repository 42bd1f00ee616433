"""Checking a registry login through the service, on the real loopback registry that
wants one (docs/podman-notes.md, "Registry logins")."""

from __future__ import annotations

import pytest

from app.engine import registry_auth
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError, AuthRequired
from app.engine.registries import insecure_registries, search_registries


def test_a_plain_http_registry_marked_insecure_is_checked_by_a_pull(podman, auth_registry):
    endpoint = Endpoint.parse(podman.uri)
    assert auth_registry.address in insecure_registries(endpoint)
    assert search_registries(endpoint) == []  # the test registries.conf searches none
    user, password, host = auth_registry.user, auth_registry.password, auth_registry.address
    registry_auth.verify(endpoint, host, user, password, unverified_ok=True)
    with pytest.raises(AuthRequired, match="unauthorized"):
        registry_auth.verify(endpoint, host, user, "wrong", unverified_ok=True)


def test_no_password_goes_unverified_unless_the_registry_may_be(podman, auth_registry):
    endpoint = Endpoint.parse(podman.uri)
    user, password, host = auth_registry.user, auth_registry.password, auth_registry.address
    with pytest.raises(ApiError, match="cannot check this login") as refused:
        registry_auth.verify(endpoint, host, user, password, unverified_ok=False)
    assert not isinstance(refused.value, AuthRequired)
    assert "HTTP response to HTTPS client" in str(refused.value)


def test_podmans_auth_check_takes_localhost_as_plain_http(podman, auth_registry):
    endpoint = Endpoint.parse(podman.uri)
    host = f"localhost:{auth_registry.port}"
    registry_auth.verify(endpoint, host, auth_registry.user, auth_registry.password)
    with pytest.raises(AuthRequired, match="401"):
        registry_auth.verify(endpoint, host, auth_registry.user, "wrong")
