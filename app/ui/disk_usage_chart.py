"""Podman's disk usage (``podman system df``) as bars: one per kind (images, containers,
volumes), split into what is in use and, in amber, what a clean-up could reclaim.
Drawn with QPainter (QtCharts is a large extra wheel).

Each bar is its own kind's whole: images often take a thousand times what volumes
take, and on one scale the small kinds' split would vanish. The sizes stand beside
each bar, so the kinds are still compared, by their numbers.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.engine.dto import DiskUsage
from app.models.humanize import size as human_size

RECLAIMABLE_LIGHT = "#e8a33d"
RECLAIMABLE_DARK = "#f0b450"
ROW_HEIGHT = 46
LABEL_WIDTH = 150
MIN_PART = 4  # px


def rows_of(usage: DiskUsage) -> list[tuple[str, str, int, int]]:
    """(kind, count line, size, reclaimable) for each kind df reports."""
    return [
        (
            "Images",
            f"{usage.images_count} · {usage.images_active} in use",
            usage.images_size,
            usage.images_reclaimable,
        ),
        (
            "Containers",
            f"{usage.containers_count} · {usage.containers_active} running",
            usage.containers_size,
            usage.containers_reclaimable,
        ),
        (
            "Volumes",
            f"{usage.volumes_count} · {usage.volumes_active} in use",
            usage.volumes_size,
            usage.volumes_reclaimable,
        ),
    ]


def describe(usage: DiskUsage) -> str:
    """The chart in words (its accessible description, and its tooltip)."""
    lines = [
        f"{kind}: {human_size(size)}, {human_size(reclaim)} reclaimable ({count})"
        for kind, count, size, reclaim in rows_of(usage)
    ]
    return "\n".join(lines)


class DiskUsageChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diskUsageChart")
        self.setAccessibleName("Disk usage chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.usage: DiskUsage | None = None
        self.setMinimumHeight(self.sizeHint().height())

    def set_usage(self, usage: DiskUsage | None) -> None:
        self.usage = usage
        text = describe(usage) if usage is not None else ""
        self.setAccessibleDescription(text)
        self.setToolTip(text)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(520, ROW_HEIGHT * 3 + 34)

    def _reclaim_color(self) -> QColor:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        return QColor(RECLAIMABLE_DARK if dark else RECLAIMABLE_LIGHT)

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        used_color = palette.color(QPalette.ColorRole.Highlight)
        reclaim_color = self._reclaim_color()
        track = palette.color(QPalette.ColorRole.Mid)
        track.setAlpha(70)
        if self.usage is None:
            painter.setPen(muted)
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), "Loading…")
            return
        rows = rows_of(self.usage)
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.9)
        numbers_width = 190
        bar_left = LABEL_WIDTH
        bar_width = max(60, self.width() - LABEL_WIDTH - numbers_width - 12)
        for index, (kind, count, size, reclaim) in enumerate(rows):
            top = index * ROW_HEIGHT
            painter.setFont(bold)
            painter.setPen(text)
            painter.drawText(QRectF(0, top + 4, LABEL_WIDTH - 8, 20), kind)
            painter.setFont(small)
            painter.setPen(muted)
            painter.drawText(QRectF(0, top + 22, LABEL_WIDTH - 8, 18), count)

            bar = QRectF(bar_left, top + 12, bar_width, 18)
            self._rounded(painter, bar, track)
            if size > 0:
                length = bar_width
                used = size - min(reclaim, size)
                used_length = length * used / size
                if reclaim > 0 and length - used_length < MIN_PART:
                    used_length = length - MIN_PART  # a little reclaimable still shows
                if used_length > 0:
                    self._rounded(painter, QRectF(bar.left(), bar.top(), length, 18), used_color)
                if reclaim > 0:
                    part = QRectF(bar.left() + used_length, bar.top(), length - used_length, 18)
                    self._rounded(painter, part, reclaim_color)

            numbers = QRectF(bar_left + bar_width + 12, top + 4, numbers_width, 20)
            painter.setFont(bold)
            painter.setPen(text)
            painter.drawText(numbers, human_size(size))
            painter.setFont(small)
            painter.setPen(muted)
            reclaim_text = f"{human_size(reclaim)} reclaimable" if reclaim else "nothing to reclaim"
            painter.drawText(QRectF(numbers.left(), top + 22, numbers_width, 18), reclaim_text)

        legend_top = ROW_HEIGHT * 3 + 8
        x = float(bar_left)
        painter.setFont(small)
        for color, label in ((used_color, "In use"), (reclaim_color, "Reclaimable")):
            self._rounded(painter, QRectF(x, legend_top + 4, 12, 12), color)
            painter.setPen(muted)
            painter.drawText(QRectF(x + 18, legend_top, 120, 20), label)
            x += 18 + painter.fontMetrics().horizontalAdvance(label) + 24

    @staticmethod
    def _rounded(painter: QPainter, rect: QRectF, color: QColor) -> None:
        path = QPainterPath()
        path.addRoundedRect(rect, 4, 4)
        painter.fillPath(path, color)
