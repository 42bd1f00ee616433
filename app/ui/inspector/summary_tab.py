"""The Summary tab: what a container is, read from its inspect JSON, in sections.

Environment values whose key suggests a secret stay masked until clicked.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.dto import parse_time
from app.engine.network_records import secondary_address
from app.models import humanize
from app.ui.accessibility import name_built_in_parts

SECRET_KEY = re.compile(r"PASSWORD|PASSWD|TOKEN|SECRET|KEY", re.IGNORECASE)
MASK = "••••••••  (click or Enter to show)"


def is_secret(key: str) -> bool:
    return bool(SECRET_KEY.search(key))


def command_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and value:
        return shlex.join(str(v) for v in value)
    return ""


def when(value: Any) -> str:
    moment = parse_time(value)
    if moment is None:
        return "—"
    return f"{humanize.local_time(moment)}  ({humanize.ago(moment)})"


def size_text(count: int) -> str:
    return humanize.size(count) if count else "unlimited"


def ports(attrs: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(container port/proto, host address, host port) for every published port."""
    found = (attrs.get("NetworkSettings") or {}).get("Ports") or (
        (attrs.get("HostConfig") or {}).get("PortBindings") or {}
    )
    rows = []
    for port, bindings in sorted(found.items()):
        for binding in bindings or ():
            rows.append((port, binding.get("HostIp") or "0.0.0.0", str(binding.get("HostPort"))))
    return rows


