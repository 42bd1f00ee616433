"""What the user does to Podman objects, from every window: start, stop, restart, pause,
resume, kill and remove containers; start, stop, restart, pause, resume and remove pods;
remove and prune images and volumes; remove networks and secrets; and the look-ups these
need (who uses a volume or a secret, a container's inspect data and processes).

The list pages, the container inspector and the tray menu all act through here, so an
action behaves the same wherever it starts. It shows its transition at once
("Stopping…"), runs off the GUI thread on the current session, re-lists what it changed,
and only then ends the transition: the row goes from "Stopping…" straight to "Exited".
A refusal ends it too (the row rolls back to what Podman lists) and is told once,
through ``failed``, with the object's name and Podman's own words, names put in place of
the ids Podman gives (``object_names``).

A removal is planned before it is confirmed (``plan_removal``, from ``removal_plan``):
what goes with it and whether Podman needs force, so the confirmation can say exactly
that, and ``remove`` then does exactly that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.controllers import removal_plan
from app.controllers.object_names import known_names, with_names
from app.controllers.removal_plan import Removal
from app.controllers.session import Session
from app.engine.dto import ProcessTable
from app.engine.errors import PodmanError, Unreachable
from app.engine.top import top
from app.models.container_status import ContainerStatus
from app.models.image_model import image_label
from app.models.network_model import network_users
from app.models.pod_status import PodStatus
from app.support import log
from app.support.concurrency import TaskSet

_log = log.get("actions")

# The transition of the kinds whose lists have no state column.
REMOVING = "Removing…"

NOUNS = {
    "containers": "container",
    "pods": "pod",
    "images": "image",
    "volumes": "volume",
    "networks": "network",
    "secrets": "secret",
}
# The lists an action on a kind changes, re-listed before its transition ends: a pod's
# row counts its containers, an image's row counts the containers using it.
RELISTED = {
    "containers": ("containers", "pods"),
    "pods": ("pods", "containers"),
    "images": ("images", "containers"),
}


@dataclass(frozen=True)
class Action:
    """One thing the user can do to objects of one kind."""

    kind: str  # "containers", as the session names its lists
    verb: str  # for messages: "Could not {verb} container “web”: …"
    transition: Any  # shown meanwhile: a status (ContainerStatus.STOPPING) or REMOVING
    method: str  # the app.engine.client.Client method doing it, given (key, **options)
    # Objects for which this gives the same value are acted on one after another (the
    # rest at once); None: all at once.
    one_at_a_time: Callable[[Any], Hashable] | None = None


START_CONTAINER = Action("containers", "start", ContainerStatus.STARTING, "start_container")
STOP_CONTAINER = Action("containers", "stop", ContainerStatus.STOPPING, "stop_container")
RESTART_CONTAINER = Action("containers", "restart", ContainerStatus.RESTARTING, "restart_container")
PAUSE_CONTAINER = Action("containers", "pause", ContainerStatus.PAUSING, "pause_container")
RESUME_CONTAINER = Action("containers", "resume", ContainerStatus.RESUMING, "unpause_container")
KILL_CONTAINER = Action("containers", "kill", ContainerStatus.KILLING, "kill_container")
REMOVE_CONTAINER = Action("containers", "remove", ContainerStatus.REMOVING, "remove_container")
START_POD = Action("pods", "start", PodStatus.STARTING, "start_pod")
STOP_POD = Action("pods", "stop", PodStatus.STOPPING, "stop_pod")
RESTART_POD = Action("pods", "restart", PodStatus.RESTARTING, "restart_pod")
PAUSE_POD = Action("pods", "pause", PodStatus.PAUSING, "pause_pod")
RESUME_POD = Action("pods", "resume", PodStatus.RESUMING, "unpause_pod")
REMOVE_POD = Action("pods", "remove", PodStatus.REMOVING, "remove_pod")
# An image row is one name of an image (ImageSummary.key): removing it untags, and the
# image goes with its last name. Two names of one image removed at once can lose an
# untag, so one image's names go in turn (docs/podman-notes.md, "Image names").
REMOVE_IMAGE = Action(
    "images", "remove", REMOVING, "remove_image", one_at_a_time=lambda image: image.id
)
REMOVE_VOLUME = Action("volumes", "remove", REMOVING, "remove_volume")
REMOVE_NETWORK = Action("networks", "remove", REMOVING, "remove_network")
REMOVE_SECRET = Action("secrets", "remove", REMOVING, "remove_secret")


@dataclass(frozen=True)
class ActionFailure:
    """One object an action (or a look-up) could not get from Podman, and why."""

    kind: str
    key: Hashable
    name: str  # as the user knows it: 'container “web”'
    verb: str
    error: PodmanError  # its type says what happened (NotFound, InUse, …)
    detail: str = ""  # Podman's words with names for ids; the error's own text if empty

    @property
    def text(self) -> str:
        return f"Could not {self.verb} {self.name}: {self.detail or self.error}"


def describe(kind: str, key: Hashable, item: Any) -> str:
    """An object as messages name it: 'container “web”', 'image localhost/app:1 0123…'."""
    noun = NOUNS.get(kind, kind)
    if item is None:
        text = str(key)
        return f"{noun} {text[:12] if len(text) == 64 else text}"  # a bare id, shortened
    if kind == "images":
        return f"image {image_label(item)}"
    return f"{noun} “{getattr(item, 'name', key)}”"


class ResourceActions(QObject):
    """Acts on the current session's objects; one for the whole app.

    Signals:
        transition_started(str kind, list keys, object transition): show ``transition``
            on these objects now.
        transition_ended(str kind, list keys): their action ended (done, refused or
            dropped): show what Podman lists again.
        failed(ActionFailure): Podman refused one object, or could not be reached.
    """

    transition_started = Signal(str, object, object)
    transition_ended = Signal(str, object)
    failed = Signal(object)

    def __init__(
        self, session: Callable[[], Session | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        # (kind, key) -> (the action run that set it, its transition): a later action on
        # the same object takes over, and the earlier one's end leaves it alone.
        self._pending: dict[tuple[str, Hashable], tuple[object, Any]] = {}
        self._tasks = TaskSet("actions", _log)

    def pending(self, kind: str, key: Hashable) -> Any:
        """The transition shown on an object while an action runs on it, else None."""
        entry = self._pending.get((kind, key))
        return entry[1] if entry is not None else None

    # -- containers ----------------------------------------------------------------------
    # Each returns an awaitable of the keys that failed; nobody needs to await it.

    def start_containers(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(START_CONTAINER, ids)

    def stop_containers(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(STOP_CONTAINER, ids)

    def restart_containers(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(RESTART_CONTAINER, ids)

    def pause_containers(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(PAUSE_CONTAINER, ids)

    def resume_containers(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(RESUME_CONTAINER, ids)

    def kill_containers(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(KILL_CONTAINER, ids)

    def remove_containers(self, ids: Iterable[str], force: bool = False) -> Awaitable[list]:
        """Remove; without ``force`` Podman refuses a running or paused container."""
        return self.run(REMOVE_CONTAINER, ids, force=force)

    # -- pods ----------------------------------------------------------------------------

    def start_pods(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(START_POD, ids)

    def stop_pods(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(STOP_POD, ids)

    def restart_pods(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(RESTART_POD, ids)

    def pause_pods(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(PAUSE_POD, ids)

    def resume_pods(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(RESUME_POD, ids)

    def remove_pods(self, ids: Iterable[str], force: bool = False) -> Awaitable[list]:
        """Remove with their containers; without ``force`` Podman refuses a running pod."""
        return self.run(REMOVE_POD, ids, force=force)

    # -- images, volumes, networks, secrets ----------------------------------------------

    def remove_images(self, keys: Iterable[str], force: bool = False) -> Awaitable[list]:
        """Remove these rows of the image list: each name, and an image with its last
        name (or a dangling one); ``force`` also removes the containers using it."""
        return self.run(REMOVE_IMAGE, keys, force=force)

    def prune_images(self, ids: Iterable[str]) -> Awaitable[list]:
        """Remove exactly these dangling images: unlike Podman's own prune, an image
        that became dangling after the user saw the list is not taken by surprise."""
        return self.run(REMOVE_IMAGE, ids)

    def remove_volumes(self, names: Iterable[str], force: bool = False) -> Awaitable[list]:
        """Remove with their data; ``force`` also removes the containers using them."""
        return self.run(REMOVE_VOLUME, names, force=force)

    def prune_volumes(self, names: Iterable[str]) -> Awaitable[list]:
        """Remove exactly these unused volumes, never forced: one that gained a user
        since the list was shown is refused, not lost."""
        return self.run(REMOVE_VOLUME, names)

    def remove_networks(self, ids: Iterable[str], force: bool = False) -> Awaitable[list]:
        """Remove; ``force`` also removes the containers connected to them."""
        return self.run(REMOVE_NETWORK, ids, force=force)

    def remove_secrets(self, ids: Iterable[str]) -> Awaitable[list]:
        return self.run(REMOVE_SECRET, ids)

    # -- removals, planned first -----------------------------------------------------------

    async def plan_removal(self, kind: str, keys: Iterable[Hashable]) -> Removal | None:
        """What removing these objects takes with it and whether Podman needs force for
        it, from the session's listings (for volumes, from who mounts them now). None
        when not connected, or when Podman could not say (``failed`` tells why)."""
        session = self._session()
        if session is None:
            return None
        keys = list(keys)
        if kind != "volumes" and any(k not in session.items(kind) for k in keys):
            # Made a moment ago (the inspector may know it before the list does).
            await session.reconcile((kind, "containers") if kind != "containers" else (kind,))
            if session is not self._session():
                return None
        containers = session.items("containers")
        if kind == "containers":
            return removal_plan.containers(keys, containers)
        if kind == "pods":
            return removal_plan.pods(keys, session.items("pods"), containers)
        if kind == "images":
            return removal_plan.images(keys, session.items("images"), containers)
        if kind == "networks":
            return removal_plan.networks(keys, session.items("networks"), containers)
        if kind == "volumes" and keys:
            try:
                users = await session.call(session.client.volume_users)
            except PodmanError as exc:
                name = describe("volumes", keys[0], session.items("volumes").get(keys[0]))
                detail = with_names(str(exc), known_names(session.items))
                self._report(ActionFailure("volumes", keys[0], name, "check who uses", exc, detail))
                return None
            if session is not self._session():
                return None
            return removal_plan.volumes(keys, users, session.items("containers"))
        if kind == "volumes":
            return removal_plan.volumes((), {}, containers)
        raise ValueError(f"no planned removal for {kind}")

    def remove(self, removal: Removal) -> Awaitable[list]:
        """Run a planned removal, forced exactly when the plan says Podman needs it."""
        action = {
            "containers": REMOVE_CONTAINER,
            "pods": REMOVE_POD,
            "images": REMOVE_IMAGE,
            "volumes": REMOVE_VOLUME,
            "networks": REMOVE_NETWORK,
        }[removal.kind]
        return self.run(action, removal.keys, force=removal.force)

    # -- look-ups ------------------------------------------------------------------------

    async def volume_users(self) -> dict[str, tuple[str, ...]] | None:
        """Volume name -> the names of the containers using it; None when Podman could
        not say. Only logged: it is asked after every change, not by the user."""
        session = self._session()
        if session is None:
            return None
        try:
            return await session.call(session.client.volume_users)
        except PodmanError as exc:
            _log.info("could not list volume users: %s", exc)
            return None

    def network_users(self) -> dict[str, tuple[str, ...]]:
        """Network name -> who is attached to it, from the session's last container
        listing (each container lists its networks): no call to Podman."""
        session = self._session()
        if session is None:
            return {}
        return network_users(session.items("containers").values())

    async def secret_users(self, ids: Iterable[str]) -> list[str] | None:
        """The names of the containers using any of these secrets, sorted; None when
        Podman could not say (``failed`` tells the user why)."""
        session = self._session()
        if session is None:
            return None
        known = session.items("secrets")
        users: set[str] = set()
        for key in ids:
            try:
                users.update(await session.call(session.client.secret_users, key))
            except PodmanError as exc:
                name = describe("secrets", key, known.get(key))
                detail = with_names(str(exc), known_names(session.items))
                self._report(ActionFailure("secrets", key, name, "check who uses", exc, detail))
                return None
        return sorted(users)

    async def inspect_container(self, ref: str) -> dict[str, Any]:
        """The container's inspect data; raises NotFound when it is gone."""
        session = self._connected()
        return await session.call(session.client.inspect_container, ref)

    async def container_processes(self, ref: str) -> ProcessTable:
        """The container's processes (``podman top``); raises Conflict when it is not
        running, on the Podman versions that refuse rather than list nothing."""
        session = self._connected()
        return await session.call(top, session.client.endpoint, ref)

    # -- running an action ---------------------------------------------------------------

    def run(self, action: Action, keys: Iterable[Hashable], **options: Any) -> Awaitable[list]:
        """Show ``action.transition`` on ``keys`` now, then do ``action`` to each of them
        off the GUI thread. The awaitable gives the keys that failed; the action runs to
        its end even if whoever awaits it stops waiting."""
        keys = list(dict.fromkeys(keys))
        session = self._session()
        if session is None or not keys:
            return _resolved(keys if session is None else [])
        run_id = object()
        for key in keys:
            self._pending[(action.kind, key)] = (run_id, action.transition)
        self.transition_started.emit(action.kind, keys, action.transition)
        task = self._tasks.spawn(self._finish(session, action, keys, run_id, options))
        waiter = asyncio.shield(task)
        # The task set reports an unexpected failure once; the shield must not again.
        waiter.add_done_callback(lambda w: w.cancelled() or w.exception())
        return waiter

    async def _finish(
        self,
        session: Session,
        action: Action,
        keys: list[Hashable],
        run_id: object,
        options: dict[str, Any],
    ) -> list[Hashable]:
        # Named now: once removed, an object is no longer among the session's items.
        known = session.items(action.kind)
        names = {key: describe(action.kind, key, known.get(key)) for key in keys}
        ids = known_names(session.items)  # for the ids in Podman's messages
        method = getattr(session.client, action.method)
        failed: list[Hashable] = []
        try:
            results = await _in_turns(session, method, keys, options, _turns(action, keys, known))
            for key, result in zip(keys, results, strict=True):
                if isinstance(result, PodmanError):
                    failed.append(key)
                    detail = with_names(str(result), ids)
                    self._report(
                        ActionFailure(action.kind, key, names[key], action.verb, result, detail)
                    )
                elif isinstance(result, BaseException):
                    raise result
            if session is self._session():
                # The transition ends on the listed truth, not on the state before.
                await session.reconcile(RELISTED.get(action.kind, (action.kind,)))
        finally:
            self._end(action.kind, keys, run_id)
        return failed

    def _end(self, kind: str, keys: list[Hashable], run_id: object) -> None:
        ended = [k for k in keys if self._pending.get((kind, k), (None,))[0] is run_id]
        for key in ended:
            del self._pending[(kind, key)]
        if ended:
            self.transition_ended.emit(kind, ended)

    def _report(self, failure: ActionFailure) -> None:
        _log.info("%s", failure.text)
        self.failed.emit(failure)

    def _connected(self) -> Session:
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        return session


