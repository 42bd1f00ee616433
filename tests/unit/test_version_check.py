"""The minimum-Podman check: 4.0 or newer, and a clear refusal saying what was found.

The one test double allowed: the test bed's tiny HTTP server on a unix socket answering
``/version`` like Podman 3.4.4 (no such Podman can be installed beside the real one here).
"""

from __future__ import annotations

import pytest

from app.engine.client import Client, check_version
from app.engine.dto import VersionInfo
from app.engine.errors import PodmanTooOld
from tests.bed.fake_old_podman import FakeOldPodman

PODMAN3_VERSION_BARE = {"Version": "3.4.4", "ApiVersion": "3.4.4", "Os": "linux", "Arch": "amd64"}


@pytest.mark.parametrize(
    "info",
    [
        VersionInfo("4.0.0", "4.0.0"),
        VersionInfo("4.3.1", "4.3.1"),
        VersionInfo("5.2.1", "5.2.1"),
        VersionInfo("5.0.0-dev", ""),  # no API version given: the Podman version decides
        VersionInfo("4", "4"),
    ],
)
def test_podman_4_and_newer_pass(info):
    check_version(info)


@pytest.mark.parametrize(
    ("info", "found"),
    [
        (VersionInfo("3.4.4", "3.4.4"), "3.4.4"),
        (VersionInfo("2.2.1", ""), "2.2.1"),
        (VersionInfo("24.0.7", "1.43"), "24.0.7 (API 1.43)"),  # a Docker engine
        (VersionInfo("", ""), "with no readable version"),
        (VersionInfo("dev-build", ""), "with an unreadable version ('dev-build')"),
    ],
)
def test_older_or_unreadable_versions_are_refused_saying_what_was_found(info, found):
    with pytest.raises(PodmanTooOld) as refused:
        check_version(info)
    assert (refused.value.found, refused.value.needed) == (found, "4.0")
    assert found in str(refused.value) and "needs Podman 4.0" in str(refused.value)


def test_a_higher_minimum_can_be_asked_for():
    with pytest.raises(PodmanTooOld, match="needs Podman 4.4"):
        check_version(VersionInfo("4.3.1", "4.3.1"), minimum=(4, 4))


@pytest.fixture
def podman3(tmp_path):
    """The test bed's fake Podman 3.4.4, answering /version on a unix socket."""
    fake = FakeOldPodman(tmp_path / "podman3.sock").start()
    yield fake.uri
    fake.stop()


def test_connect_check_refuses_a_podman_3_service(podman3):
    with Client(podman3) as client:
        info = client.version()
        assert (info.version, info.api_version) == ("3.4.4", "3.4.4")  # not the Docker 1.40
        with pytest.raises(PodmanTooOld) as refused:
            client.connect_check()
    assert refused.value.found == "3.4.4"
    assert "Podman 3.4.4 was found" in str(refused.value)


def test_a_podman_3_answer_without_components_is_refused_too():
    info = VersionInfo.from_api(PODMAN3_VERSION_BARE)
    assert info.api_version == "3.4.4"
    with pytest.raises(PodmanTooOld, match="Podman 3.4.4 was found"):
        check_version(info)


def test_the_quick_check_falls_back_to_version_for_a_podman_3_service(podman3):
    """Its ping names no libpod API version: the full check refuses it, saying what."""
    with Client(podman3) as client, pytest.raises(PodmanTooOld) as refused:
        client.quick_check()
    assert refused.value.found == "3.4.4"
