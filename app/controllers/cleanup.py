"""The clean-up: a plan that lists exactly what it will remove and what each frees, and a
run that removes exactly those items, one by one, by id or name.

Podman's prune endpoints have no dry run, and what they remove is decided when they
run: a container stopped after the user read the list would go too. So the plan is
made from listings (``system df``, the containers, the networks, who mounts which
volume), shown, and carried out item by item, never forced: an item that gained a
user since the plan was shown is refused by Podman and reported, not lost.

The plan counts what the clean-up itself frees: an image, volume or network whose only
users are stopped containers in the plan is unused once they are gone, so it is listed
too (after them: the run removes containers first).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject

from app.controllers.object_names import known_names, with_names
from app.controllers.operations import Operation, Operations
from app.controllers.session import Session
from app.engine.client import Client
from app.engine.command_line import CommandLine
from app.engine.dto import ContainerSummary, DiskUsage, NetworkSummary
from app.engine.errors import PodmanError, Unreachable
from app.models.humanize import ago
from app.support import log
from app.support.concurrency import CancelToken, TaskSet

_log = log.get("cleanup")

# The order of a run: containers free the images, volumes and networks they used.
KINDS = ("containers", "images", "volumes", "networks")
TITLES = {
    "containers": "Stopped containers",
    "images": "Unused images",
    "volumes": "Unused volumes",
    "networks": "Unused networks",
}
STOPPED_STATES = frozenset({"exited", "created", "stopped", "configured", "dead"})
# Podman refuses to remove its default network ("default network podman cannot be
# removed"), and `podman network prune` leaves it alone too.
DEFAULT_NETWORKS = frozenset({"podman"})
BUILD_CACHE_NOTE = (
    "Build cache: Podman 4 keeps none apart from images; intermediate build images are "
    "listed with the unused images."
)


@dataclass(frozen=True)
class CleanupItem:
    """One object the clean-up removes."""

    kind: str  # one of KINDS
    key: str  # what it is removed by: an id (containers, images) or a name
    name: str  # as the user knows it
    size: int = 0  # bytes its removal frees (0: nothing Podman measures)
    detail: str = ""  # "exited 3 hours ago", "no name", "used by “web” (listed above)"
    names: tuple[str, ...] = ()  # an image's names, removed one after another


@dataclass(frozen=True)
class CleanupPlan:
    items: tuple[CleanupItem, ...] = ()
    all_images: bool = False
    notes: tuple[str, ...] = ()

    def of(self, kind: str) -> list[CleanupItem]:
        return [item for item in self.items if item.kind == kind]

    def size(self, kind: str | None = None) -> int:
        return sum(i.size for i in self.items if kind is None or i.kind == kind)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in KINDS if self.of(kind)}

    def only(self, keys: Iterable[tuple[str, str]]) -> CleanupPlan:
        """The plan narrowed to the (kind, key) pairs the user left ticked."""
        chosen = set(keys)
        kept = tuple(i for i in self.items if (i.kind, i.key) in chosen)
        return CleanupPlan(kept, self.all_images, self.notes)


@dataclass(frozen=True)
class CleanupProgress:
    """Reported before each removal: ``done`` of ``total`` so far, ``item`` next."""

    done: int
    total: int
    item: CleanupItem | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


@dataclass
class CleanupResult:
    removed: list[CleanupItem] = field(default_factory=list)
    failed: list[tuple[CleanupItem, str]] = field(default_factory=list)  # Podman's words
    not_done: list[CleanupItem] = field(default_factory=list)  # after a cancel

    @property
    def freed(self) -> int:
        return sum(item.size for item in self.removed)


def plan_cleanup(
    df: DiskUsage,
    containers: Iterable[ContainerSummary],
    networks: Iterable[NetworkSummary],
    volume_users: Mapping[str, Iterable[str]],
    all_images: bool = False,
) -> CleanupPlan:
    """What a clean-up removes now, from these listings (pure: no Podman call)."""
    containers = list(containers)
    rw_sizes = {c.id: c.rw_size for c in df.container_items}
    going = [c for c in containers if c.state.lower() in STOPPED_STATES and not c.is_infra]
    going_ids = {c.id for c in going}
    going_names = {c.name for c in going}
    staying = [c for c in containers if c.id not in going_ids]
    items = [
        CleanupItem(
            "containers",
            c.id,
            c.name,
            rw_sizes.get(c.id, 0),
            f"{c.state} {ago(c.exited_at) or ago(c.created)}".strip(),
        )
        for c in sorted(going, key=lambda c: c.name)
    ]

    used_images = {c.image_id for c in staying} | {_short(c.image_id) for c in staying}
    for image in sorted(df.image_items, key=lambda i: (bool(i.names), i.names, i.id)):
        if image.id in used_images or _short(image.id) in used_images:
            continue
        if image.names and not all_images:
            continue
        freed_by = [c.name for c in going if _same_image(c.image_id, image.id)]
        detail = "no name" if not image.names else "not used by any container"
        if freed_by:
            detail = f"used only by {_listed(freed_by)}, listed above"
        items.append(
            CleanupItem(
                "images",
                image.id,
                ", ".join(image.names) or image.id[:12],
                image.unique_size,
                detail,
                image.names,
            )
        )

    for volume in sorted(df.volume_items, key=lambda v: v.name):
        users = set(volume_users.get(volume.name, ()))
        if users - going_names:
            continue
        detail = f"used only by {_listed(users)}, listed above" if users else "no container uses it"
        items.append(CleanupItem("volumes", volume.name, volume.name, volume.size, detail))

    attached = {n for c in staying for n in c.networks}
    for network in sorted(networks, key=lambda n: n.name):
        if network.name in DEFAULT_NETWORKS or network.name in attached:
            continue
        users = sorted(c.name for c in going if network.name in c.networks)
        detail = f"used only by {_listed(users)}, listed above" if users else "no container uses it"
        items.append(CleanupItem("networks", network.name, network.name, 0, detail))
    return CleanupPlan(tuple(items), all_images, (BUILD_CACHE_NOTE,))


def _short(image_id: str) -> str:
    return image_id.removeprefix("sha256:")


def _same_image(a: str, b: str) -> bool:
    return bool(a) and _short(a) == _short(b)


def _listed(names: Iterable[str]) -> str:
    names = sorted(names)
    shown = ", ".join(f"“{n}”" for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def cleanup_commands(plan: CleanupPlan) -> str:
    """The podman commands that remove exactly the plan's items, one line per kind."""
    lines = []
    containers = [i.name or i.key[:12] for i in plan.of("containers")]
    if containers:
        lines.append(str(CommandLine("rm").arg(*containers)))
    images = [n for i in plan.of("images") for n in (i.names or (i.key[:12],))]
    if images:
        lines.append(str(CommandLine("rmi").arg(*images)))
    volumes = [i.key for i in plan.of("volumes")]
    if volumes:
        lines.append(str(CommandLine("volume", "rm").arg(*volumes)))
    networks = [i.key for i in plan.of("networks")]
    if networks:
        lines.append(str(CommandLine("network", "rm").arg(*networks)))
    return "\n".join(lines)


