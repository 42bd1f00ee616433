"""The secret list: name, driver, dates. A secret's value is never read or shown."""

from __future__ import annotations

from app.models import humanize
from app.models.resource_model import Column, ResourceModel


class SecretModel(ResourceModel):
    kind = "secrets"
    columns = (
        Column("name", "Name", lambda s: s.name),
        Column("driver", "Driver", lambda s: s.driver),
        Column(
            "created",
            "Created",
            lambda s: humanize.since(s.created),
            sort=lambda s: humanize.timestamp(s.created),
            tooltip=lambda s: humanize.local_time(s.created),
        ),
        Column(
            "updated",
            "Updated",
            lambda s: humanize.since(s.updated),
            sort=lambda s: humanize.timestamp(s.updated),
            tooltip=lambda s: humanize.local_time(s.updated),
        ),
        Column("id", "Secret ID", lambda s: s.id[:12], tooltip=lambda s: s.id),
    )
