"""Pulling through the service from the real loopback registries, with progress."""

from __future__ import annotations

import pytest

from app.engine.endpoint import Endpoint
from app.engine.errors import AuthRequired, NotFound
from app.engine.pull import pull_image
from app.support.concurrency import Cancelled, CancelToken
from tests.bed.podman import TEST_IMAGE


@pytest.fixture
def pushed(podman, registry):
    """The test image pushed to the open registry and removed from the store."""
    ref = f"{registry.address}/pull-test/busybox:1"
    podman.cli("push", "--tls-verify=false", TEST_IMAGE, ref)
    podman.cli("rmi", "--ignore", ref)
    yield ref
    podman.cli("rmi", "--ignore", ref)


def test_pull_reports_layers_and_returns_the_image_id(podman, pushed) -> None:
    seen = []
    image_id = pull_image(Endpoint.parse(podman.uri), pushed, on_progress=seen.append)
    assert podman.cli("image", "inspect", "--format", "{{.Id}}", pushed).strip() == image_id
    layer_steps = [p for p in seen if p.layer]
    assert layer_steps, seen
    assert {p.status for p in layer_steps} & {"Pulling fs layer", "Already exists"}


def test_pull_without_tls_verification_takes_the_text_endpoint(podman, pushed) -> None:
    seen = []
    image_id = pull_image(
        Endpoint.parse(podman.uri), pushed, tls_verify=False, on_progress=seen.append
    )
    assert image_id
    assert any(p.status.startswith("Copying") for p in seen), seen


def test_unknown_image_and_missing_login_are_typed_errors(podman, registry, auth_registry):
    endpoint = Endpoint.parse(podman.uri)
    with pytest.raises(NotFound, match="manifest unknown"):
        pull_image(endpoint, f"{registry.address}/no/such:image")
    with pytest.raises(AuthRequired, match="unauthorized"):
        pull_image(endpoint, f"{auth_registry.address}/any/image:1")


def test_a_pull_cancelled_before_it_starts_sends_nothing(podman, pushed) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        pull_image(Endpoint.parse(podman.uri), pushed, cancel=token)
    assert pushed not in podman.cli("images", "--format", "{{.Repository}}:{{.Tag}}")
