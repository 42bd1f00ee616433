"""What the user does to networks beyond removing them: create, look inside (who is on
it, with which addresses), connect and disconnect containers, prune the unused.

Each call runs on the current session's API pool and re-lists what it changed, so the
Networks and Containers pages show the result when the call returns. Podman's refusals
are raised as the engine's typed errors; the dialogs show their words.

Prune never calls Podman's prune: the unused networks are worked out from fresh
listings, shown, and then exactly those are removed, unforced, so a network created or
put to use after the list was shown is left alone (``prune``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject

from app.controllers.resource_actions import REMOVE_NETWORK, ResourceActions
from app.controllers.session import Session
from app.engine import networks
from app.engine.dto import NetworkSummary
from app.engine.errors import Unreachable
from app.engine.network_records import NetworkDetails, NetworkSpec
from app.models.network_model import DEFAULT_NETWORK, network_users

# Podman 4.4 added network-wide DNS servers (``network_dns_servers``, netavark only); 4.3
# accepts the field and drops it (docs/podman-notes.md, "Networks").
DNS_SERVERS_SINCE = (4, 4)


class NetworkActions(QObject):
    """Networks of the current session; one for the whole app."""

    def __init__(
        self,
        session: Callable[[], Session | None],
        actions: ResourceActions,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._actions = actions

    def _connected(self) -> Session:
        session = self._session()
        if session is None:
            raise Unreachable("Not connected to Podman")
        return session

    # -- what the forms check against (no call to Podman) -----------------------------------

    def listed(self) -> list[NetworkSummary]:
        """The networks the session last listed."""
        session = self._session()
        return list(session.items("networks").values()) if session is not None else []

    def container_names(self) -> dict[str, str]:
        """Container id -> name, pods' helper (infra) containers left out."""
        session = self._session()
        if session is None:
            return {}
        found = session.items("containers").values()
        return {c.id: c.name for c in sorted(found, key=lambda c: c.name.lower()) if not c.is_infra}

    def container_networks(self, container_id: str) -> tuple[str, ...]:
        session = self._session()
        if session is None:
            return ()
        found = session.items("containers").get(container_id)
        return found.networks if found is not None else ()

    def dns_servers_supported(self) -> bool:
        session = self._session()
        version = getattr(getattr(session, "version", None), "version", "") or ""
        try:
            numbers = tuple(int(p) for p in version.split("-")[0].split(".")[:2])
        except ValueError:
            return False
        return numbers >= DNS_SERVERS_SINCE

    # -- calls -----------------------------------------------------------------------------

    async def create(self, spec: NetworkSpec) -> NetworkDetails:
        session = self._connected()
        made = await session.call(networks.create_network, session.client.endpoint, spec)
        await session.reconcile(("networks",))
        return made

    async def details(self, name: str) -> NetworkDetails:
        session = self._connected()
        return await session.call(networks.network_details, session.client.endpoint, name)

    async def connect(
        self,
        network: str,
        container: str,
        static_ips: Iterable[str] = (),
        aliases: Iterable[str] = (),
    ) -> None:
        session = self._connected()
        await session.call(
            networks.connect_container,
            session.client.endpoint,
            network,
            container,
            tuple(static_ips),
            tuple(aliases),
        )
        await session.reconcile(("containers", "networks"))

    async def disconnect(self, network: str, container: str) -> None:
        session = self._connected()
        await session.call(
            networks.disconnect_container, session.client.endpoint, network, container
        )
        await session.reconcile(("containers", "networks"))

    # -- prune, with a preview ---------------------------------------------------------------

    async def unused(self) -> list[NetworkSummary]:
        """The networks no container (running or not, pods' included) is on, from fresh
        listings; Podman's default network never."""
        session = self._connected()
        await session.reconcile(("networks", "containers"))
        used = network_users(session.items("containers").values())
        found = [
            n
            for n in session.items("networks").values()
            if n.name != DEFAULT_NETWORK and not used.get(n.name)
        ]
        return sorted(found, key=lambda n: n.name.lower())

    async def prune(self, shown: Iterable[NetworkSummary]) -> list:
        """Remove exactly the networks ``shown`` in the preview, never forced: one that
        gained a container since is refused by Podman and kept. Returns the ids that
        failed (``ResourceActions.failed`` tells why)."""
        return await self._actions.run(REMOVE_NETWORK, [n.id for n in shown])
