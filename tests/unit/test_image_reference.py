"""The image reference grammar the pull and push dialogs check as the user types."""

from __future__ import annotations

import pytest

from app.engine.image_reference import parse, problem, registry_of, registry_problem

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("text", "registry", "path", "tag", "digest"),
    [
        ("busybox", "", "busybox", "", ""),
        ("library/busybox:1.36", "", "library/busybox", "1.36", ""),
        ("quay.io/podman/hello:latest", "quay.io", "podman/hello", "latest", ""),
        ("localhost/busybox:test", "localhost", "busybox", "test", ""),
        ("127.0.0.1:5000/a/b", "127.0.0.1:5000", "a/b", "", ""),
        (f"quay.io/a/b:1@{DIGEST}", "quay.io", "a/b", "1", DIGEST),
        (f"quay.io/a/b@{DIGEST}", "quay.io", "a/b", "", DIGEST),
        (
            "registry.local:5000/my_app/web-ui__x:v1.2-rc_3",
            "registry.local:5000",
            "my_app/web-ui__x",
            "v1.2-rc_3",
            "",
        ),
    ],
)
def test_valid_references_split_into_their_parts(text, registry, path, tag, digest) -> None:
    ref = parse(text)
    assert (ref.registry, ref.path, ref.tag, ref.digest) == (registry, path, tag, digest)
    assert str(ref) == text
    assert registry_of(text) == registry


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Type an image name"),
        ("quay.io/Podman/hello", "lowercase"),
        ("busy box", "no spaces"),
        ("quay.io/a/b:", "Nothing follows"),
        ("quay.io/a/b:-x", "A tag is"),
        ("quay.io/a/b:" + "x" * 129, "A tag is"),
        ("quay.io/a/b@sha256:abc", "digest"),
        ("quay.io/a/b@sha256:" + "A" * 64, "64 lowercase"),
        ("quay.io/", "missing"),
        ("quay.io/a//b", "Two slashes"),
        ("quay.io/a-/b", "not a valid name part"),
        ("bad_host.io:x/a", "not a valid registry"),
        ("a/" + "b" * 260, "longer than 255"),
    ],
)
def test_invalid_references_say_why(text, reason) -> None:
    assert reason in problem(text)


def test_registry_hosts_are_checked() -> None:
    assert registry_problem("quay.io") == ""
    assert registry_problem("127.0.0.1:5000") == ""
    assert "Only the host" in registry_problem("https://quay.io")
    assert "Type the registry" in registry_problem("")