def networks(attrs: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """(network, address/prefix, gateway, MAC) for every address on every network."""
    rows = []
    settings = attrs.get("NetworkSettings") or {}
    for name, net in sorted((settings.get("Networks") or {}).items()):
        mac = net.get("MacAddress") or ""
        if net.get("IPAddress"):
            rows.append(
                (name, f"{net['IPAddress']}/{net.get('IPPrefixLen', '')}", net.get("Gateway"), mac)
            )
        # A network with several subnets of a family gives one address in each; Podman
        # names only the first subnet's gateway.
        for extra in net.get("SecondaryIPAddresses") or ():
            rows.append((name, secondary_address(extra), "", mac))
        if net.get("GlobalIPv6Address"):
            addr = f"{net['GlobalIPv6Address']}/{net.get('GlobalIPv6PrefixLen', '')}"
            rows.append((name, addr, net.get("IPv6Gateway") or "", mac))
        for extra in net.get("SecondaryIPv6Addresses") or ():
            rows.append((name, secondary_address(extra), "", mac))
        if not net.get("IPAddress") and not net.get("GlobalIPv6Address"):
            rows.append((name, "(no address: the container is not running)", "", mac))
    mode = (attrs.get("HostConfig") or {}).get("NetworkMode") or ""
    if not rows and mode:
        rows.append((mode, "", "", ""))
    return rows


def health(state: Mapping[str, Any]) -> tuple[str, str]:
    """(status, last check's output) — Podman 4 says Health, older ones Healthcheck."""
    data = state.get("Health") or state.get("Healthcheck") or {}
    status = data.get("Status") or ""
    entries = data.get("Log") or []
    last = entries[-1] if entries else {}
    output = str(last.get("Output") or "").strip()
    if last:
        output = f"exit {last.get('ExitCode')} at {when(last.get('End'))}: {output}"
    streak = data.get("FailingStreak")
    if streak:
        status = f"{status} ({streak} failing in a row)"
    return status, output


def limits(host: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [("Memory", size_text(int(host.get("Memory") or 0)))]
    swap = int(host.get("MemorySwap") or 0)
    if swap > 0:
        rows.append(("Memory + swap", humanize.size(swap)))
    nano = int(host.get("NanoCpus") or 0)
    quota, period = int(host.get("CpuQuota") or 0), int(host.get("CpuPeriod") or 0)
    cpus = nano / 1e9 if nano else (quota / period if quota > 0 and period else 0)
    rows.append(("CPUs", f"{cpus:g}" if cpus else "unlimited"))
    if host.get("CpuShares"):
        rows.append(("CPU shares", str(host["CpuShares"])))
    if host.get("CpusetCpus"):
        rows.append(("CPU set", str(host["CpusetCpus"])))
    pids = int(host.get("PidsLimit") or 0)
    rows.append(("PIDs", str(pids) if pids > 0 else "unlimited"))
    for ulimit in host.get("Ulimits") or ():
        name = str(ulimit.get("Name", "")).removeprefix("RLIMIT_").lower()
        rows.append((f"ulimit {name}", f"{ulimit.get('Soft')}:{ulimit.get('Hard')}"))
    return rows


class _Table(QTableWidget):
    """A table as tall as its rows: the page scrolls, not each table."""

    def __init__(self, headers: Sequence[str], rows: Iterable[Sequence[Any]], parent=None):
        rows = [list(r) for r in rows]
        super().__init__(len(rows), len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(False)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem("" if value is None else str(value))
                item.setToolTip(item.text())
                self.setItem(r, c, item)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.resizeRowsToContents()
        height = header.sizeHint().height() + 2 * self.frameWidth() + 2
        height += sum(self.rowHeight(r) for r in range(len(rows)))
        self.setFixedHeight(height)


class SummaryTab(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.env_table: QTableWidget | None = None
        self._env: list[tuple[str, str]] = []
        self._revealed: set[str] = set()  # secret keys shown, kept across refreshes
        self.set_data({}, pod_name="")

    def set_data(self, attrs: Mapping[str, Any], pod_name: str = "") -> None:
        scroll = self.verticalScrollBar().value()
        page = QWidget()
        page.setObjectName("summaryPage")
        self._layout = QVBoxLayout(page)
        self._layout.setContentsMargins(12, 8, 12, 12)
        self._layout.setSpacing(6)
        if attrs:
            self._fill(attrs, pod_name)
        self._layout.addStretch(1)
        self.setWidget(page)
        self.verticalScrollBar().setValue(scroll)

    def _heading(self, text: str) -> None:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        label.setFont(font)
        label.setContentsMargins(0, 10, 0, 2)
        self._layout.addWidget(label)

    def _form(self, rows: Iterable[tuple[str, str]]) -> None:
        box = QWidget()
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        for key, value in rows:
            label = QLabel(value or "—")
            label.setObjectName(f"summary:{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            name = QLabel(key)
            name.setStyleSheet("color: palette(placeholder-text);")
            form.addRow(name, label)
        self._layout.addWidget(box)

    def _table(self, title: str, headers: Sequence[str], rows: list[Sequence[Any]]) -> QTableWidget:
        self._heading(title)
        if not rows:
            none = QLabel("None")
            none.setStyleSheet("color: palette(placeholder-text);")
            self._layout.addWidget(none)
            return None
        table = _Table(headers, rows)
        table.setObjectName(f"summaryTable:{title}")
        table.setAccessibleName(title)
        name_built_in_parts(table)
        self._layout.addWidget(table)
        return table

    def _fill(self, attrs: Mapping[str, Any], pod_name: str) -> None:
        state = attrs.get("State") or {}
        config = attrs.get("Config") or {}
        host = attrs.get("HostConfig") or {}
        status, last_check = health(state)
        restart = host.get("RestartPolicy") or {}
        policy = restart.get("Name") or "no"
        if restart.get("MaximumRetryCount"):
            policy += f" (at most {restart['MaximumRetryCount']} times)"
        pod = attrs.get("Pod") or ""
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self._heading("Container")
        exit_code = str(state.get("ExitCode", ""))
        if state.get("OOMKilled"):
            exit_code += " (killed: out of memory)"
        if state.get("Error"):
            exit_code += f" — {state['Error']}"
        self._form(
            [
                ("ID", attrs.get("Id", "")),
                ("Name", attrs.get("Name", "")),
                ("Image", f"{attrs.get('ImageName', '')}\n{attrs.get('Image', '')}"),
                ("Command", command_text(config.get("Cmd"))),
                ("Entrypoint", command_text(config.get("Entrypoint"))),
                ("Working dir", config.get("WorkingDir") or "/"),
                ("Created", when(attrs.get("Created"))),
                ("Started", when(state.get("StartedAt"))),
                ("Finished", when(state.get("FinishedAt"))),
                ("Exit code", exit_code if parse_time(state.get("FinishedAt")) else "—"),
                ("Health", status or "no health check"),
                ("Last check", last_check),
                ("Restart policy", f"{policy}; restarted {attrs.get('RestartCount', 0)} times"),
                ("Pod", f"{pod_name} ({pod[:12]})" if pod and pod_name else pod[:12]),
            ]
        )
        self._table("Ports", ["Container", "Host address", "Host port"], ports(attrs))
        self._table("Networks", ["Network", "Address", "Gateway", "MAC"], networks(attrs))
        mounts = [
            (
                m.get("Type", ""),
                m.get("Name") or m.get("Source", ""),
                m.get("Destination", ""),
                ("rw" if m.get("RW") else "ro") + (f", {m['Mode']}" if m.get("Mode") else ""),
            )
            for m in attrs.get("Mounts") or ()
        ]
        self._table("Mounts", ["Type", "Source", "Destination", "Mode"], mounts)
        self._env = [tuple(e.partition("=")[::2]) for e in config.get("Env") or ()]
        shown = [(k, MASK if is_secret(k) and k not in self._revealed else v) for k, v in self._env]
        self.env_table = self._table("Environment", ["Variable", "Value"], shown)
        if self.env_table is not None:
            self.env_table.cellClicked.connect(self._toggle_secret)
            for key in (QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)):
                enter = QShortcut(key, self.env_table, context=Qt.ShortcutContext.WidgetShortcut)
                enter.activated.connect(self._toggle_current_secret)
        labels = sorted((config.get("Labels") or {}).items())
        self._table("Labels", ["Label", "Value"], labels)
        self._heading("Resource limits")
        self._form(limits(host))

    def _toggle_current_secret(self) -> None:
        # Enter on either cell of a secret's row: the keyboard need not reach the value.
        if self.env_table is not None and self.env_table.currentRow() >= 0:
            self._toggle_secret(self.env_table.currentRow(), 1)

    def _toggle_secret(self, row: int, column: int) -> None:
        key, value = self._env[row]
        if column != 1 or not is_secret(key) or self.env_table is None:
            return
        if key in self._revealed:
            self._revealed.discard(key)
            self.env_table.item(row, 1).setText(MASK)
        else:
            self._revealed.add(key)
            self.env_table.item(row, 1).setText(value)
