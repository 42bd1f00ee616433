"""The clean-up's plan, from listings alone: what is stopped, unused, or used only by
what the clean-up removes, and the commands that remove exactly that."""

from __future__ import annotations

from app.controllers.cleanup import cleanup_commands, plan_cleanup
from app.engine.dto import ContainerSummary, DiskUsage, NetworkSummary

DF = {
    "Images": [
        {
            "ImageID": "a" * 64,
            "Repository": "localhost/web",
            "Tag": "1",
            "UniqueSize": 500,
            "Containers": 1,
        },
        {
            "ImageID": "b" * 64,
            "Repository": "<none>",
            "Tag": "<none>",
            "UniqueSize": 300,
            "Containers": 0,
        },
        {
            "ImageID": "c" * 64,
            "Repository": "localhost/old",
            "Tag": "2",
            "UniqueSize": 200,
            "Containers": 0,
        },
        {
            "ImageID": "c" * 64,
            "Repository": "localhost/old",
            "Tag": "latest",
            "UniqueSize": 200,
            "Containers": 0,
        },
        {
            "ImageID": "d" * 64,
            "Repository": "<none>",
            "Tag": "<none>",
            "UniqueSize": 70,
            "Containers": 1,
        },
    ],
    "Containers": [
        {"ContainerID": "1" * 64, "Names": "web", "Status": "running", "RWSize": 10},
        {"ContainerID": "2" * 64, "Names": "job", "Status": "exited", "RWSize": 40},
        {"ContainerID": "3" * 64, "Names": "infra", "Status": "created", "RWSize": 0},
    ],
    "Volumes": [
        {"VolumeName": "data", "Links": 1, "Size": 1000},
        {"VolumeName": "scratch", "Links": 1, "Size": 20},
        {"VolumeName": "orphan", "Links": 0, "Size": 5},
    ],
}
CONTAINERS = [
    ContainerSummary("1" * 64, "web", image_id="a" * 64, state="running", networks=("front",)),
    ContainerSummary("2" * 64, "job", image_id="d" * 64, state="exited", networks=("jobs",)),
    ContainerSummary("3" * 64, "infra", state="created", is_infra=True),
]
NETWORKS = [
    NetworkSummary("n0", "podman"),
    NetworkSummary("n1", "front"),
    NetworkSummary("n2", "jobs"),
    NetworkSummary("n3", "spare"),
]
USERS = {"data": ("web",), "scratch": ("job",)}


def _keys(plan, kind):
    return [item.key for item in plan.of(kind)]


def test_plan_lists_what_is_stopped_unused_or_freed_by_the_clean_up_itself() -> None:
    plan = plan_cleanup(DiskUsage.from_api(DF), CONTAINERS, NETWORKS, USERS)
    assert _keys(plan, "containers") == ["2" * 64]  # running and infra containers stay
    # Dangling only: b (unused) and d (used only by "job", which goes first).
    assert sorted(_keys(plan, "images")) == ["b" * 64, "d" * 64]
    assert sorted(_keys(plan, "volumes")) == ["orphan", "scratch"]
    assert _keys(plan, "networks") == ["jobs", "spare"]  # never the default "podman"
    assert plan.size() == 40 + 300 + 70 + 20 + 5
    freed_by_job = [i for i in plan.items if "“job”" in i.detail]
    assert {i.key for i in freed_by_job} == {"d" * 64, "scratch", "jobs"}


def test_all_unused_images_adds_named_ones_removed_by_each_name() -> None:
    plan = plan_cleanup(DiskUsage.from_api(DF), CONTAINERS, NETWORKS, USERS, all_images=True)
    named = [i for i in plan.of("images") if i.key == "c" * 64]
    assert named and named[0].names == ("localhost/old:2", "localhost/old:latest")
    assert "a" * 64 not in _keys(plan, "images")  # used by a running container
    lines = cleanup_commands(plan).splitlines()
    assert lines[0] == "podman rm job"
    assert "localhost/old:2 localhost/old:latest" in lines[1]
    assert lines[2] == "podman volume rm orphan scratch"
    assert lines[3] == "podman network rm jobs spare"


def test_narrowing_to_the_ticked_items_keeps_exactly_those() -> None:
    plan = plan_cleanup(DiskUsage.from_api(DF), CONTAINERS, NETWORKS, USERS)
    narrowed = plan.only([("volumes", "orphan"), ("networks", "spare")])
    assert [(i.kind, i.key) for i in narrowed.items] == [
        ("volumes", "orphan"),
        ("networks", "spare"),
    ]
    assert narrowed.counts() == {"volumes": 1, "networks": 1}
