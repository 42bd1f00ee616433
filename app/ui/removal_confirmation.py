"""The confirmation of a planned removal, in plain words: every object that goes, what
goes with it, and one button that does what Podman will do.

The list pages and the container inspector ask through :func:`confirm_removal`, so a
removal reads the same wherever it starts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

from app.controllers.removal_plan import Removal
from app.controllers.resource_actions import ResourceActions
from app.ui.confirmation import Confirmation

Confirm = Callable[[Confirmation], Awaitable[Any]]

NOUNS = {
    "containers": ("container", "containers"),
    "pods": ("pod", "pods"),
    "images": ("image", "images"),
    "volumes": ("volume", "volumes"),
    "networks": ("network", "networks"),
}
# Tooltips that give the Podman term behind a plain button label.
FORCE_TIP = "Podman's “force”: stops what runs, then removes it"
FORCE_USERS_TIP = "Podman's “force”: removes the containers using it first, then it"
HELPER_NOTE = (
    "Not removed: {names}. Each pod keeps a helper container (Podman calls it the "
    "“infra” container); it goes only with its pod, on the Pods page."
)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun if n == 1 else noun + 's'}"


def _marked(names: Iterable[str], running: Iterable[str]) -> tuple[str, ...]:
    """Names, the running ones marked: they are stopped first."""
    running = set(running)
    return tuple(f"{n} (running)" if n in running else n for n in names)


def _action(removal: Removal) -> str:
    """The button: what Podman will do, in a few words."""
    one, many = NOUNS[removal.kind]
    n = _count_of(removal)
    if removal.kind == "images" and not removal.deleted:
        return (
            "Remove Name" if len(removal.untagged) == 1 else f"Remove {len(removal.untagged)} Names"
        )
    what = one.capitalize() if n == 1 else f"{n} {many.capitalize()}"
    also = [_count(len(removal.containers), "Container")] if removal.containers else []
    also += [_count(len(removal.pods), "Pod")] if removal.pods else []
    if also and removal.kind != "pods":
        return f"Remove {', '.join([what, *also[:-1]])} and {also[-1]}"
    return "Stop and Remove" if removal.running else "Remove"


def _count_of(removal: Removal) -> int:
    """How many objects of its kind go: for images, the images deleted, not their names."""
    return len(removal.deleted) if removal.kind == "images" else len(removal.keys)


def _question(removal: Removal) -> str:
    one, many = NOUNS[removal.kind]
    n = _count_of(removal)
    if removal.kind == "images":
        return _image_question(removal)
    if removal.kind == "pods":
        return (
            f"Remove pod “{removal.names[0]}” and its containers?"
            if n == 1
            else f"Remove {n} pods and their containers?"
        )
    if removal.kind == "volumes":
        return (
            f"Remove volume “{removal.names[0]}” and all its data?"
            if n == 1
            else f"Remove {n} volumes and all their data?"
        )
    return f"Remove {one} “{removal.names[0]}”?" if n == 1 else f"Remove {n} {many}?"


def _image_question(removal: Removal) -> str:
    deleted, untagged = removal.deleted, removal.untagged
    if deleted and untagged:
        images = "1 image" if len(deleted) == 1 else f"{len(deleted)} images"
        names = "1 name" if len(untagged) == 1 else f"{len(untagged)} names"
        return f"Remove {images} and {names}?"
    if deleted:
        return (
            f"Remove image “{deleted[0]}”?"
            if len(deleted) == 1
            else (f"Remove {len(deleted)} images?")
        )
    return (
        f"Remove the name “{untagged[0]}”?"
        if len(untagged) == 1
        else (f"Remove {len(untagged)} names?")
    )


def _details(removal: Removal) -> str:
    n = _count_of(removal)
    it = "it" if n == 1 else "them"
    lines = []
    if removal.kind == "containers":
        lines.append(
            ("Files it created or changed" if n == 1 else "Files they created or changed")
            + " are deleted; images and volumes stay. This cannot be undone."
        )
        if removal.running:
            lines.append("Podman stops the running ones first, then removes them.")
    elif removal.kind == "pods" and removal.running:
        lines.append("Podman stops the running containers first.")
    elif removal.kind == "images":
        if removal.containers:
            lines.append(
                f"Podman removes the containers using {it} first (running ones are "
                f"stopped), then the {'image' if n == 1 else 'images'} with every tag."
            )
        elif len(removal.tags) > n:
            lines.append("Every tag goes: the image itself is removed, not one name of it.")
        if removal.untagged:
            lines.append(
                "Only the name goes for "
                + ", ".join(removal.untagged)
                + (": its image keeps" if len(removal.untagged) == 1 else ": their images keep")
                + " its other names."
            )
    elif removal.kind in ("volumes", "networks"):
        if removal.containers or removal.pods:
            whole = f", and the pods connected to {it} whole" if removal.pods else ""
            lines.append(
                f"Podman removes the containers using {it} first (running ones are stopped){whole}."
            )
        else:
            lines.append(f"No container uses {it}.")
    if removal.left_out:
        lines.append(HELPER_NOTE.format(names=", ".join(removal.left_out)))
    return "\n".join(lines)


def confirmation_for(removal: Removal) -> Confirmation:
    """The confirmation that names everything ``removal`` takes."""
    one, many = NOUNS[removal.kind]
    n = _count_of(removal)
    sections: list[tuple[str, tuple[str, ...]]] = []
    if removal.kind == "images":
        # Every tag of the images deleted; a dangling one by its short id.
        items = list(removal.tags)
        items += [f"{name} (dangling)" for name in removal.deleted if name not in removal.tags]
        if removal.untagged:
            if items:
                sections.append(("Names removed (their images stay)", removal.untagged))
            else:
                items = list(removal.untagged)
    elif removal.kind == "containers":
        items = list(_marked(removal.names, removal.running))
    else:
        items = list(removal.names)
    if removal.containers:
        heading = "Its containers" if removal.kind == "pods" and n == 1 else "Containers"
        if removal.kind != "pods":
            heading += " removed with it" if n == 1 else " removed with them"
        sections.append((heading, _marked(removal.containers, removal.running)))
    if removal.pods:
        sections.append(("Pods removed whole", removal.pods))
    forced_users = bool(removal.containers or removal.pods) and removal.kind != "pods"
    return Confirmation(
        title=f"Remove {one if n == 1 else many}",
        text=_question(removal),
        items=items,
        action=_action(removal),
        details=_details(removal),
        sections=tuple(sections),
        action_tip=(FORCE_USERS_TIP if forced_users else FORCE_TIP) if removal.force else "",
    )


async def confirm_removal(
    actions: ResourceActions,
    confirm: Confirm,
    kind: str,
    keys: Iterable[Hashable],
    on_left_out: Callable[[str], None] | None = None,
) -> Removal | None:
    """Ask about removing ``keys``; the removal to run, or None (cancelled, nothing to
    remove, or not connected). If what would go changed while the user read (a container
    started, a new user appeared), ask again with the new list rather than do more than
    was confirmed. ``on_left_out`` hears why selected objects cannot be removed at all."""
    keys = list(keys)
    removal = await actions.plan_removal(kind, keys)
    while removal is not None:
        if removal.empty:
            if removal.left_out and on_left_out is not None:
                on_left_out(HELPER_NOTE.format(names=", ".join(removal.left_out)))
            return None
        answer = await confirm(confirmation_for(removal))
        if not answer.accepted:
            return None
        now = await actions.plan_removal(kind, keys)
        if now == removal:
            return removal
        removal = now
    return None
