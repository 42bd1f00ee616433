"""The System page: what Podman's disk holds (a chart, and the clean-up that frees it)
and what the service runs on (``podman info``): host, Podman, storage.

It asks when shown, on Refresh, after a clean-up and when the connection changes; the
answers come from the SystemOverview controller, off the GUI thread.

Signals:
    cleanup_requested(): the user asked for the clean-up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.controllers.session import Session
from app.controllers.system_overview import SystemOverview
from app.engine.dto import DiskUsage, SystemInfo
from app.engine.errors import PodmanError
from app.models.humanize import size as human_size
from app.support import log
from app.support.concurrency import TaskSet
from app.ui.disk_usage_chart import DiskUsageChart

_log = log.get("ui")


def muted(label: QLabel) -> QLabel:
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def info_rows(info: SystemInfo) -> dict[str, list[tuple[str, str]]]:
    """The page's three groups, as (title, value) rows."""
    memory = human_size(info.memory_total) if info.memory_total else ""
    if info.memory_total and info.memory_free:
        memory += f" ({human_size(info.memory_free)} free)"
    disk = ""
    if info.graph_root_allocated:
        disk = f"{human_size(info.graph_root_used)} used of {human_size(info.graph_root_allocated)}"
    cgroup = " · ".join(p for p in (info.cgroup_version, info.cgroup_manager) if p)
    return {
        "Host": [
            ("Host name", info.host),
            ("Operating system", info.distribution or info.os),
            ("Kernel", info.kernel),
            ("Architecture", f"{info.os}/{info.arch}" if info.arch else ""),
            ("CPUs", str(info.cpus) if info.cpus else ""),
            ("Memory", memory),
            ("Up for", info.uptime.partition(" (")[0]),
        ],
        "Podman": [
            ("Version", info.podman_version),
            ("API version", info.api_version),
            ("Mode", "rootless" if info.rootless else "rootful (runs as root)"),
            ("OCI runtime", " · ".join(p for p in (info.runtime, info.runtime_version) if p)),
            ("Network backend", info.network_backend),
            ("cgroups", cgroup),
            (
                "Registries searched",
                ", ".join(info.registries) or "none (short names need a full reference)",
            ),
            ("API socket", info.socket_path),
            ("Events and logs", " · ".join(p for p in (info.events_logger, info.log_driver) if p)),
            ("Built with", " · ".join(p for p in (info.go_version, info.buildah_version) if p)),
        ],
        "Storage": [
            ("Storage driver", info.storage_driver),
            ("Images and containers", info.graph_root),
            ("Run root", info.run_root),
            ("Volumes", info.volume_path),
            ("Disk of the store", disk),
            ("Configuration", info.config_file),
        ],
    }


class SystemPage(QWidget):
    cleanup_requested = Signal()

    title = "System"

    def __init__(self, overview: SystemOverview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("systemPage")
        self.overview = overview
        self.session: Session | None = None
        self.info: SystemInfo | None = None
        self.usage: DiskUsage | None = None
        self.tasks = TaskSet("system page", _log)
        self._loading_for: Session | None = None  # the session a load in flight is for
        # Set when the widget is deleted: a late answer then has nowhere to go. A lambda
        # over a plain object, not a method: Qt drops a dying receiver's slots first.
        # (Its tasks are not cancelled here: at exit the loop may already be closed.)
        state = self._state = {"gone": False}
        self.destroyed.connect(lambda *_a: state.update(gone=True))

        heading = QLabel("Disk usage", self)
        font = QFont(heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        heading.setFont(font)
        self.summary = muted(QLabel(self))
        self.summary.setObjectName("diskSummary")
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Ask Podman again (podman info, podman system df)")
        self.refresh_button.clicked.connect(self.refresh)
        self.cleanup_button = QPushButton("Clean Up…", self)
        self.cleanup_button.setObjectName("cleanupButton")
        self.cleanup_button.setToolTip(
            "See exactly what a clean-up would remove and free, then choose"
        )
        self.cleanup_button.clicked.connect(self.cleanup_requested)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.cleanup_button)
        self.chart = DiskUsageChart(self)
        self.error = QLabel(self)
        self.error.setObjectName("systemError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d1453b;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        self.groups: dict[str, QFormLayout] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        for index, name in enumerate(("Podman", "Host", "Storage")):
            box = QGroupBox(name, self)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
            self.groups[name] = form
            if name == "Storage":
                grid.addWidget(box, 1, 0, 1, 2)
            else:
                # No alignment: an aligned item gets its size hint, not the height its
                # wrapped values need at its width.
                grid.addWidget(box, 0, index)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 4, 8, 8)
        column.setSpacing(8)
        column.addLayout(top)
        column.addWidget(self.summary)
        column.addWidget(self.chart)
        column.addWidget(self.error)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        column.addWidget(line)
        about = QLabel("About this Podman", self)
        about.setFont(font)
        column.addWidget(about)
        column.addLayout(grid)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("systemScroll")
        scroll.setAccessibleName("System")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._show_empty("Not connected to Podman.")

    # -- session ---------------------------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.info = self.usage = None
        self.chart.set_usage(None)
        self._show_empty("Not connected to Podman." if session is None else "Loading…")
        self.cleanup_button.setEnabled(session is not None)
        self.refresh_button.setEnabled(session is not None)
        if session is not None and self.isVisible():
            self.refresh()

    def focus_order(self) -> list[QWidget]:
        """Tab reaches the page's buttons right after the sidebar."""
        return [self.refresh_button, self.cleanup_button]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # Every time the page is opened: what the disk holds changes with every list.
        self.refresh()

    def refresh(self) -> None:
        if self.session is not None and self._loading_for is not self.session:
            self.tasks.spawn(self.load())

    async def load(self) -> None:
        session = self._loading_for = self.session
        self.refresh_button.setEnabled(False)
        try:
            info, usage = await self.overview.load()
        except PodmanError as exc:
            if not self._gone and session is self.session:
                self.error.setText(f"Podman did not say: {exc}")
                self.error.show()
            return
        finally:
            if self._loading_for is session:
                self._loading_for = None
            if not self._gone:
                self.refresh_button.setEnabled(self.session is not None)
        if self._gone or session is not self.session:
            return
        self.error.hide()
        self.show_data(info, usage)

    @property
    def _gone(self) -> bool:
        return self._state["gone"]

    # -- painting --------------------------------------------------------------------

    def show_data(self, info: SystemInfo, usage: DiskUsage) -> None:
        self.info, self.usage = info, usage
        self.chart.set_usage(usage)
        self.summary.setText(
            f"Podman's objects take {human_size(usage.total_size)}; "
            f"{human_size(usage.reclaimable)} of it could be reclaimed."
        )
        for name, rows in info_rows(info).items():
            form = self.groups[name]
            while form.rowCount():
                form.removeRow(0)
            for title, value in rows:
                label = QLabel(value or "—", self)
                label.setObjectName(f"info:{title}")
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setWordWrap(True)
                form.addRow(muted(QLabel(f"{title}:", self)), label)

    def value(self, title: str) -> str:
        """The text shown for ``title`` ("Version", "Storage driver"…), "" if none."""
        label = self.findChild(QLabel, f"info:{title}")
        return label.text() if label is not None else ""

    def _show_empty(self, text: str) -> None:
        self.summary.setText(text)
        for form in self.groups.values():
            while form.rowCount():
                form.removeRow(0)
