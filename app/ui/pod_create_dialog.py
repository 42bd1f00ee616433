"""Create a pod: its name, the ports it publishes, the namespaces its containers share,
whether it has an infra container, its labels; the equivalent ``podman pod create``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

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

from app.engine.pod_spec import (
    DEFAULT_SHARED,
    NAMESPACES,
    PROTOCOLS,
    PodSpec,
    PublishedPort,
    host_ip_problem,
    name_problem,
    parse_labels,
    port_problem,
)
from app.ui.forms.form_dialog import FormDialog

# What each namespace shares, for its checkbox's tooltip.
_NAMESPACE_TIPS = {
    "cgroup": "The control group: resource limits apply to the pod as a whole",
    "ipc": "Shared memory and message queues",
    "net": "One network stack: the containers reach each other on localhost and "
    "share the pod's published ports",
    "pid": "One process tree: each container sees the others' processes",
    "uts": "One host name",
}
# The host addresses offered first: only this computer, or every network it is on.
HOST_IPS = (("127.0.0.1", "127.0.0.1 — this computer only"), ("0.0.0.0", "0.0.0.0 — all networks"))


class PortRow:
    """One published port: host address, host port, container port, protocol."""

    def __init__(self, parent: QWidget, number: int, on_remove: Callable[[PortRow], None]) -> None:
        self.host_ip = QComboBox(parent)
        self.host_ip.setEditable(True)
        for value, label in HOST_IPS:
            self.host_ip.addItem(label, value)
        self.host_ip.setToolTip(
            "Where the port is reachable: 127.0.0.1 keeps it on this computer; 0.0.0.0 "
            "opens it to every network the computer is on. You may type another address."
        )
        self.host_port = QLineEdit(parent)
        self.host_port.setPlaceholderText("any free")
        self.host_port.setToolTip("The port on this computer; empty lets Podman choose a free one")
        self.container_port = QLineEdit(parent)
        self.container_port.setPlaceholderText("e.g. 80")
        self.protocol = QComboBox(parent)
        self.protocol.addItems(PROTOCOLS)
        self.remove = QPushButton("Remove", parent)
        self.remove.clicked.connect(lambda: on_remove(self))
        self.number = number
        self.name(number)

    def name(self, number: int) -> None:
        self.number = number
        for widget, what in (
            (self.host_ip, "host address"),
            (self.host_port, "host port"),
            (self.container_port, "container port"),
            (self.protocol, "protocol"),
            (self.remove, "Remove"),
        ):
            widget.setAccessibleName(f"Port {number} {what}")

    def widgets(self) -> list[QWidget]:
        return [self.host_ip, self.host_port, self.container_port, self.protocol, self.remove]

    def address(self) -> str:
        text = self.host_ip.currentText().strip()
        for value, label in HOST_IPS:
            if text == label:
                return value
        return text

    def problem(self) -> str:
        return (
            host_ip_problem(self.address())
            or port_problem(self.host_port.text(), "host port", optional=True)
            or port_problem(self.container_port.text(), "container port")
        )

    def mapping(self) -> PublishedPort:
        host = self.host_port.text().strip()
        return PublishedPort(
            int(self.container_port.text()),
            int(host) if host else 0,
            self.address(),
            self.protocol.currentText(),
        )


class PodCreateDialog(FormDialog):
    """``pods`` is the PodController (pod_names(), create_pod(spec)).

    Signals (FormDialog's): performed(str pod_id).
    """

    def __init__(
        self, pods: Any, spawn: Callable[[Coroutine], object], parent: QWidget | None = None
    ) -> None:
        super().__init__("Create Pod", "Create", spawn, parent)
        self.setObjectName("podCreateDialog")
        self.pods = pods
        self._taken = pods.pod_names()

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. web")
        self.add_field("&Name:", self.name, self._name_problem)

        self.infra = QCheckBox("Keep an &infra container (needed for ports and sharing)", self)
        self.infra.setChecked(True)
        self.infra.setToolTip(
            "A small helper container that holds what the pod's containers share. Without "
            "it the pod cannot publish ports or share namespaces."
        )
        self.add_field("Infra:", self.infra)

        # Ports: a grid of rows under a header, "Add Port" below.
        self.ports_box = QWidget(self)
        ports_layout = QVBoxLayout(self.ports_box)
        ports_layout.setContentsMargins(0, 0, 0, 0)
        self.port_grid = QGridLayout()
        self.port_grid.setHorizontalSpacing(6)
        for column, title in enumerate(("Host address", "Host port", "Container port", "Protocol")):
            self.port_grid.addWidget(QLabel(title, self.ports_box), 0, column)
        self.port_grid.setColumnStretch(0, 3)
        self.port_grid.setColumnStretch(1, 1)
        self.port_grid.setColumnStretch(2, 1)
        ports_layout.addLayout(self.port_grid)
        self.add_port_button = QPushButton("&Add Port", self.ports_box)
        self.add_port_button.setAccessibleName("Add a published port")
        self.add_port_button.clicked.connect(lambda: self.add_port())
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_port_button)
        add_row.addStretch(1)
        ports_layout.addLayout(add_row)
        self.ports_box.setAccessibleName("Published ports")
        self.port_rows: list[PortRow] = []
        self.ports_field = self.add_field("Ports:", self.ports_box, self._ports_problem)
        self._show_port_headers()

        # Shared namespaces: one box each, Podman's defaults ticked.
        shared = QWidget(self)
        shared_layout = QVBoxLayout(shared)
        shared_layout.setContentsMargins(0, 0, 0, 0)
        boxes = QHBoxLayout()
        self.namespaces: dict[str, QCheckBox] = {}
        for name in NAMESPACES:
            box = QCheckBox(name, shared)
            box.setChecked(name in DEFAULT_SHARED)
            box.setToolTip(_NAMESPACE_TIPS[name])
            box.setAccessibleName(f"Share the {name} namespace")
            boxes.addWidget(box)
            self.watch(box)
            self.namespaces[name] = box
        boxes.addStretch(1)
        shared_layout.addLayout(boxes)
        self.shared_note = QLabel(f"Podman's default: {', '.join(DEFAULT_SHARED)}.", shared)
        self.shared_note.setEnabled(False)  # a quiet hint
        shared_layout.addWidget(self.shared_note)
        shared.setAccessibleName("Shared namespaces")
        self.add_field("Share:", shared)
        self.shared_box = shared

        self.labels = QPlainTextEdit(self)
        self.labels.setPlaceholderText("key=value, one per line")
        self.labels.setMaximumHeight(self.labels.fontMetrics().lineSpacing() * 3 + 12)
        self.labels.setTabChangesFocus(True)
        self.add_field("&Labels:", self.labels, lambda: parse_labels(self.labels.toPlainText())[1])

        self._shared_choice: dict[str, bool] = {}
        self.infra.toggled.connect(self._on_infra)
        self.refresh()
        self.resize(640, self.sizeHint().height())

    # -- ports -------------------------------------------------------------------------

    def add_port(self, container: str = "", host: str = "", host_ip: str = "") -> PortRow:
        row = PortRow(self.ports_box, len(self.port_rows) + 1, self._remove_port)
        row.container_port.setText(container)
        row.host_port.setText(host)
        if host_ip:
            row.host_ip.setCurrentText(host_ip)
        line = len(self.port_rows) + 1
        for column, widget in enumerate(row.widgets()):
            self.port_grid.addWidget(widget, line, column)
            self.watch(widget, self.ports_field)
        self.port_rows.append(row)
        self._show_port_headers()
        self.refresh()
        if not container:
            row.container_port.setFocus()
        return row

    def _remove_port(self, row: PortRow) -> None:
        for widget in row.widgets():
            self.port_grid.removeWidget(widget)
            widget.deleteLater()
        self.port_rows.remove(row)
        # Re-lay the rows that follow, so the grid keeps no gap.
        for number, other in enumerate(self.port_rows, start=1):
            other.name(number)
            for column, widget in enumerate(other.widgets()):
                self.port_grid.addWidget(widget, number, column)
        self._show_port_headers()
        self.refresh()
        self.add_port_button.setFocus()

    def _show_port_headers(self) -> None:
        for column in range(4):
            item = self.port_grid.itemAtPosition(0, column)
            if item is not None and item.widget() is not None:
                item.widget().setVisible(bool(self.port_rows))

    def _ports_problem(self) -> str:
        if self.port_rows and not self.infra.isChecked():
            return "Publishing ports needs the infra container: tick “Keep an infra container”."
        seen: set[tuple[str, int, str]] = set()
        for row in self.port_rows:
            problem = row.problem()
            if problem:
                return f"Port {row.number}: {problem}"
            mapping = row.mapping()
            if mapping.host_port:
                key = (mapping.host_ip, mapping.host_port, mapping.protocol)
                if key in seen:
                    return f"Port {row.number}: host port {mapping.host_port} is used twice."
                seen.add(key)
        return ""

    # -- the rest ----------------------------------------------------------------------

    def _name_problem(self) -> str:
        return name_problem(self.name.text().strip(), self._taken)

    def _on_infra(self, on: bool) -> None:
        # Without infra nothing is shared: the boxes say so, and get the choice back after.
        if not on:
            self._shared_choice = {n: box.isChecked() for n, box in self.namespaces.items()}
        for name, box in self.namespaces.items():
            box.setChecked(on and self._shared_choice.get(name, False))
            box.setEnabled(on)
        self.shared_note.setText(
            f"Podman's default: {', '.join(DEFAULT_SHARED)}."
            if on
            else "Without an infra container the containers share nothing."
        )
        self.ports_field.touched = True
        self.refresh()

    def spec(self) -> PodSpec:
        shared = tuple(n for n, box in self.namespaces.items() if box.isChecked())
        ports = tuple(r.mapping() for r in self.port_rows) if not self._ports_problem() else ()
        return PodSpec(
            name=self.name.text().strip(),
            ports=ports,
            shared=None if sorted(shared) == sorted(DEFAULT_SHARED) else shared,
            infra=self.infra.isChecked(),
            labels=parse_labels(self.labels.toPlainText())[0],
        )

    def command(self) -> str:
        return self.spec().command()

    async def perform(self) -> str:
        self.say("Creating the pod…")
        return await self.pods.create_pod(self.spec())