def _turns(action: Action, keys: list[Hashable], known: dict) -> list[list[Hashable]]:
    """``keys`` in groups acted on at once, the keys of one group one after another."""
    if action.one_at_a_time is None:
        return [[key] for key in keys]
    groups: dict[Hashable, list[Hashable]] = {}
    for key in keys:
        item = known.get(key)
        groups.setdefault(action.one_at_a_time(item) if item is not None else key, []).append(key)
    return list(groups.values())


async def _in_turns(
    session: Session,
    method: Callable[..., Any],
    keys: list[Hashable],
    options: dict[str, Any],
    turns: list[list[Hashable]],
) -> list[Any]:
    """Each key's result or exception, in the order of ``keys``."""

    async def in_turn(group: list[Hashable]) -> list[tuple[Hashable, Any]]:
        done = []
        for key in group:
            try:
                done.append((key, await session.call(method, key, **options)))
            except Exception as exc:  # noqa: BLE001 - handed back, as gather would
                done.append((key, exc))
        return done

    groups = await asyncio.gather(*(in_turn(group) for group in turns), return_exceptions=True)
    for group in groups:
        if isinstance(group, BaseException):  # cancelled: not a refusal to report
            raise group
    results = dict(pair for group in groups for pair in group)
    return [results[key] for key in keys]


def _resolved(value: Any) -> asyncio.Future:
    future = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future
