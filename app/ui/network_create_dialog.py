"""Create a network: name, driver, interface, IPv6, subnets (each with a gateway and a
range), internal, DNS, DNS servers, labels; checked before Podman is asked.

Subnets are rows of four boxes. Every row is checked with the ``ipaddress`` module
(app/controllers/network_checks.py): it parses, its gateway and range lie inside it, it
overlaps neither another row nor a subnet another network uses. Typing an IPv6 subnet
turns IPv6 on, and the dialog says so.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers import network_checks as checks
from app.controllers.network_actions import NetworkActions
from app.engine.network_records import DRIVERS, NetworkDetails, NetworkSpec, SubnetSpec
from app.ui.forms.form_dialog import ERROR_STYLE, FormDialog

COLUMNS = (
    ("Subnet", "10.89.1.0/24"),
    ("Gateway", "first address"),
    ("Range from", "optional"),
    ("Range to", "optional"),
)


class SubnetRow:
    """The four boxes and the remove button of one subnet."""

    def __init__(self, parent: QWidget, number: int) -> None:
        self.edits = []
        for title, hint in COLUMNS:
            edit = QLineEdit(parent)
            edit.setPlaceholderText(hint)
            edit.setAccessibleName(f"{title} of subnet {number}")
            self.edits.append(edit)
        self.subnet, self.gateway, self.start, self.end = self.edits
        self.remove = QPushButton("Remove", parent)
        self.remove.setAccessibleName(f"Remove subnet {number}")
        self.remove.setToolTip("Remove this subnet")
        self.problem = QLabel(parent)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(f"Subnet {number} problem")
        self.problem.hide()

    def spec(self) -> SubnetSpec:
        return SubnetSpec(*(e.text().strip() for e in self.edits))

    def widgets(self) -> list[QWidget]:
        return [*self.edits, self.remove, self.problem]


class NetworkCreateDialog(FormDialog):
    """Signals: performed(NetworkDetails) after Podman created the network."""

    def __init__(
        self,
        controller: NetworkActions,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Create Network", "Create", spawn, parent)
        self.controller = controller
        self.setMinimumWidth(640)
        listed = controller.listed()
        self._existing = [n.name for n in listed]
        self._taken = [(n.name, cidr) for n in listed for cidr in n.subnets]

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("for example: backend")
        self.add_field("&Name:", self.name, self._name_problem)

        self.driver = QComboBox(self)
        self.driver.addItems(DRIVERS)
        self.driver.setToolTip(
            "bridge: a private network on this host; macvlan and ipvlan: containers "
            "appear on the network of one of the host's devices"
        )
        self.add_field("&Driver:", self.driver)
        self.interface = QLineEdit(self)
        self.interface_field = self.add_field(
            "&Interface:", self.interface, self._interface_problem
        )

        self.ipv6 = QCheckBox("Enable I&Pv6", self)
        self.ipv6_note = QLabel(self)
        self.ipv6_note.setAccessibleName("IPv6 note")
        self.ipv6_note.hide()
        box = QWidget(self)
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.ipv6)
        line.addWidget(self.ipv6_note, 1)
        self.add_field("IPv6:", box)
        self.ipv6.toggled.connect(lambda on: on or self.ipv6_note.hide())
        self.watch(self.ipv6)

        self.rows: list[SubnetRow] = []
        self.subnets_box = QWidget(self)
        self.subnets_box.setAccessibleName("Subnets")
        outer = QVBoxLayout(self.subnets_box)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(6)
        for column_number, (title, _hint) in enumerate(COLUMNS):
            self.grid.addWidget(QLabel(title, self.subnets_box), 0, column_number)
        outer.addLayout(self.grid)
        self.add_subnet_button = QPushButton("&Add Subnet", self.subnets_box)
        self.add_subnet_button.setAccessibleName("Add subnet")
        self.add_subnet_button.clicked.connect(lambda: self.add_subnet_row())
        self.subnets_hint = QLabel(
            "None: Podman picks a free IPv4 subnet (and an IPv6 one when IPv6 is on).",
            self.subnets_box,
        )
        self.subnets_hint.setWordWrap(True)
        outer.addWidget(self.subnets_hint)
        below = QHBoxLayout()
        below.addWidget(self.add_subnet_button)
        below.addStretch(1)
        outer.addLayout(below)
        self.subnets_field = self.add_field("Subnets:", self.subnets_box, self._subnets_problem)

        self.internal = QCheckBox("&Internal: no traffic to or from outside this network", self)
        self.add_field("Isolation:", self.internal)
        self.dns = QCheckBox("&Containers find each other by name (DNS)", self)
        self.dns.setChecked(True)
        self.add_field("DNS:", self.dns)
        self.dns_servers = QLineEdit(self)
        supported = controller.dns_servers_supported()
        self.dns_servers.setPlaceholderText(
            "the host's servers" if supported else "needs Podman 4.4 or later with netavark"
        )
        self.dns_servers.setEnabled(supported)
        self.add_field(
            "DNS &servers:",
            self.dns_servers,
            lambda: checks.dns_servers_problem(self.dns_servers.text()),
            tip=(
                "Addresses separated by commas"
                if supported
                else "Needs Podman 4.4 or later with the netavark network backend"
            ),
        )
        self.labels = QPlainTextEdit(self)
        self.labels.setPlaceholderText("KEY=VALUE, one a line")
        self.labels.setMaximumHeight(self.labels.fontMetrics().lineSpacing() * 3 + 14)
        self.add_field(
            "&Labels:", self.labels, lambda: checks.labels_problem(self.labels.toPlainText())
        )

        self.driver.currentTextChanged.connect(self._on_driver)
        self._on_driver(self.driver.currentText())
        self.refresh()
        self.name.setFocus()

    # -- subnets -----------------------------------------------------------------------------

    def add_subnet_row(self, spec: SubnetSpec | None = None) -> SubnetRow:
        row = SubnetRow(self.subnets_box, len(self.rows) + 1)
        line = 1 + 2 * len(self.rows)
        for column, edit in enumerate(row.edits):
            self.grid.addWidget(edit, line, column)
        self.grid.addWidget(row.remove, line, len(COLUMNS))
        self.grid.addWidget(row.problem, line + 1, 0, 1, len(COLUMNS) + 1)
        if spec is not None:
            for edit, value in zip(
                row.edits,
                (spec.subnet, spec.gateway, spec.range_start, spec.range_end),
                strict=True,
            ):
                edit.setText(value)
        for edit in row.edits:
            self.watch(edit, self.subnets_field)
        row.subnet.textChanged.connect(self._turn_ipv6_on)
        row.remove.clicked.connect(lambda: self.remove_subnet_row(row))
        self.rows.append(row)
        self.subnets_hint.hide()
        self.refresh()
        row.subnet.setFocus()
        return row

    def remove_subnet_row(self, row: SubnetRow) -> None:
        kept = [r.spec() for r in self.rows if r is not row]
        for old in self.rows:
            for widget in old.widgets():
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = []
        for spec in kept:
            self.add_subnet_row(spec)
        self.subnets_hint.setVisible(not self.rows)
        self.refresh()

    def _turn_ipv6_on(self, text: str) -> None:
        net, _ = checks.parse_subnet(text) if text.strip() else (None, "")
        if net is not None and net.version == 6 and not self.ipv6.isChecked():
            self.ipv6.setChecked(True)
            self.ipv6_note.setText(f"Turned on: {net} is an IPv6 subnet.")
            self.ipv6_note.show()

    # -- checks ------------------------------------------------------------------------------

    def _name_problem(self) -> str:
        return checks.name_problem(self.name.text().strip(), self._existing)

    def _interface_problem(self) -> str:
        return checks.interface_problem(self.interface.text().strip(), self.driver.currentText())

    def _subnets_problem(self) -> str:
        reasons = checks.subnet_problems(
            [r.spec() for r in self.rows], self.ipv6.isChecked(), self._taken
        )
        for row, reason in zip(self.rows, reasons, strict=True):
            shown = reason if self.subnets_field.touched else ""
            row.problem.setText(shown)
            row.problem.setVisible(bool(shown))
            row.subnet.setAccessibleDescription(shown)
        wrong = [i + 1 for i, reason in enumerate(reasons) if reason]
        if not wrong:
            return ""
        if len(wrong) == 1:
            return f"Subnet {wrong[0]} needs fixing."
        listed = ", ".join(map(str, wrong[:-1]))
        return f"Subnets {listed} and {wrong[-1]} need fixing."

    def _on_driver(self, driver: str) -> None:
        bridge = driver == "bridge"
        caption = self.form.labelForField(self.interface_field.error_label.parentWidget())
        if caption is not None:
            caption.setText("&Bridge name:" if bridge else "&Parent interface:")
        self.interface.setAccessibleName("Bridge name" if bridge else "Parent interface")
        self.interface.setPlaceholderText(
            "chosen by Podman" if bridge else "the host's device, such as eth0"
        )
        self.dns.setEnabled(bridge)  # Podman runs no DNS for macvlan and ipvlan networks
        self.refresh()

    # -- the form ----------------------------------------------------------------------------

    def spec(self) -> NetworkSpec:
        bridge = self.driver.currentText() == "bridge"
        return NetworkSpec(
            name=self.name.text().strip(),
            driver=self.driver.currentText(),
            interface=self.interface.text().strip(),
            ipv6=self.ipv6.isChecked(),
            subnets=tuple(r.spec() for r in self.rows if r.spec().subnet),
            internal=self.internal.isChecked(),
            dns=self.dns.isChecked() and bridge,
            dns_servers=tuple(checks.split_list(self.dns_servers.text()))
            if self.dns_servers.isEnabled()
            else (),
            labels=checks.parse_labels(self.labels.toPlainText()),
        )

    def command(self) -> str:
        return self.spec().command()

    async def perform(self) -> NetworkDetails:
        self.say(f"Creating network “{self.spec().name}”…")
        return await self.controller.create(self.spec())
