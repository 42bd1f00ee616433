"""The Stats tab: live CPU, memory, network, block I/O and PIDs, with 5-minute charts.

Its ContainerStats controller reads the stream only while the tab is visible (show/hide
events) and the container runs; the history stays as long as the window, so coming back
shows where the gap was. A container that is not running gets plain words instead of
empty charts: that it is not running, and the last figures read if this window saw it
run. Charts are drawn with QPainter (no QtCharts).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.controllers.container_stats import ContainerStats
from app.engine.streams.records import HISTORY_SECONDS, StatsHistory, StatsSample, StreamState
from app.models import humanize
from app.models.container_status import ContainerStatus as S
from app.ui.inspector.not_running import NotRunningPage, RunState, clock

Series = tuple[str, str, Sequence[tuple[float, float]]]  # (name, colour, (t, value) points)


def rate_text(per_second: float) -> str:
    return f"{humanize.size(int(per_second))}/s"


class ChartWidget(QWidget):
    """A line chart of the last ``span`` seconds, newest at the right edge."""

    def __init__(self, title: str, value_text: Callable[[float], str], parent=None) -> None:
        super().__init__(parent)
        self.title = title
        self.value_text = value_text
        self.span = HISTORY_SECONDS
        self.series: list[Series] = []
        self.floor = 1.0  # the smallest top of the scale
        self.now = 0.0
        self.end_label = "now"  # what the right edge is: "now", or when the readings stopped
        self.setMinimumSize(260, 150)

    @property
    def collecting(self) -> bool:
        """Too few readings for a line yet: the chart says so instead of looking empty."""
        return all(len(points) < 2 for _name, _color, points in self.series)

    def set_series(
        self, series: list[Series], now: float, floor: float = 1.0, end_label: str = "now"
    ) -> None:
        self.series, self.now, self.floor, self.end_label = series, now, floor, end_label
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.text().color()
        grid = QColor(text)
        grid.setAlpha(40)
        metrics = painter.fontMetrics()
        line_h = metrics.height()
        top_value = max([self.floor] + [v for _n, _c, pts in self.series for _t, v in pts]) * 1.1
        label_w = metrics.horizontalAdvance(self.value_text(top_value)) + 8
        plot = QRectF(
            label_w, line_h + 6, self.width() - label_w - 8, self.height() - 2 * line_h - 12
        )
        painter.fillRect(self.rect(), pal.base())
        painter.setPen(text)
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QPointF(label_w, line_h), self.title)
        font.setBold(False)
        painter.setFont(font)
        # the legend, right-aligned on the title line
        x = self.width() - 8
        for name, color, pts in reversed(self.series):
            latest = self.value_text(pts[-1][1]) if pts else "—"
            label = f"{name} {latest}"
            x -= metrics.horizontalAdvance(label)
            painter.setPen(QColor(color))
            painter.drawText(QPointF(x, line_h), label)
            x -= 14
        # grid and scale
        painter.setPen(QPen(grid, 1))
        for i in range(5):
            y = plot.top() + plot.height() * i / 4
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            value = top_value * (4 - i) / 4
            painter.drawText(
                QRectF(0, y - line_h / 2, label_w - 4, line_h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                self.value_text(value),
            )
            painter.setPen(QPen(grid, 1))
        for minute in range(0, int(self.span // 60) + 1):
            x = plot.right() - plot.width() * minute * 60 / self.span
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(text)
            label = self.end_label if minute == 0 else f"-{minute}m"
            left = min(max(x - 30, plot.left() - 8), self.width() - 62)
            painter.drawText(
                QRectF(left, plot.bottom() + 2, 60, line_h),
                int(Qt.AlignmentFlag.AlignHCenter),
                label,
            )
            painter.setPen(QPen(grid, 1))
        # the lines; a gap of more than 5 s (the tab was hidden) breaks a line
        painter.setClipRect(plot.adjusted(-1, -1, 1, 1))
        for _name, color, pts in self.series:
            path = QPainterPath()
            last_t = None
            for t, v in pts:
                x = plot.right() - plot.width() * (self.now - t) / self.span
                y = plot.bottom() - plot.height() * v / top_value
                if last_t is None or t - last_t > 5:
                    path.moveTo(x, y)
                else:
                    path.lineTo(x, y)
                last_t = t
            painter.setPen(QPen(QColor(color), 1.6))
            painter.drawPath(path)
        if self.collecting:
            painter.setPen(pal.placeholderText().color())
            painter.drawText(
                plot, int(Qt.AlignmentFlag.AlignCenter), "Collecting… a reading every second"
            )
        painter.end()


class StatsTab(QWidget):
    """Signals: sampled(StatsSample): a reading arrived and is shown."""

    sampled = Signal(object)

    def __init__(self, controller: ContainerStats, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        controller.sampled.connect(self._on_sample)
        controller.state_changed.connect(self._on_state)
        controller.running_changed.connect(self._on_running_changed)
        self.memory_limited = False  # set from HostConfig.Memory by the window
        self.run_state: RunState | None = None  # set by the window once it read the container
        self._stream_text = ""  # what the reader last said, while it is not connected
        self.values: dict[str, QLabel] = {}
        self.cards = QWidget(self)
        cards = QGridLayout(self.cards)
        cards.setContentsMargins(0, 0, 0, 0)
        for column, (key, title) in enumerate(
            [
                ("cpu", "CPU"),
                ("memory", "Memory"),
                ("network", "Network rx / tx"),
                ("block", "Block I/O read / write"),
                ("pids", "PIDs"),
            ]
        ):
            caption = QLabel(title)
            caption.setStyleSheet("color: palette(placeholder-text);")
            value = QLabel("—")
            value.setObjectName(f"stats:{key}")
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            font.setBold(True)
            value.setFont(font)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            cards.addWidget(caption, 0, column)
            cards.addWidget(value, 1, column)
            self.values[key] = value
        self.detail = QLabel("", self)
        self.detail.setStyleSheet("color: palette(placeholder-text);")
        self.cpu_chart = ChartWidget("CPU", lambda v: f"{v:.0f}%" if v >= 10 else f"{v:.1f}%")
        self.mem_chart = ChartWidget("Memory", lambda v: humanize.size(int(v)))
        self.net_chart = ChartWidget("Network", rate_text)
        self.block_chart = ChartWidget("Block I/O", rate_text)
        self.charts = (self.cpu_chart, self.mem_chart, self.net_chart, self.block_chart)
        charts = QGridLayout()
        charts.addWidget(self.cpu_chart, 0, 0)
        charts.addWidget(self.mem_chart, 0, 1)
        charts.addWidget(self.net_chart, 1, 0)
        charts.addWidget(self.block_chart, 1, 1)
        self.live = QWidget(self)
        live = QVBoxLayout(self.live)
        live.setContentsMargins(0, 0, 0, 0)
        live.addWidget(self.cards)
        live.addWidget(self.detail)
        live.addLayout(charts, 1)
        self.not_running = NotRunningPage("statsNotRunning", self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.live)
        self.pages.addWidget(self.not_running)
        # Above the cards when the container stopped: the figures below are its last.
        self.notice = QLabel("", self)
        self.notice.setObjectName("statsNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 4px; padding: 6px; }"
        )
        self.notice.hide()
        self.status = QLabel("", self)
        self.status.setObjectName("statsStatus")
        self.status.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.status)
        self._render()

    @property
    def container_id(self) -> str:
        return self.controller.container_id

    @container_id.setter
    def container_id(self, container_id: str) -> None:
        self.controller.container_id = container_id

    @property
    def history(self) -> StatsHistory:
        return self.controller.history

    @property
    def streaming(self) -> bool:
        return self.controller.streaming

    def set_enabled_streaming(self, enabled: bool) -> None:
        """Off for a removed container or a closed window."""
        self.controller.set_enabled(enabled)
        if not enabled:
            self._stream_text = "No longer read: these are the last figures."
            self._render()

    def set_run_state(self, state: RunState) -> None:
        """The container's state as the window last read it."""
        self.run_state = state
        if state.running is not None:
            self.controller.set_running(state.running)  # re-renders when it changed
        self._render()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self.stop()

    def start(self) -> None:
        if self.controller.start():
            self._stream_text = "Connecting…"
        self._render()

    def stop(self) -> None:
        if self.controller.stop():
            self._stream_text = ""

    def _on_running_changed(self, _running: bool) -> None:
        # What the last reader said is over: a new one is connecting, or none runs.
        self._stream_text = "Connecting…" if self.controller.streaming else ""
        self._render()

    def _on_state(self, state: StreamState, reason: str) -> None:
        if state is StreamState.CONNECTING and not reason:
            self._stream_text = "Connecting…"
        elif state is StreamState.CONNECTED:
            self._stream_text = ""
        else:
            self._stream_text = f"No stats: {reason}"
        self._render()

    def _on_sample(self, sample: StatsSample) -> None:
        rates = self.history.latest_rates
        memory = humanize.size(sample.mem_used)
        if sample.mem_limit:
            memory += f" / {humanize.size(sample.mem_limit)}"
            if not self.memory_limited:
                memory += " (no limit: the host's memory)"
        self.values["cpu"].setText(f"{sample.cpu_percent:.1f}%")
        self.values["memory"].setText(memory)
        if self.history.rates:  # a rate needs two readings
            self.values["network"].setText(f"{rate_text(rates.net_rx)} / {rate_text(rates.net_tx)}")
            self.values["block"].setText(
                f"{rate_text(rates.block_read)} / {rate_text(rates.block_write)}"
            )
        self.values["pids"].setText(str(sample.pids))
        self.detail.setText(
            f"Memory {sample.mem_percent:.1f}% of the limit · received "
            f"{humanize.size(sample.net_rx)}, sent {humanize.size(sample.net_tx)} · read "
            f"{humanize.size(sample.block_read)}, written {humanize.size(sample.block_write)}"
        )
        self._render()
        self.sampled.emit(sample)

    # -- what the tab says -------------------------------------------------------------

    def _render(self) -> None:
        """Show the page and words that fit the container's state and the readings."""
        latest = self.history.latest
        stopped = self.controller.running is False and self.run_state is not None
        if stopped and latest is None:
            self._say_not_running()
            return
        self.pages.setCurrentWidget(self.live)
        # Figures of a container that stopped are its last, not live ones: greyed.
        self.cards.setEnabled(not stopped)
        self.detail.setEnabled(not stopped)
        self.notice.setVisible(stopped)
        if stopped:
            self.notice.setText(self._last_figures_text())
            self.status.setText("")
            self._redraw(latest.at, "stopped")
            return
        self.status.setText(self._live_text())
        self._redraw(time.monotonic(), "now")

    def _say_not_running(self) -> None:
        state = self.run_state
        self.notice.hide()
        self.status.setText("")
        self.pages.setCurrentWidget(self.not_running)
        self.not_running.say(
            "Not running",
            f"{state.name} {state.stopped_words()}. A container uses CPU, memory, network "
            "and disk only while it runs: start it to watch them here, live.",
        )

    def _last_figures_text(self) -> str:
        state = self.run_state
        since = f" since {clock(state.finished_at)}" if state.finished_at else ""
        code = f" (exit code {state.exit_code})" if state.exit_code is not None else ""
        read = clock(self.controller.read_at(self.history.latest))
        return (
            f"Not running{since}{code}. These are the last figures read, at {read}; "
            "start the container to watch it live again."
        )

    def _live_text(self) -> str:
        if self.controller.running is None:
            return "Reading the container's state…"
        if self._stream_text:
            return self._stream_text
        kept = f"the charts keep the last {HISTORY_SECONDS // 60} minutes while this window is open"
        if len(self.history.samples) < 2:
            return f"Collecting: a reading every second; {kept}."
        if self.run_state is not None and self.run_state.status is S.PAUSED:
            return f"Paused: its memory stays, its CPU reads zero; {kept}."
        return f"Live: a reading every second; {kept}."

    def _redraw(self, now: float, end_label: str) -> None:
        samples = self.history.samples
        rates = self.history.rates
        self.cpu_chart.set_series(
            [("CPU", "#3b8eea", [(s.at, s.cpu_percent) for s in samples])], now, 5, end_label
        )
        mem_series = [("used", "#23a06b", [(s.at, float(s.mem_used)) for s in samples])]
        self.mem_chart.set_series(mem_series, now, 1e6, end_label)
        self.net_chart.set_series(
            [
                ("rx", "#3b8eea", [(t, r.net_rx) for t, r in rates]),
                ("tx", "#d670d6", [(t, r.net_tx) for t, r in rates]),
            ],
            now,
            1e3,
            end_label,
        )
        self.block_chart.set_series(
            [
                ("read", "#d7a025", [(t, r.block_read) for t, r in rates]),
                ("write", "#cd3131", [(t, r.block_write) for t, r in rates]),
            ],
            now,
            1e3,
            end_label,
        )