def run_cleanup(
    client: Client,
    items: Iterable[CleanupItem],
    *,
    on_progress: Callable[[CleanupProgress], None] = lambda _p: None,
    cancel: CancelToken | None = None,
) -> CleanupResult:
    """Remove exactly ``items``, in order, never forced; blocking (an Operation's body).

    A cancel stops before the next item; what was not reached is in ``not_done``.
    """
    items = list(items)
    result = CleanupResult()
    for index, item in enumerate(items):
        if cancel is not None and cancel.cancelled:
            result.not_done = items[index:]
            break
        on_progress(CleanupProgress(index, len(items), item))
        try:
            _remove(client, item)
        except PodmanError as exc:
            result.failed.append((item, str(exc)))
        else:
            result.removed.append(item)
    on_progress(CleanupProgress(len(items) - len(result.not_done), len(items)))
    return result


def _remove(client: Client, item: CleanupItem) -> None:
    if item.kind == "containers":
        client.remove_container(item.key)
    elif item.kind == "images":
        if item.names:
            # By id, an image with more than one name is refused without force, and
            # force would also remove a container made from it since the plan was
            # shown: so each name goes in turn, the last one taking the image.
            for name in item.names:
                client.remove_image(name)
        else:
            client.remove_image(item.key)
    elif item.kind == "volumes":
        client.remove_volume(item.key)
    elif item.kind == "networks":
        client.remove_network(item.key)
    else:
        raise ValueError(f"nothing to clean up of kind {item.kind}")


class Cleanup(QObject):
    """Plans a clean-up on the current session and runs it as an Operation."""

    def __init__(
        self,
        session: Callable[[], Session | None],
        operations: Operations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.operations = operations
        self._tasks = TaskSet("cleanup", _log)

    async def plan(self, all_images: bool = False) -> CleanupPlan:
        """Ask Podman what there is now and plan from it (raises PodmanError)."""
        session = self._connected()
        client = session.client
        df, containers, networks, users = await asyncio.gather(
            session.call(client.df),
            session.call(client.containers),
            session.call(client.networks),
            session.call(client.volume_users),
        )
        return plan_cleanup(df, containers, networks, users, all_images)

    def start(self, plan: CleanupPlan) -> Operation:
        """Remove exactly the plan's items, as an Operation whose result is a
        CleanupResult (failures in Podman's words, ids replaced by names)."""
        session = self._connected()
        names = known_names(session.items)
        _log.info("clean-up of %s", plan.counts())
        operation = self.operations.start(
            "Clean up", "cleanup", run_cleanup, session.client, plan.items
        )
        operation.finished.connect(lambda result: self._after(session, result, names))
        return operation

    def _after(self, session: Session, result: Any, names: dict[str, str]) -> None:
        result.failed[:] = [(item, with_names(text, names)) for item, text in result.failed]
        for item, text in result.failed:
            _log.info("clean-up could not remove %s %s: %s", item.kind, item.name, text)
        if session is self._session():
            # The lists catch up through events anyway; this makes it at once.
            self._tasks.spawn(session.reconcile())

    def _connected(self) -> Session:
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        return session
