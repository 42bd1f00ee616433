"""The rows of the run dialog's lists: how each row looks, what it holds (as
container_spec records) and what is wrong with it (run_checks' words, with the row's
number so the reason under the list says which row).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from app.engine import run_checks as checks
from app.engine.container_spec import MountSpec, NetworkSpec, PortSpec, SecretSpec
from app.ui.forms.row_list import Row, RowList

LOOPBACK = "127.0.0.1"
# Every interface is Podman's default, sent as no address: `-p 0.0.0.0:8080:80` and
# `-p 8080:80` both leave HostIp empty in inspect, so the preview uses the short form.
ALL_INTERFACES = ""
HOST_IPS = [
    (LOOPBACK, "127.0.0.1 (this computer only)"),
    (ALL_INTERFACES, "All interfaces (the network too)"),
]


def _edit(parent: QWidget, name: str, placeholder: str, width: int = 0) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    if width:
        edit.setMaximumWidth(width)
    return edit


def _combo(parent: QWidget, name: str, items: list[str], editable: bool = False) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.setEditable(editable)
    combo.addItems(items)
    if editable:
        completer = QCompleter(items, combo)
        completer.setFilterMode(completer.filterMode().MatchContains)
        combo.setCompleter(completer)
    return combo


def _text(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText().strip()
    return widget.text().strip()  # type: ignore[attr-defined]


def _problem(rows: RowList, n: int, reason: str) -> str:
    # Named by noun and number ("Port 2: …"): the reason shows under the whole list.
    return f"{rows.noun.capitalize()} {n}: {reason}" if reason else ""


# -- ports ---------------------------------------------------------------------------


def port_row(parent: QWidget) -> Row:
    host_ip = QComboBox(parent)
    host_ip.setAccessibleName("Host address")
    host_ip.setToolTip(
        "127.0.0.1: only programs on this computer reach the port. All interfaces: "
        "other computers on the network reach it too."
    )
    for value, label in HOST_IPS:
        host_ip.addItem(label, value)
    return {
        "host_ip": host_ip,
        "host_port": _edit(parent, "Host port", "host port (any free)", 150),
        "arrow": QLabel("→", parent),
        "container_port": _edit(parent, "Container port", "container port", 130),
        "protocol": _combo(parent, "Protocol", ["tcp", "udp"]),
    }


def read_ports(rows: RowList) -> tuple[list[PortSpec], str]:
    ports, problem = [], ""
    for n, row in enumerate(rows.rows, 1):
        host, inner = _text(row["host_port"]), _text(row["container_port"])
        reason = checks.port_number_problem(inner, "container port", optional=False)
        reason = reason or checks.port_number_problem(host, "host port", optional=True)
        if reason:
            problem = problem or _problem(rows, n, reason)
            continue
        ports.append(
            PortSpec(
                int(inner),
                int(host) if host else 0,
                row["host_ip"].currentData(),  # type: ignore[attr-defined]
                _text(row["protocol"]),
            )
        )
    # One host address, port and protocol can take one container port only; "all
    # interfaces" includes 127.0.0.1, so a port there clashes with it on any address.
    seen: dict[tuple[int, str], set[str]] = {}
    for p in ports:
        if not p.host_port:
            continue
        addresses = seen.setdefault((p.host_port, p.protocol), set())
        if not problem and (
            p.host_ip in addresses or (addresses and "" in addresses | {p.host_ip})
        ):
            problem = f"Host port {p.host_port}/{p.protocol} is published twice."
        addresses.add(p.host_ip)
    return ports, problem


def set_port(row: Row, port: PortSpec) -> None:
    combo: QComboBox = row["host_ip"]  # type: ignore[assignment]
    host_ip = "" if port.host_ip in ("", "0.0.0.0") else port.host_ip
    index = combo.findData(host_ip)
    if index < 0:
        combo.addItem(host_ip, host_ip)
        index = combo.count() - 1
    combo.setCurrentIndex(index)
    row["host_port"].setText(str(port.host_port) if port.host_port else "")  # type: ignore[attr-defined]
    row["container_port"].setText(str(port.container_port))  # type: ignore[attr-defined]
    row["protocol"].setCurrentText(port.protocol)  # type: ignore[attr-defined]


# -- volumes and bind mounts ----------------------------------------------------------

VOLUME, FOLDER = "Volume", "Host folder"


def mount_row_maker(
    volumes: Callable[[], list[str]], browse: Callable[[QLineEdit], None], selinux: bool
) -> Callable[[QWidget], Row]:
    def make(parent: QWidget) -> Row:
        kind = _combo(parent, "Mount kind", [VOLUME, FOLDER])
        kind.setToolTip(
            "A volume is storage Podman keeps (a new name creates one); a host folder "
            "is a directory of this computer shown inside the container"
        )
        source = _combo(parent, "Volume or folder", volumes(), editable=True)
        source.setCurrentText("")
        source.lineEdit().setPlaceholderText("volume name (new or existing)")
        browse_button = QToolButton(parent)
        browse_button.setText("…")
        browse_button.setToolTip("Choose a folder")
        browse_button.setAccessibleName("Choose a folder")
        browse_button.clicked.connect(lambda: browse(source.lineEdit()))
        browse_button.setVisible(False)

        def kind_changed(text: str) -> None:
            folder = text == FOLDER
            browse_button.setVisible(folder)
            source.lineEdit().setPlaceholderText(
                "/path/on/this/computer" if folder else "volume name (new or existing)"
            )

        kind.currentTextChanged.connect(kind_changed)
        target = _edit(parent, "Path in the container", "/path/in/container")
        read_only = QCheckBox("Read-only", parent)
        row: Row = {
            "kind": kind,
            "source": source,
            "browse": browse_button,
            "target": target,
            "read_only": read_only,
        }
        if selinux:
            label = _combo(parent, "SELinux label", ["no relabel", "z shared", "Z private"])
            label.setToolTip(
                "SELinux blocks containers from host files until they are relabelled: "
                "z lets several containers share them, Z gives them to this one only"
            )
            row["selinux"] = label
        return row

    return make


def read_mounts(rows: RowList) -> tuple[list[MountSpec], str]:
    mounts, problem = [], ""
    for n, row in enumerate(rows.rows, 1):
        folder = _text(row["kind"]) == FOLDER
        source, target = _text(row["source"]), _text(row["target"])
        if folder:
            reason = checks.path_problem(source, "host folder")
        else:
            reason = "" if source else "Name the volume (a new name creates it)."
            if source and not checks.NAME_PATTERN.match(source):
                reason = "A volume name uses letters, digits, “_”, “.” and “-”."
        reason = reason or checks.path_problem(target, "path in the container")
        if reason:
            problem = problem or _problem(rows, n, reason)
            continue
        selinux = ""
        if "selinux" in row:
            selinux = {"z shared": "z", "Z private": "Z"}.get(_text(row["selinux"]), "")
        mounts.append(
            MountSpec(
                "bind" if folder else "volume",
                source,
                target,
                row["read_only"].isChecked(),  # type: ignore[attr-defined]
                selinux,
            )
        )
    twice = checks.duplicates(m.target for m in mounts)
    if twice and not problem:
        problem = f"Two mounts use {twice[0]} in the container."
    return mounts, problem


def set_mount(row: Row, mount: MountSpec) -> None:
    row["kind"].setCurrentText(FOLDER if mount.kind == "bind" else VOLUME)  # type: ignore[attr-defined]
    row["source"].setCurrentText(mount.source)  # type: ignore[attr-defined]
    row["target"].setText(mount.target)  # type: ignore[attr-defined]
    row["read_only"].setChecked(mount.read_only)  # type: ignore[attr-defined]
    if "selinux" in row and mount.selinux:
        row["selinux"].setCurrentText({"z": "z shared", "Z": "Z private"}[mount.selinux])  # type: ignore[attr-defined]


# -- variables and labels -------------------------------------------------------------


def pair_row_maker(what: str) -> Callable[[QWidget], Row]:
    def make(parent: QWidget) -> Row:
        return {
            "key": _edit(parent, f"{what} name", "NAME" if what == "Variable" else "key", 220),
            "equals": QLabel("=", parent),
            "value": _edit(parent, f"{what} value", "value"),
        }

    return make


def read_pairs(rows: RowList, what: str) -> tuple[dict[str, str], str]:
    pairs: dict[str, str] = {}
    problem = ""
    for n, row in enumerate(rows.rows, 1):
        key = _text(row["key"])
        reason = checks.env_key_problem(key)
        if reason and what == "label":
            reason = "A label needs a key." if not key else ""
        if not reason and key in pairs:
            reason = f"“{key}” is set twice."
        if reason:
            problem = problem or _problem(rows, n, reason)
            continue
        pairs[key] = row["value"].text()  # type: ignore[attr-defined]
    return pairs, problem


def set_pair(row: Row, key: str, value: str) -> None:
    row["key"].setText(key)  # type: ignore[attr-defined]
    row["value"].setText(value)  # type: ignore[attr-defined]


# -- networks -------------------------------------------------------------------------


def network_row_maker(networks: Callable[[], list[str]]) -> Callable[[QWidget], Row]:
    def make(parent: QWidget) -> Row:
        return {
            "name": _combo(parent, "Network", networks(), editable=True),
            "ipv4": _edit(parent, "Static IPv4 address", "IPv4 (automatic)", 140),
            "ipv6": _edit(parent, "Static IPv6 address", "IPv6 (automatic)", 160),
            "aliases": _edit(parent, "Aliases", "aliases, comma-separated"),
        }

    return make


def read_networks(rows: RowList) -> tuple[list[NetworkSpec], str]:
    found, problem = [], ""
    for n, row in enumerate(rows.rows, 1):
        name, ipv4, ipv6 = _text(row["name"]), _text(row["ipv4"]), _text(row["ipv6"])
        reason = "" if name else "Choose a network."
        reason = reason or checks.ip_problem(ipv4, 4) or checks.ip_problem(ipv6, 6)
        aliases = [a.strip() for a in _text(row["aliases"]).split(",") if a.strip()]
        bad = [a for a in aliases if not checks.NAME_PATTERN.match(a)]
        reason = reason or (
            f"“{bad[0]}” cannot be an alias (letters, digits, _ . -)." if bad else ""
        )
        if reason:
            problem = problem or _problem(rows, n, reason)
            continue
        found.append(NetworkSpec(name, ipv4, ipv6, aliases))
    twice = checks.duplicates(n.name for n in found)
    if twice and not problem:
        problem = f"The network {twice[0]} is listed twice."
    return found, problem


def set_network(row: Row, network: NetworkSpec) -> None:
    row["name"].setCurrentText(network.name)  # type: ignore[attr-defined]
    row["ipv4"].setText(network.ipv4)  # type: ignore[attr-defined]
    row["ipv6"].setText(network.ipv6)  # type: ignore[attr-defined]
    row["aliases"].setText(", ".join(network.aliases))  # type: ignore[attr-defined]


# -- secrets --------------------------------------------------------------------------

AS_FILE, AS_ENV = "as a file in /run/secrets", "as a variable"


def secret_row_maker(secrets: Callable[[], list[str]]) -> Callable[[QWidget], Row]:
    def make(parent: QWidget) -> Row:
        return {
            "name": _combo(parent, "Secret", secrets()),
            "how": _combo(parent, "Given", [AS_FILE, AS_ENV]),
            "target": _edit(parent, "File or variable name", "file name (the secret's)"),
        }

    return make


def read_secrets(rows: RowList) -> tuple[list[SecretSpec], str]:
    found, problem = [], ""
    for n, row in enumerate(rows.rows, 1):
        name, target = _text(row["name"]), _text(row["target"])
        as_env = _text(row["how"]) == AS_ENV
        reason = "" if name else "There is no secret to choose: create one first."
        if not reason and as_env and target:
            reason = checks.env_key_problem(target)
        if not reason and "/" in target and not as_env:
            reason = "Give a file name, not a path."
        if reason:
            problem = problem or _problem(rows, n, reason)
            continue
        found.append(SecretSpec(name, as_env, target))
    return found, problem


def set_secret(row: Row, secret: SecretSpec) -> None:
    combo: QComboBox = row["name"]  # type: ignore[assignment]
    if combo.findText(secret.name) < 0:
        combo.addItem(secret.name)
    combo.setCurrentText(secret.name)
    row["how"].setCurrentText(AS_ENV if secret.as_env else AS_FILE)  # type: ignore[attr-defined]
    row["target"].setText(secret.target)  # type: ignore[attr-defined]
