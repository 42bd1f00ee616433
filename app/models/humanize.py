"""Words for times and sizes, the way `podman ps` and `podman images` print them."""

from __future__ import annotations

from datetime import datetime, timezone

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def duration(seconds: float) -> str:
    """ "5 minutes", "about an hour", "3 days": like Podman's HumanDuration, in lower case."""
    seconds = max(0, int(seconds))
    if seconds < 1:
        return "less than a second"
    if seconds < 60:
        return "less than a minute"
    minutes = seconds // 60
    if minutes == 1:
        return "about a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(seconds / 3600)
    if hours == 1:
        return "about an hour"
    if hours < 48:
        return f"{hours} hours"
    days = hours // 24
    if days < 14:
        return f"{days} days"
    if days < 60:
        return f"{days // 7} weeks"
    if days < 365 * 2:
        return f"{days // 30} months"
    return f"{days // 365} years"


def ago(moment: datetime | None, at: datetime | None = None) -> str:
    """ "3 minutes ago", or "" for "never"."""
    if moment is None or moment.year <= 1970:
        return ""
    return f"{duration(((at or now()) - moment).total_seconds())} ago"


def size(count: int) -> str:
    """Decimal units like Podman: "1.5 MB", "812 kB", "0 B"."""
    value = float(max(0, count))
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" or value >= 100 else f"{value:.3g} {unit}"
        value /= 1000
    return f"{value:.3g} TB"


def timestamp(moment: datetime | None) -> float:
    """A sort key for a datetime; "never" sorts first."""
    return moment.timestamp() if moment is not None else 0.0


def local_time(moment: datetime | None) -> str:
    """The full local time, for tooltips."""
    if moment is None or moment.year <= 1970:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def since(moment: datetime | None) -> str:
    """ago() for a cell of its own: "Just now", "3 hours ago" ("" for never).

    "Just now" rather than Podman's "Less than a minute ago": every new object shows
    it, and at half the width it leaves the list's columns room.
    """
    if moment is None or moment.year <= 1970:
        return ""
    if (now() - moment).total_seconds() < 60:
        return "Just now"
    text = ago(moment)
    return text[:1].upper() + text[1:]
