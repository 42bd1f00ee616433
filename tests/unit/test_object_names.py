"""Podman's words with names for ids: what the message bar shows after a refusal."""

from __future__ import annotations

from app.controllers.object_names import known_names, with_names
from app.engine.dto import ContainerSummary, ImageSummary, PodSummary

WEB = "6946d7c5c1057453181f7a3497561a0f4b2d8cf7de80f750ca27ea23f0db5275"
POD = "86921198b5b082661a1b9615300e4b455003cde49450c66c0dd471530e3650d0"
IMAGE = "2500c7b2d06028234bdf371c33a63cdfe4788e3f8e91dccbb1b8715cc89cafd5"
GONE = "ea32f5e1a08c8cc2c7d57972390eacdd7b7e70de28fa3ecab1150b8a3e14f095"


def _names() -> dict[str, str]:
    listed = {
        "containers": {WEB: ContainerSummary(id=WEB, name="web")},
        "pods": {POD: PodSummary(id=POD, name="shop")},
        "images": {IMAGE: ImageSummary(id=IMAGE, repo_tags=("localhost/app:1", "x/y:2"))},
    }
    return known_names(lambda kind: listed.get(kind, {}))


def test_ids_become_names_in_podmans_own_words():
    # Podman 4.3.1's words, measured.
    text = (
        f"removing container {WEB} from pod {POD}: cannot remove container {WEB} as it "
        "is running - running or paused containers cannot be removed without force: "
        "container state improper"
    )
    assert with_names(text, _names()) == (
        "removing container “web” from pod “shop”: cannot remove container “web” as it "
        "is running - running or paused containers cannot be removed without force: "
        "container state improper"
    )


def test_an_image_id_quoted_or_prefixed_becomes_its_first_tag():
    text = f'unable to delete image "{IMAGE}" by digest with more than one tag'
    assert with_names(text, _names()).startswith("unable to delete image “localhost/app:1” by")
    assert with_names(f"sha256:{IMAGE}: image not known", _names()) == (
        "“localhost/app:1”: image not known"
    )


def test_an_unknown_id_is_shortened_and_names_are_left_alone():
    text = f"volume data is being used by the following container(s): {GONE}: in use"
    assert with_names(text, _names()) == (
        "volume data is being used by the following container(s): ea32f5e1a08c: in use"
    )
    assert with_names("86921198b5b0-infra", _names()) == "86921198b5b0-infra"
