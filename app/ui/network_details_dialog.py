"""A network's details, read-only: its settings, every subnet with its gateway and
range, and the containers on it with their IPv4 and IPv6 addresses. From here a
container is connected (the connect dialog) or disconnected (after a confirmation that
names both).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.controllers.network_actions import NetworkActions
from app.engine.dto import parse_time
from app.engine.errors import PodmanError
from app.engine.network_records import NetworkDetails
from app.models import humanize
from app.ui import confirmation
from app.ui.forms.form_dialog import ERROR_STYLE
from app.ui.network_connect_dialog import NetworkConnectDialog


def _yes(on: bool) -> str:
    return "yes" if on else "no"


class NetworkDetailsDialog(QDialog):
    """Loads the details when shown and after every connect or disconnect."""

    def __init__(
        self,
        controller: NetworkActions,
        spawn: Callable[[Coroutine], object],
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.spawn = spawn
        self.name = name
        self.details: NetworkDetails | None = None
        # Replaceable (tests answer for the user); resolves to a confirmation.Answer.
        self.confirm: Callable[[confirmation.Confirmation], Awaitable[Any]] = lambda c: (
            confirmation.ask(self, c)
        )
        self.loaded = asyncio.Event()
        self.setWindowTitle(f"Network “{name}”")
        self.setAccessibleName(f"Network {name} details")
        self.resize(720, 520)

        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.values: dict[str, QLabel] = {}
        for key in ("Name", "ID", "Driver", "Interface", "IPv6", "Internal", "DNS",
                    "DNS servers", "IP addresses by", "Labels", "Created"):  # fmt: skip
            value = QLabel("…", self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            value.setAccessibleName(key)
            self.form.addRow(f"{key}:", value)
            self.values[key] = value

        self.subnets = self._tree("Subnets", ["Subnet", "Gateway", "Range"])
        layout.addWidget(QLabel("<b>Subnets</b>", self))
        layout.addWidget(self.subnets, 1)
        layout.addWidget(QLabel("<b>Containers on this network</b>", self))
        self.containers = self._tree(
            "Containers on this network", ["Container", "State", "IPv4", "IPv6", "Aliases"]
        )
        self.containers.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.containers.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.containers, 2)

        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Error")
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(self)
        self.connect_button = QPushButton("&Connect Container…", self)
        self.connect_button.setAccessibleName("Connect a container")
        self.disconnect_button = QPushButton("&Disconnect…", self)
        self.disconnect_button.setAccessibleName("Disconnect the selected container")
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.setAccessibleName("Refresh")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        for button in (self.connect_button, self.disconnect_button, self.refresh_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.connect_button.clicked.connect(self.open_connect)
        self.disconnect_button.clicked.connect(lambda: self.spawn(self.disconnect_selected()))
        self.refresh_button.clicked.connect(self.reload)
        layout.addWidget(buttons)
        self._update_buttons()

    def _tree(self, name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setAccessibleName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(True)
        return tree

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        self.loaded.clear()
        self.spawn(self.load())

    async def load(self) -> None:
        try:
            details = await self.controller.details(self.name)
        except PodmanError as exc:
            self.error.setText(str(exc))
            self.error.show()
        else:
            self.error.hide()
            self.show_details(details)
        finally:
            self.loaded.set()

    def show_details(self, d: NetworkDetails) -> None:
        self.details = d
        dns = _yes(d.dns) if d.driver == "bridge" else "no (not for this driver)"
        labels = ", ".join(f"{k}={v}" if v else k for k, v in sorted(d.labels.items()))
        created = humanize.local_time(parse_time(d.created)) if d.created else ""
        for key, value in (
            ("Name", d.name),
            ("ID", d.id),
            ("Driver", d.driver),
            ("Interface", d.interface or "—"),
            ("IPv6", _yes(d.ipv6)),
            ("Internal", _yes(d.internal) + ("" if not d.internal else ": no traffic outside it")),
            ("DNS", dns),
            ("DNS servers", ", ".join(d.dns_servers) or "the host's"),
            ("IP addresses by", d.ipam_driver or "—"),
            ("Labels", labels or "none"),
            ("Created", created or d.created),
        ):
            self.values[key].setText(value)
        self.subnets.clear()
        for s in d.subnets:
            span = f"{s.range_start} – {s.range_end}" if s.range_start else "the whole subnet"
            QTreeWidgetItem(self.subnets, [s.subnet, s.gateway or "—", span])
        if not d.subnets:
            QTreeWidgetItem(self.subnets, ["(none: the driver's own addressing)", "", ""])
        self.containers.clear()
        for a in d.attachments:
            running = a.ipv4 or a.ipv6
            none = "—" if running else "none: not running"
            item = QTreeWidgetItem(
                self.containers,
                [
                    a.name,
                    a.state,
                    ", ".join(a.ipv4) or none,
                    ", ".join(a.ipv6) or none,
                    ", ".join(a.aliases),
                ],
            )
            item.setData(0, Qt.ItemDataRole.UserRole, a.container_id)
        if not d.attachments:
            QTreeWidgetItem(self.containers, ["(no container is on this network)", "", "", "", ""])
        for tree in (self.subnets, self.containers):
            for column in range(tree.columnCount()):
                tree.resizeColumnToContents(column)
        self._update_buttons()

    # -- connect and disconnect --------------------------------------------------------------

    def selected_container(self) -> tuple[str, str] | None:
        items = self.containers.selectedItems()
        if not items or not items[0].data(0, Qt.ItemDataRole.UserRole):
            return None
        return items[0].data(0, Qt.ItemDataRole.UserRole), items[0].text(0)

    def _update_buttons(self) -> None:
        self.disconnect_button.setEnabled(self.selected_container() is not None)

    def connect_dialog(self) -> NetworkConnectDialog:
        dialog = NetworkConnectDialog(self.controller, self.spawn, self, network=self.name)
        dialog.performed.connect(lambda _r: self.reload())
        return dialog

    def open_connect(self) -> None:
        dialog = self.connect_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    async def disconnect_selected(self) -> bool:
        chosen = self.selected_container()
        if chosen is None:
            return False
        cid, name = chosen
        answer = await self.confirm(
            confirmation.Confirmation(
                title="Disconnect Container",
                text=f"Disconnect container “{name}” from network “{self.name}”?",
                items=[name],
                action="Disconnect",
                details=(
                    "It loses its addresses on this network; other containers there no "
                    "longer reach it. The container itself keeps running."
                ),
            )
        )
        if not answer.accepted:
            return False
        try:
            await self.controller.disconnect(self.name, cid)
        except PodmanError as exc:
            self.error.setText(f"Could not disconnect {name}: {exc}")
            self.error.show()
            return False
        await self.load()
        return True
