"""What the System page shows: the service's host and store (``podman info``) and its
disk usage (``podman system df``), asked together off the GUI thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject

from app.controllers.session import Session
from app.engine.dto import DiskUsage, SystemInfo
from app.engine.errors import Unreachable


class SystemOverview(QObject):
    def __init__(
        self, session: Callable[[], Session | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session

    def session(self) -> Session | None:
        return self._session()

    async def load(self) -> tuple[SystemInfo, DiskUsage]:
        """Both answers; raises PodmanError (Podman's words) when either fails."""
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        info, df = await asyncio.gather(
            session.call(session.client.info), session.call(session.client.df)
        )
        return info, df
