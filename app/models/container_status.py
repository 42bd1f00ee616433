"""A container's state as the window acts on it, transitions included (Pods-style):
the enum decides which actions are enabled."""

from __future__ import annotations

from enum import Enum

from app.models import dots


class ContainerStatus(Enum):
    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    EXITED = "exited"
    STOPPED = "stopped"
    DEAD = "dead"
    UNKNOWN = "unknown"
    # transitions: shown at once when the user acts, until Podman's answer arrives
    STARTING = "starting"
    STOPPING = "stopping"
    RESTARTING = "restarting"
    PAUSING = "pausing"
    RESUMING = "resuming"
    KILLING = "killing"
    REMOVING = "removing"

    @classmethod
    def from_state(cls, state: str) -> ContainerStatus:
        state = (state or "").lower()
        if state in ("configured", "initialized"):
            return cls.CREATED
        if state == "stopping":
            return cls.STOPPING
        if state == "removing":
            return cls.REMOVING
        try:
            return cls(state)
        except ValueError:
            return cls.UNKNOWN

    @property
    def label(self) -> str:
        text = self.value.capitalize()
        return f"{text}…" if self.is_transition() else text

    @property
    def color(self) -> str:
        if self is ContainerStatus.RUNNING:
            return dots.GREEN
        if self is ContainerStatus.PAUSED or self.is_transition():
            return dots.AMBER
        if self is ContainerStatus.CREATED:
            return dots.BLUE
        if self is ContainerStatus.DEAD:
            return dots.RED
        return dots.GREY

    def is_transition(self) -> bool:
        return self in _TRANSITIONS

    def can_start(self) -> bool:
        return self in (ContainerStatus.CREATED, ContainerStatus.EXITED, ContainerStatus.STOPPED)

    def can_stop(self) -> bool:
        return self in (ContainerStatus.RUNNING, ContainerStatus.PAUSED)

    def can_restart(self) -> bool:
        return self in (ContainerStatus.RUNNING, ContainerStatus.EXITED, ContainerStatus.STOPPED)

    def can_pause(self) -> bool:
        return self is ContainerStatus.RUNNING

    def can_unpause(self) -> bool:
        return self is ContainerStatus.PAUSED

    def can_kill(self) -> bool:
        return self in (ContainerStatus.RUNNING, ContainerStatus.PAUSED)

    def can_remove(self) -> bool:
        # "Stopping" stays removable (with force): Podman can leave a container in it for
        # good, and removing it is then the only way out.
        return not self.is_transition() or self is ContainerStatus.STOPPING

    def needs_force_to_remove(self) -> bool:
        return self in (ContainerStatus.RUNNING, ContainerStatus.PAUSED, ContainerStatus.STOPPING)


_TRANSITIONS = frozenset(
    {
        ContainerStatus.STARTING,
        ContainerStatus.STOPPING,
        ContainerStatus.RESTARTING,
        ContainerStatus.PAUSING,
        ContainerStatus.RESUMING,
        ContainerStatus.KILLING,
        ContainerStatus.REMOVING,
    }
)
