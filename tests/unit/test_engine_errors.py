"""How Podman's HTTP status and error cause choose the engine's error type (the answers
themselves are provoked on real Podman in tests/integration/test_engine_errors.py)."""

from __future__ import annotations

from app.engine.errors import (
    ApiError,
    AuthRequired,
    Conflict,
    InUse,
    NotFound,
    error_for_status,
)


def test_the_status_decides_where_it_is_plain():
    assert type(error_for_status(404, "gone")) is NotFound
    assert type(error_for_status(409, "busy")) is Conflict
    assert type(error_for_status(401, "who are you")) is AuthRequired
    assert type(error_for_status(403, "not you")) is AuthRequired
    plain = error_for_status(500, "something broke")
    assert type(plain) is ApiError and (plain.status, plain.message) == (500, "something broke")


def test_the_cause_decides_where_the_status_is_ambiguous():
    improper = error_for_status(500, "m", "container state improper")
    assert type(improper) is Conflict and improper.status == 500
    assert type(error_for_status(409, "m", "image is in use by a container")) is InUse
    assert type(error_for_status(500, "m", "network is being used")) is InUse
    depends = "removing container 01 from pod 02: a container that depends on 01 still exists"
    assert type(error_for_status(500, "m", f"{depends}: dependency exists")) is InUse
    assert type(error_for_status(400, "m", "unauthorized: authentication required")) is AuthRequired
    assert type(error_for_status(500, "m", "denied: requested access is denied")) is AuthRequired
    assert type(error_for_status(500, "m", "no such pod")) is NotFound
    assert type(error_for_status(500, "m", "some other cause")) is ApiError
