"""The secret list: name, driver, when it was created. A secret's value is never read
or shown.

No "Updated" column: a secret is replaced only by `podman secret create --replace`
(Podman 5), so for nearly every secret it repeated "Created"; the Created cell's tooltip
says when it was replaced, if it was.
"""

from __future__ import annotations

from app.engine.dto import SecretSummary
from app.models import humanize
from app.models.resource_model import TIME_SAMPLE, Column, ResourceModel


def _created_tooltip(s: SecretSummary) -> str:
    created = humanize.local_time(s.created)
    if s.updated is None or s.created is None or s.updated <= s.created:
        return created
    return f"Created {created}\nReplaced {humanize.local_time(s.updated)}"


class SecretModel(ResourceModel):
    kind = "secrets"
    columns = (
        Column("name", "Name", lambda s: s.name, stretch=True),
        Column("driver", "Driver", lambda s: s.driver),
        Column(
            "created",
            "Created",
            lambda s: humanize.since(s.created),
            sort=lambda s: humanize.timestamp(s.created),
            tooltip=_created_tooltip,
            sample=TIME_SAMPLE,
        ),
        Column("id", "Secret ID", lambda s: s.id[:12], tooltip=lambda s: s.id, hidden=True),
    )
