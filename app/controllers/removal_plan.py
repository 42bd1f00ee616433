"""What removing objects takes with it, and whether Podman needs ``--force`` to do it.

Worked out from the session's listings before the user is asked, so a confirmation can
name exactly what will go and offer only what Podman will carry out: Podman refuses to
remove a running container or pod, an image containers use, and
a volume or network in use, unless forced; forced, it stops what runs and removes the
users too (docs/podman-notes.md, "What removing takes with it"). Plain data in, plain
data out: no Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from app.engine.dto import ContainerSummary, ImageSummary, NetworkSummary, PodSummary
from app.models.container_status import ContainerStatus
from app.models.pod_status import PodStatus


@dataclass(frozen=True)
class Removal:
    """One removal as it will run: on ``keys``, forced or not, and what goes with it."""

    kind: str  # "containers", as the session names its lists
    keys: tuple[Hashable, ...]  # the objects the action runs on
    names: tuple[str, ...]  # the same objects, as the user knows them
    force: bool = False  # Podman refuses without --force: the action uses it
    running: tuple[str, ...] = ()  # containers (of these or their users) force stops first
    tags: tuple[str, ...] = ()  # images: every name of the images deleted; all of them go
    deleted: tuple[str, ...] = ()  # images: the images deleted (first name or short id)
    untagged: tuple[str, ...] = ()  # images: names removed from images that keep others
    containers: tuple[str, ...] = ()  # further containers removed with them
    pods: tuple[str, ...] = ()  # pods removed whole with them (a network's)
    left_out: tuple[str, ...] = ()  # selected, but Podman removes them only with their pod

    @property
    def empty(self) -> bool:
        return not self.keys


def _running(container: ContainerSummary) -> bool:
    return ContainerStatus.from_state(container.state).needs_force_to_remove()


def _names(containers: Iterable[ContainerSummary]) -> tuple[str, ...]:
    return tuple(sorted({c.name for c in containers}, key=str.lower))


def containers(keys: Iterable[Hashable], listed: Mapping[Hashable, ContainerSummary]) -> Removal:
    """Running or paused ones need force (Podman stops them first). A pod's infra
    container is left out: Podman removes it only with its pod, forced or not."""
    chosen = [listed[k] for k in keys if k in listed]
    removed = [c for c in chosen if not c.is_infra]
    return Removal(
        "containers",
        keys=tuple(c.id for c in removed),
        names=tuple(c.name for c in removed),
        force=any(_running(c) for c in removed),
        running=_names(c for c in removed if _running(c)),
        left_out=tuple(c.name for c in chosen if c.is_infra),
    )


def pods(
    keys: Iterable[Hashable],
    listed: Mapping[Hashable, PodSummary],
    containers_listed: Mapping[Hashable, ContainerSummary],
) -> Removal:
    """A pod goes with its containers; one that runs anything needs force."""
    chosen = [listed[k] for k in keys if k in listed]
    ids = {p.id for p in chosen}
    members = [c for c in containers_listed.values() if c.pod_id in ids and not c.is_infra]
    running_pod = any(PodStatus.from_status(p.status).needs_force_to_remove() for p in chosen)
    return Removal(
        "pods",
        keys=tuple(p.id for p in chosen),
        names=tuple(p.name for p in chosen),
        force=running_pod or any(_running(c) for c in members),
        running=_names(c for c in members if _running(c)),
        containers=_names(members),
    )


def images(
    keys: Iterable[Hashable],
    listed: Mapping[Hashable, ImageSummary],
    containers_listed: Mapping[Hashable, ContainerSummary],
) -> Removal:
    """A row is one name of an image (``ImageSummary.key``). Removing it removes that
    name; the image itself goes with its last name, or whole when it has none (dangling).
    Podman refuses to delete an image containers use unless forced; forced, it removes
    those containers first. A name removed from an image that keeps others is only an
    untag, forced or not."""
    rows = [listed[k] for k in keys if k in listed]
    chosen: dict[str, set[str]] = {}
    for row in rows:
        chosen.setdefault(row.id, set()).add(row.name)
    by_id = {row.id: row for row in rows}
    deleted_ids = {i for i, names in chosen.items() if set(by_id[i].repo_tags) <= names}
    users = [c for c in containers_listed.values() if c.image_id in deleted_ids]
    deleted = [by_id[i] for i in deleted_ids]
    return Removal(
        "images",
        keys=tuple(row.key for row in rows),
        names=tuple(row.name or row.id[:12] for row in rows),
        force=bool(users),
        running=_names(c for c in users if _running(c)),
        tags=tuple(sorted(t for i in deleted for t in i.repo_tags)),
        deleted=tuple(sorted(i.repo_tags[0] if i.repo_tags else i.id[:12] for i in deleted)),
        untagged=tuple(sorted(row.name for row in rows if row.id not in deleted_ids)),
        containers=_names(users),
    )


def volumes(
    names: Iterable[str],
    users: Mapping[str, Iterable[str]],
    containers_listed: Mapping[Hashable, ContainerSummary],
) -> Removal:
    """A volume in use is refused unless forced; forced, its users are removed first.
    ``users``: volume name -> the names of the containers mounting it."""
    chosen = tuple(names)
    user_names = {u for v in chosen for u in users.get(v, ())}
    by_name = {c.name: c for c in containers_listed.values()}
    return Removal(
        "volumes",
        keys=chosen,
        names=chosen,
        force=bool(user_names),
        running=_names(by_name[n] for n in user_names if n in by_name and _running(by_name[n])),
        containers=tuple(sorted(user_names, key=str.lower)),
    )


def networks(
    keys: Iterable[Hashable],
    listed: Mapping[Hashable, NetworkSummary],
    containers_listed: Mapping[Hashable, ContainerSummary],
) -> Removal:
    """A network with containers is refused unless forced; forced, Podman removes the
    containers connected to it, and a pod whose infra container is connected goes whole."""
    chosen = [listed[k] for k in keys if k in listed]
    wanted = {n.name for n in chosen}
    connected = [c for c in containers_listed.values() if wanted & set(c.networks)]
    pod_ids = {c.pod_id for c in connected if c.is_infra}
    users = [c for c in connected if not c.is_infra]
    users += [c for c in containers_listed.values() if c.pod_id in pod_ids and not c.is_infra]
    pod_names = {c.pod_name or c.pod_id[:12] for c in connected if c.is_infra}
    return Removal(
        "networks",
        keys=tuple(n.id for n in chosen),
        names=tuple(n.name for n in chosen),
        force=bool(connected),
        running=_names(c for c in users if _running(c)),
        containers=_names(users),
        pods=tuple(sorted(pod_names, key=str.lower)),
    )
