"""The image list against real Podman: one row per name, as `podman images` prints it;
a dangling image says so; Remove on a row removes that name, and an image with its last."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.confirmation import Answer
from tests.bed.podman import TEST_IMAGE
from tests.ui.test_containers_view import answer_with
from tests.ui.test_main_window import open_and_wait

WAIT = 10_000
NAMES = ("localhost/shop/web:1.4.2", "localhost/shop/web:latest", "quay.io/team/web:2")


def rows(view) -> list[tuple[str, str, str]]:
    model = view.model
    cells = []
    for row in range(model.rowCount()):
        repository, tag, image_id = (
            model.index(row, model.column_index(n)).data() for n in ("repository", "tag", "id")
        )
        cells.append((repository.replace(" (dangling)", ""), tag, image_id))
    return sorted(cells)


def podman_images(podman) -> list[tuple[str, str, str]]:
    out = podman.cli("images", "--format", "{{.Repository}}\t{{.Tag}}\t{{.ID}}")
    return sorted(tuple(line.split("\t")) for line in out.splitlines())


def test_an_image_with_several_names_shows_every_name_right(qtbot, podman, shell):
    manager, window = shell
    podman.cli("tag", TEST_IMAGE, *NAMES)
    try:
        open_and_wait(qtbot, manager, podman.uri)
        window.show_page("images")
        view = window.views["images"]
        qtbot.waitUntil(lambda: all(view.model.item(n) for n in NAMES), timeout=WAIT)
        image_id = podman.cli("image", "inspect", "--format", "{{.Id}}", TEST_IMAGE)
        for name in (TEST_IMAGE, *NAMES):
            row = view.model.row_of(name)
            repository, _, tag = name.rpartition(":")
            cells = [view.model.index(row, c).data() for c in range(3)]
            assert cells == [repository, tag, image_id[:12]], name
        assert rows(view) == podman_images(podman)  # the rows `podman images` prints
        # Remove on one row takes that name only: the image keeps its others.
        seen = []
        answer_with(view, Answer(True), seen)
        view.select_keys([NAMES[0]])
        view.remove.trigger()
        qtbot.waitUntil(lambda: view.model.item(NAMES[0]) is None, timeout=WAIT)
        assert seen[0].text == f"Remove the name “{NAMES[0]}”?"
        assert "keeps its other names" in seen[0].details and seen[0].action == "Remove Name"
        assert not seen[0].action_tip  # an untag needs no force
        assert all(view.model.item(n) is not None for n in (TEST_IMAGE, *NAMES[1:]))
        assert rows(view) == podman_images(podman)
    finally:
        for name in NAMES:  # one by one: untag stops at a name already gone
            podman.cli("untag", TEST_IMAGE, name, check=False)
        assert podman.cli("image", "inspect", "--format", "{{.RepoTags}}", TEST_IMAGE) == (
            f"[{TEST_IMAGE}]"
        )


def test_names_of_images_removed_together_and_a_dangling_one(qtbot, podman, shell):
    manager, window = shell
    podman.cli("create", "--name", "base", TEST_IMAGE)
    first = podman.cli("commit", "-q", "base", "localhost/names:a")
    second = podman.cli("commit", "-q", "base", "localhost/names:a")  # first: dangling now
    podman.cli("tag", "localhost/names:a", "localhost/names:b", "localhost/names:b2")
    third = ""
    try:
        open_and_wait(qtbot, manager, podman.uri)
        window.show_page("images")
        view, model = window.views["images"], window.views["images"].model
        resets = []
        model.modelReset.connect(lambda: resets.append(1))
        qtbot.waitUntil(lambda: model.item(first) is not None, timeout=WAIT)
        # A dangling image: one row, keyed by its id, saying so.
        row = model.row_of(first)
        assert model.index(row, 0).data() == "<none> (dangling)"
        assert "dangling" in model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole).lower()
        assert model.index(row, 1).data() == "<none>"
        # A name that moves to a new image keeps its row (the list is keyed by name).
        row_a = model.row_of("localhost/names:a")
        third = podman.cli("commit", "-q", "base", "localhost/names:a")
        qtbot.waitUntil(lambda: model.item("localhost/names:a").id == third, timeout=WAIT)
        assert model.row_of("localhost/names:a") == row_a
        assert model.item("localhost/names:b").id == second
        # Every name of two images: both images go, one image's two names in turn.
        seen = []
        answer_with(view, Answer(True), seen)
        chosen = ["localhost/names:a", "localhost/names:b", "localhost/names:b2"]
        view.select_keys(chosen)
        view.remove.trigger()
        qtbot.waitUntil(lambda: all(model.item(k) is None for k in chosen), timeout=WAIT)
        assert seen[0].text == "Remove 2 images?" and sorted(seen[0].items) == chosen
        left = podman.cli("images", "-q", "--no-trunc").split()
        assert not {second, third} & {i.removeprefix("sha256:") for i in left}
        assert rows(view) == podman_images(podman) and resets == []
    finally:
        for image in (first, second, third):
            if image:
                podman.cli("rmi", "-f", image, check=False)
