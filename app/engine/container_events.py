"""What a container event says about its row, read without asking Podman.

An event is a hint (docs/podman-notes.md, "Events are hints"), but some events state a
transition that has already happened when Podman writes them: ``start`` after the
container runs, ``died`` once its process has exited (with the exit code), ``cleanup``
once it is unmounted, ``pause``/``unpause``, ``rename`` (with the new name), ``remove``.
The session shows those at once and still fetches the container's inspect for the rest.

Only what the event makes certain is changed, never a state the container has not
reached yet: ``stop``, ``kill`` and ``restart`` are sent before the container's process
has gone (or come back), so they change nothing; ``died`` means "stopped", the state
Podman reports until its cleanup has run, not "exited" (docs/podman-notes.md, "What a
container event means"). Pure and Qt-free.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from app.engine.dto import EPOCH, ContainerSummary
from app.engine.streams.events import PodmanEvent

# Events after which the container is in this state (Podman 4.3.1, measured).
_STATE_AFTER = {
    "start": "running",
    "unpause": "running",
    "pause": "paused",
    "died": "stopped",
}
# The states a container that has exited shows; `cleanup` turns "stopped" into "exited".
_EXITED = ("stopped", "exited")


def row_after_event(row: ContainerSummary, event: PodmanEvent) -> ContainerSummary | None:
    """``row`` as ``event`` says the container now is: ``row`` itself when the event says
    nothing certain about it, None when the container is gone (``remove``).

    Times are cut to whole seconds, as the list and the inspect answer give them.
    """
    if event.type != "container" or event.id != row.id:
        return row
    action = event.action
    if action == "remove":
        return None
    if action == "rename":
        name = event.attributes.get("name", "") or event.name
        return replace(row, name=name) if name and name != row.name else row
    if action == "cleanup":
        # Cleanup also runs for containers that never ran (`podman rm` of a created one
        # sends none, but a failed start does): only a stopped row becomes exited.
        return replace(row, state="exited") if row.state == "stopped" else row
    state = _STATE_AFTER.get(action)
    if state is None or row.state == state:
        return row
    if action == "unpause" and row.state in _EXITED:
        return row  # out of order: an unpause cannot bring back an exited container
    changes: dict[str, object] = {"state": state, "status": ""}
    when = _event_time(event)
    if action == "start" and when is not None:
        changes["started_at"] = when
    elif action == "died":
        if when is not None:
            changes["exited_at"] = when
        code = event.attributes.get("containerExitCode", "")
        if code.lstrip("-").isdigit():
            changes["exit_code"] = int(code)
    return replace(row, **changes)


def _event_time(event: PodmanEvent) -> datetime | None:
    if not event.time_nano:
        return None
    return EPOCH + timedelta(seconds=event.time_nano // 1_000_000_000)
