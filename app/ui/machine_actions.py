"""Managing machines and connections: create, start, stop, restart, remove, rootful,
set as default, a terminal in the machine; add, test, set default and remove remote
connections. Commands run through the machine and remote-connection controllers (off
the GUI thread); their output streams into the window with progress and a Cancel button.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Coroutine

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.remote_connection import RemoteConnectionController
from app.engine.cli.machine_cli import MachineSpec
from app.engine.cli.machines import MachineAvailability, MachineListing
from app.engine.connection import Connection, machine_connection_name
from app.models import humanize


class InitMachineDialog(QDialog):
    """The options of ``podman machine init``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("initMachineDialog")
        self.setWindowTitle("Create Machine")
        self.name = QLineEdit("podman-machine-default", self)
        self.cpus = QSpinBox(self, minimum=1, maximum=64, value=2)
        self.memory = QSpinBox(self, minimum=512, maximum=262144, value=2048, singleStep=512)
        self.memory.setSuffix(" MiB")
        self.disk = QSpinBox(self, minimum=10, maximum=4096, value=100)
        self.disk.setSuffix(" GiB")
        self.rootful = QCheckBox("&Rootful (containers run as root inside the machine)", self)
        self.image = QLineEdit(self)
        self.image.setPlaceholderText("Podman's default image")
        browse = QPushButton("&Browse…", self)
        browse.setToolTip("Choose a machine disk image file")
        browse.clicked.connect(self._browse)
        image_row = QHBoxLayout()
        image_row.addWidget(self.image, 1)
        image_row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("&Name:", self.name)
        form.addRow("&CPUs:", self.cpus)
        form.addRow("&Memory:", self.memory)
        form.addRow("&Disk size:", self.disk)
        form.addRow("", self.rootful)
        image_label = QLabel("&Image (optional):", self)
        image_label.setBuddy(self.image)
        form.addRow(image_label, image_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a machine image")
        if path:
            self.image.setText(path)

    def spec(self) -> MachineSpec:
        return MachineSpec(
            name=self.name.text().strip(),
            cpus=self.cpus.value(),
            memory_mib=self.memory.value(),
            disk_gib=self.disk.value(),
            rootful=self.rootful.isChecked(),
            image=self.image.text().strip(),
        )


# A screen reader says a button's name, then its tooltip. The machine's and the remote
# connection's "Set as Default" and "Remove…" get names that tell them apart (each keeps
# its visible label in it, for those who speak a button's label to press it).
_BUTTON_HELP = {
    "init": ("", "Create a Podman machine (podman machine init)"),
    "start": ("", "Start the selected machine"),
    "stop": ("", "Stop the selected machine"),
    "restart": ("", "Stop and start the selected machine"),
    "remove": ("Remove machine", "Remove the selected machine with its disk and containers"),
    "rootful": ("", "Switch the selected machine between rootful and rootless"),
    "default": ("Set as Default (machine)", "Make the selected machine Podman's default"),
    "terminal": ("", "Open a terminal in the selected machine"),
    "remote-add": ("", "Reach Podman on another computer over SSH"),
    "remote-test": ("", "Check that the selected connection answers"),
    "remote-default": ("Set as Default (connection)", "Make it Podman's default connection"),
    "remote-remove": ("Remove connection", "Remove it from Podman's list; nothing remote changes"),
}


def _list_title(text: str, buddy: QWidget) -> QLabel:
    """A bold title over a list whose Alt+letter moves the keyboard into the list."""
    label = QLabel(text, buddy.parentWidget())
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setBuddy(buddy)
    return label


class ManageMachinesDialog(QDialog):
    """Machines and remote connections, with their actions and the CLI's output.

    Signals:
        add_remote_requested(): the remote list's Add… button.
    """

    add_remote_requested = Signal()

    def __init__(
        self,
        manager: ConnectionManager,
        controller: MachineController,
        remotes: RemoteConnectionController,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("manageMachinesDialog")
        self.setWindowTitle("Machines and Connections")
        self.manager, self.controller, self.spawn = manager, controller, spawn
        self.remote_connections = remotes  # (self.remotes is the list of them)
        self.machines = QTreeWidget(self)
        self.machines.setObjectName("machineList")
        self.machines.setAccessibleName("Machines")
        self.machines.setHeaderLabels(["Machine", "State", "CPUs", "Memory", "Disk", "Default"])
        self.machines.setRootIsDecorated(False)
        self.machines.itemSelectionChanged.connect(self._update_buttons)
        self.machines.header().resizeSection(0, 200)
        # What the list would hold, said once, in the list's place while it is empty (no
        # machines, or none can be listed): why, and what to do about it.
        self.explanation = empty_state("Asking <code>podman machine list</code>…", self)
        self.explanation.setObjectName("machinesExplanation")
        self.machine_stack = stacked(self, self.machines, self.explanation)
        self.buttons: dict[str, QPushButton] = {}
        machine_row = QHBoxLayout()
        for key, label in (
            ("init", "Create…"),
            ("start", "Start"),
            ("stop", "Stop"),
            ("restart", "Restart"),
            ("remove", "Remove…"),
            ("rootful", "Rootful"),
            ("default", "Set as Default"),
            ("terminal", "Terminal"),
        ):
            button = QPushButton(label, self)
            button.setObjectName(f"machine-{key}")
            button.clicked.connect(lambda _=False, k=key: self._on_machine_button(k))
            machine_row.addWidget(button)
            self.buttons[key] = button
        machine_row.addStretch(1)
        self.remotes = QTreeWidget(self)
        self.remotes.setObjectName("remoteList")
        self.remotes.setAccessibleName("Remote connections")
        self.remotes.setHeaderLabels(["Connection", "Address", "Default"])
        self.remotes.setRootIsDecorated(False)
        self.remotes.header().resizeSection(0, 160)
        self.remotes.header().resizeSection(1, 440)
        self.remotes.itemSelectionChanged.connect(self._update_buttons)
        self.no_remotes = empty_state(
            "No remote connections. Press <b>Add…</b> to reach Podman on another computer "
            "over SSH.",
            self,
        )
        self.no_remotes.setObjectName("remotesEmpty")
        self.remote_stack = stacked(self, self.remotes, self.no_remotes)
        remote_row = QHBoxLayout()
        for key, label in (
            ("add", "Add…"),
            ("test", "Test"),
            ("default", "Set as Default"),
            ("remove", "Remove…"),
        ):
            button = QPushButton(label, self)
            button.setObjectName(f"remote-{key}")
            button.clicked.connect(lambda _=False, k=key: self._on_remote_button(k))
            remote_row.addWidget(button)
            self.buttons[f"remote-{key}"] = button
        self.buttons["remote-add"].clicked.disconnect()
        self.buttons["remote-add"].clicked.connect(self.add_remote_requested)
        remote_row.addStretch(1)
        self.progress_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("machineProgress")
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setObjectName("machineCancel")
        self.cancel.clicked.connect(controller.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel)
        self.output = QPlainTextEdit(self)
        self.output.setObjectName("machineOutput")
        self.output.setAccessibleName("Command output")
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(5000)
        for key, (name, tip) in _BUTTON_HELP.items():
            self.buttons[key].setToolTip(tip)
            if name:
                self.buttons[key].setAccessibleName(name)
        self.output.setPlaceholderText(
            "Nothing has run yet. What Podman prints while a machine or connection command "
            "runs appears here."
        )
        layout = QVBoxLayout(self)
        layout.addWidget(_list_title("&Machines", self.machines))
        layout.addWidget(self.machine_stack, 2)
        layout.addLayout(machine_row)
        layout.addWidget(_list_title("Remote &connections", self.remotes))
        layout.addWidget(self.remote_stack, 1)
        layout.addLayout(remote_row)
        layout.addWidget(_list_title("Command o&utput", self.output))
        layout.addLayout(progress_row)
        layout.addWidget(self.output, 2)
        controller.output.connect(self.output.appendPlainText)
        controller.progress.connect(self._on_progress)
        controller.busy_changed.connect(self._on_busy)
        controller.finished.connect(self._on_finished)
        controller.listing_changed.connect(self.show_listing)
        manager.discovery_changed.connect(lambda _d: self.show_remotes())
        self._on_busy(controller.busy)
        if controller.listing is not None:
            self.show_listing(controller.listing)
        self.show_remotes()
        self.resize(760, 600)

    # -- lists ------------------------------------------------------------------------

    def show_listing(self, listing: MachineListing) -> None:
        selected = self.selected_machine()
        self.machines.clear()
        self.explanation.setText(explain(listing))
        empty = not listing.machines
        self.machine_stack.setCurrentWidget(self.explanation if empty else self.machines)
        for m in listing.machines:
            item = QTreeWidgetItem(
                [
                    m.name,
                    m.state.capitalize(),
                    str(m.cpus or ""),
                    humanize.size(m.memory) if m.memory else "",
                    humanize.size(m.disk_size) if m.disk_size else "",
                    "Default" if m.default else "",
                ]
            )
            self.machines.addTopLevelItem(item)
            if m.name == selected:
                item.setSelected(True)
        self._update_buttons()

    def show_remotes(self) -> None:
        selected = self.selected_remote()
        self.remotes.clear()
        for c in self.manager.discovery.connections:
            if c.is_ssh and not c.is_machine:
                item = QTreeWidgetItem([c.name, c.uri, "Default" if c.is_default else ""])
                self.remotes.addTopLevelItem(item)
                if selected is not None and c.name == selected.name:
                    item.setSelected(True)
        empty = self.remotes.topLevelItemCount() == 0
        self.remote_stack.setCurrentWidget(self.no_remotes if empty else self.remotes)
        self._update_buttons()

    def selected_machine(self) -> str:
        items = self.machines.selectedItems()
        return items[0].text(0) if items else ""

    def selected_remote(self) -> Connection | None:
        items = self.remotes.selectedItems()
        return self.manager.discovery.by_name(items[0].text(0)) if items else None

    # -- actions ----------------------------------------------------------------------

    def _on_machine_button(self, key: str) -> None:
        name = self.selected_machine()
        if key == "init":
            dialog = InitMachineDialog(self)
            if dialog.exec() and dialog.spec().name:
                self.controller.init(dialog.spec())
            return
        if not name:
            return
        if key == "remove":
            answer = QMessageBox.question(
                self,
                "Remove machine",
                f"Remove the machine “{name}” with its disk image and its containers?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.controller.remove(name)
        elif key == "rootful":
            self.controller.set_rootful(name, not self._is_rootful(name))
        elif key == "default":
            self.controller.set_machine_default(name)
        elif key == "terminal":
            problem = self.controller.open_terminal(name)
            if problem:
                self.output.appendPlainText(problem)
        else:
            getattr(self.controller, key)(name)

    def _is_rootful(self, name: str) -> bool:
        if name in self.controller.rootful:
            return self.controller.rootful[name]
        # Without `machine inspect`: a rootful machine's default connection is its -root twin.
        default = self.manager.discovery.default
        return default is not None and default.name == machine_connection_name(name, True)

    def _on_remote_button(self, key: str) -> None:
        remote = self.selected_remote()
        if remote is None:
            return
        if key == "test":
            self.spawn(self._test(remote))
        elif key == "default":
            self.controller.set_default(remote.name)
        elif key == "remove":
            answer = QMessageBox.question(
                self,
                "Remove connection",
                f"Remove the connection “{remote.name}” from Podman's list? "
                "Nothing on the remote host changes.",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.controller.remove_connection(remote.name)

    async def _test(self, remote: Connection) -> None:
        self.output.appendPlainText(f"Testing {remote.name} ({remote.uri})…")
        self.output.appendPlainText(await self.remote_connections.test(remote))

    # -- progress ---------------------------------------------------------------------

    def _on_progress(self, label: str, step: int, total: int) -> None:
        self.progress_label.setText(
            f"{label}… (step {step} of {total})" if total > 1 else f"{label}…"
        )

    def _on_busy(self, busy: bool) -> None:
        self.progress.setRange(0, 0 if busy else 1)
        self.progress.setValue(0 if busy else 1)
        self.progress.setVisible(busy)
        self.cancel.setVisible(busy)
        self.progress_label.setVisible(busy)  # the row takes no room while nothing runs
        if not busy:
            self.progress_label.setText("")
        self._update_buttons()

    def _on_finished(self, action: str, name: str, ok: bool, message: str) -> None:
        self.output.appendPlainText(
            f"✓ {action} {name}: done" if ok else f"✗ {action} {name}: {message}"
        )

    def _update_buttons(self) -> None:
        busy = self.controller.busy
        available = self.controller.available
        name = self.selected_machine()
        machine = self.controller.machine(name) if name else None
        running = machine is not None and (machine.running or machine.starting)
        enabled = {
            "init": available and not busy,
            "start": machine is not None and not running and not busy,
            "stop": running and not busy,
            "restart": running and not busy,
            "remove": machine is not None and not busy,
            "rootful": machine is not None and not busy,
            "default": machine is not None and not busy,
            "terminal": running,
        }
        for key, on in enabled.items():
            self.buttons[key].setEnabled(on)
        if name:
            rootful = self._is_rootful(name)
            self.buttons["rootful"].setText("Make Rootless" if rootful else "Make Rootful")
        # Like the machine buttons, the remote ones act on the selected connection.
        remote = self.selected_remote() is not None
        self.buttons["remote-test"].setEnabled(remote)
        for key in ("remote-default", "remote-remove"):
            self.buttons[key].setEnabled(remote and not busy)


def empty_state(text: str, parent: QWidget) -> QLabel:
    """A framed paragraph that stands where an empty list would be."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setMargin(12)
    label.setAutoFillBackground(True)
    label.setBackgroundRole(QPalette.ColorRole.Base)
    return label


def stacked(parent: QWidget, *pages: QWidget) -> QStackedWidget:
    stack = QStackedWidget(parent)
    for page in pages:
        stack.addWidget(page)
    stack.setCurrentWidget(pages[-1])
    return stack


def explain(listing: MachineListing) -> str:
    """Why the machine list is empty (none yet, root, no podman, …), as rich text; ""
    when it is not."""
    message = html.escape(listing.message)
    if listing.availability is MachineAvailability.OK:
        return (
            ""
            if listing.machines
            else (
                "No machines yet. Press <b>Create…</b> to make one. On Linux you do not need "
                "one: Podman runs containers natively; a machine is the VM Podman runs in on "
                "macOS and Windows."
            )
        )
    if listing.availability is MachineAvailability.REFUSED_AS_ROOT:
        return (
            f"{message} Run the app as a regular user to use machines; remote "
            "connections below work as root too."
        )
    if listing.availability is MachineAvailability.PODMAN_MISSING:
        return "Podman is not installed, so there are no machines to manage."
    return f"Machines cannot be listed: {message}"
