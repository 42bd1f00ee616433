"""A pod's state as the window acts on it, transitions included."""

from __future__ import annotations

from enum import Enum

from app.models import dots


class PodStatus(Enum):
    CREATED = "created"
    RUNNING = "running"
    DEGRADED = "degraded"  # some of its containers run
    PAUSED = "paused"
    EXITED = "exited"
    STOPPED = "stopped"
    DEAD = "dead"
    UNKNOWN = "unknown"
    STARTING = "starting"
    STOPPING = "stopping"
    RESTARTING = "restarting"
    PAUSING = "pausing"
    RESUMING = "resuming"
    REMOVING = "removing"

    @classmethod
    def from_status(cls, status: str) -> PodStatus:
        try:
            return cls((status or "").lower())
        except ValueError:
            return cls.UNKNOWN

    @property
    def label(self) -> str:
        text = self.value.capitalize()
        return f"{text}…" if self.is_transition() else text

    @property
    def color(self) -> str:
        if self is PodStatus.RUNNING:
            return dots.GREEN
        if self in (PodStatus.DEGRADED, PodStatus.PAUSED) or self.is_transition():
            return dots.AMBER
        if self is PodStatus.CREATED:
            return dots.BLUE
        if self is PodStatus.DEAD:
            return dots.RED
        return dots.GREY

    def is_transition(self) -> bool:
        return self in (
            PodStatus.STARTING,
            PodStatus.STOPPING,
            PodStatus.RESTARTING,
            PodStatus.PAUSING,
            PodStatus.RESUMING,
            PodStatus.REMOVING,
        )

    def can_start(self) -> bool:
        return self in (PodStatus.CREATED, PodStatus.DEGRADED, PodStatus.EXITED, PodStatus.STOPPED)

    def can_stop(self) -> bool:
        return self in (PodStatus.RUNNING, PodStatus.DEGRADED, PodStatus.PAUSED)

    def can_restart(self) -> bool:
        return self in (
            PodStatus.RUNNING,
            PodStatus.DEGRADED,
            PodStatus.EXITED,
            PodStatus.STOPPED,
            PodStatus.CREATED,
        )

    def can_pause(self) -> bool:
        return self in (PodStatus.RUNNING, PodStatus.DEGRADED)

    def can_unpause(self) -> bool:
        return self is PodStatus.PAUSED

    def can_remove(self) -> bool:
        return not self.is_transition()

    def needs_force_to_remove(self) -> bool:
        return self in (PodStatus.RUNNING, PodStatus.DEGRADED, PodStatus.PAUSED)
