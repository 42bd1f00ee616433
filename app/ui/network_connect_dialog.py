"""Connect a container to a network, optionally with static IPv4 and IPv6 addresses
(checked to lie inside the network's subnets) and aliases other containers reach it by.

Opened from a network (the container is chosen) or from a container (the network is
chosen); the other choice is fixed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Coroutine

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.controllers import network_checks as checks
from app.controllers.network_actions import NetworkActions
from app.engine.network_records import connect_command
from app.ui.forms.form_dialog import FormDialog


class NetworkConnectDialog(FormDialog):
    """Signals: performed(None) once Podman connected the container."""

    def __init__(
        self,
        controller: NetworkActions,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
        *,
        network: str = "",
        container_id: str = "",
    ) -> None:
        super().__init__("Connect to Network", "Connect", spawn, parent)
        self.controller = controller
        self.setMinimumWidth(480)
        self._subnets = {n.name: n.subnets for n in controller.listed()}

        self.container = QComboBox(self)
        self.container.setAccessibleName("Container")
        for cid, name in controller.container_names().items():
            self.container.addItem(name, cid)
        self.container.setMinimumContentsLength(16)
        if container_id:
            self.container.setCurrentIndex(max(0, self.container.findData(container_id)))
        self.add_field(
            "&Container:", self._fixed(self.container, bool(container_id)), self._container_problem
        )

        self.network = QComboBox(self)
        self.network.setAccessibleName("Network")
        self.network.setMinimumContentsLength(16)
        self.network.addItems(sorted(self._subnets, key=str.lower))
        if network:
            self.network.setCurrentText(network)
        self.add_field("&Network:", self._fixed(self.network, bool(network)), self._network_problem)
        self.watch(self.container)
        self.watch(self.network)

        self.ipv4 = QLineEdit(self)
        self.ipv4.setPlaceholderText("assigned by Podman")
        self.add_field(
            "IPv&4 address:",
            self.ipv4,
            lambda: checks.static_address_problem(self.ipv4.text(), 4, self.subnets()),
        )
        self.ipv6 = QLineEdit(self)
        self.ipv6.setPlaceholderText("assigned by Podman")
        self.add_field(
            "IPv&6 address:",
            self.ipv6,
            lambda: checks.static_address_problem(self.ipv6.text(), 6, self.subnets()),
        )
        self.aliases = QLineEdit(self)
        self.aliases.setPlaceholderText("other names, separated by commas")
        self.add_field("&Aliases:", self.aliases)
        self.network.currentTextChanged.connect(self._show_subnets)
        self._show_subnets()
        self.refresh()

    def _fixed(self, combo: QComboBox, fixed: bool) -> QWidget:
        """The combo box, or when the choice is made already, its text as a label (the
        combo stays, hidden, as the field's value)."""
        if not fixed:
            return combo
        label = QLabel(f"<b>{html.escape(combo.currentText())}</b>", self)
        label.setAccessibleName(combo.currentText())
        combo.hide()
        return label

    def subnets(self) -> tuple[str, ...]:
        return self._subnets.get(self.network.currentText(), ())

    def _show_subnets(self, *_args: object) -> None:
        listed = ", ".join(self.subnets()) or "none listed"
        for edit, version in ((self.ipv4, 4), (self.ipv6, 6)):
            edit.setToolTip(f"Inside the network's subnets: {listed}")
            # An empty list: Podman picks the subnets, so any address may be tried.
            has = not self.subnets() or any((":" in s) == (version == 6) for s in self.subnets())
            edit.setEnabled(has or bool(edit.text()))
            edit.setPlaceholderText(
                "assigned by Podman" if has else f"the network has no IPv{version} subnet"
            )

    def _container_problem(self) -> str:
        return "" if self.container.currentData() else "There is no container to connect."

    def _network_problem(self) -> str:
        name = self.network.currentText()
        if not name:
            return "There is no network to connect to."
        cid = self.container.currentData()
        if cid and name in self.controller.container_networks(cid):
            return f"{self.container.currentText()} is on {name} already."
        return ""

    def static_ips(self) -> list[str]:
        return [t.strip() for t in (self.ipv4.text(), self.ipv6.text()) if t.strip()]

    def command(self) -> str:
        return connect_command(
            self.network.currentText(),
            self.container.currentText(),
            self.ipv4.text().strip(),
            self.ipv6.text().strip(),
            tuple(checks.split_list(self.aliases.text())),
        )

    async def perform(self) -> None:
        self.say(f"Connecting {self.container.currentText()} to {self.network.currentText()}…")
        await self.controller.connect(
            self.network.currentText(),
            str(self.container.currentData()),
            self.static_ips(),
            checks.split_list(self.aliases.text()),
        )
