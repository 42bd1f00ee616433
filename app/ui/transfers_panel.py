"""The transfers panel: every long operation of the app (pulls, pushes, builds, saves…)
in one list, each with its title, state, progress, Cancel while it runs, Clear once it
ended, and Podman's words when it failed. It knows operations only through their
generic face (title, kind, state, last_progress, error), so new kinds need nothing here.

A dock of the main window, toggled from the status bar's "Transfers (N)" button and the
View menu.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.controllers.operations import Operation, Operations, OperationState
from app.controllers.transfers import explain
from app.models.transfer_progress import TransferProgress
from app.ui.forms.form_dialog import ERROR_STYLE

STATE_WORDS = {
    OperationState.RUNNING: "Running",
    OperationState.DONE: "Done",
    OperationState.FAILED: "Failed",
    OperationState.CANCELLED: "Cancelled",
}


class OperationRow(QFrame):
    """One operation: title and state, a bar and a line, and Cancel or Clear."""

    def __init__(self, operation: Operation, operations: Operations, parent: QWidget) -> None:
        super().__init__(parent)
        self.operation = operation
        self.operations = operations
        self.setObjectName(f"transfer:{operation.title}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._progress = TransferProgress()
        self.title = QLabel(operation.title, self)
        self.title.setObjectName("transferTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setToolTip(operation.title)
        # Long references and Podman's long words must not widen the dock: the labels
        # take the width they are given and wrap (or clip, the tooltip has it all).
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state = QLabel(self)
        self.state.setObjectName("transferState")
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.bar.setAccessibleName(f"Progress of {operation.title}")
        self.detail = QLabel(self)
        self.detail.setObjectName("transferDetail")
        self.detail.setWordWrap(True)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(self)
        self.button.setObjectName("transferButton")
        self.button.clicked.connect(self._act)
        # The title has the row's whole width (references run long); state and button
        # sit under it.
        under = QHBoxLayout()
        under.addWidget(self.state, 1)
        under.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(3)
        column.addWidget(self.title)
        column.addLayout(under)
        column.addWidget(self.bar)
        column.addWidget(self.detail)
        operation.progress.connect(self._on_progress)
        operation.ended.connect(self.show_state)
        if operation.last_progress is not None:
            self._on_progress(operation.last_progress)
        self.show_state()

    def _on_progress(self, item: Any) -> None:
        self._progress.add(item)
        self.detail.setText(self._progress.text)
        fraction = self._progress.fraction
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))

    def show_state(self) -> None:
        op = self.operation
        words = STATE_WORDS[op.state]
        self.state.setText(words)
        self.setAccessibleName(f"{op.title}: {words}")
        running = op.state is OperationState.RUNNING
        self.button.setText("Cancel" if running else "Clear")
        self.button.setAccessibleName(f"{'Cancel' if running else 'Clear'} {op.title}")
        self.bar.setVisible(running)
        if running and self._progress.fraction is None:
            self.bar.setRange(0, 0)
        if op.state is OperationState.FAILED:
            self.detail.setStyleSheet(ERROR_STYLE)
            self.detail.setText(explain(op.error, getattr(op, "registry", "")))
        elif op.state is OperationState.DONE:
            self.detail.setStyleSheet("")
            self.detail.setText("Finished.")
        elif op.state is OperationState.CANCELLED:
            self.detail.setStyleSheet("")
            self.detail.setText("Cancelled; nothing was kept.")
        self.detail.setAccessibleName(f"{op.title} details")
        self.detail.setVisible(bool(self.detail.text()))

    def _act(self) -> None:
        if self.operation.running:
            self.operation.cancel()
            self.button.setEnabled(False)
            self.detail.setText("Cancelling…")
            self.detail.show()
        else:
            self.operations.dismiss(self.operation)


class TransfersPanel(QDockWidget):
    """The dock listing ``operations``; ``count_text()`` is the status bar button's."""

    def __init__(self, operations: Operations, parent: QWidget | None = None) -> None:
        super().__init__("Transfers", parent)
        self.setObjectName("transfersPanel")
        self.setAccessibleName("Transfers")
        self.operations = operations
        self.rows: dict[int, OperationRow] = {}
        features = QDockWidget.DockWidgetFeature
        self.setFeatures(features.DockWidgetClosable | features.DockWidgetMovable)
        # Qt's own icon-only title buttons (the float one stays, hidden): give them words.
        for name, words in (("close", "Hide Transfers"), ("float", "Float Transfers")):
            button = self.findChild(QAbstractButton, f"qt_dockwidget_{name}button")
            if button is not None:
                button.setToolTip(words)
                button.setAccessibleName(words)
        inner = QWidget(self)
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(6, 6, 6, 6)
        self.column.setSpacing(6)
        self.empty = QLabel(
            "No transfers. Pulls and pushes show here while they run, and until cleared.",
            inner,
        )
        self.empty.setWordWrap(True)
        self.empty.setObjectName("transfersEmpty")
        self.column.addWidget(self.empty)
        self.column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        scroll.setAccessibleName("Transfers list")
        self.clear_button = QPushButton("Clear Ended", self)
        self.clear_button.setObjectName("transfersClear")
        self.clear_button.setAccessibleName("Clear ended transfers")
        self.clear_button.clicked.connect(self.clear_ended)
        outer = QWidget(self)
        layout = QVBoxLayout(outer)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_button)
        layout.addLayout(row)
        self.setWidget(outer)
        self.setMinimumWidth(320)
        operations.added.connect(self._add)
        operations.removed.connect(self._remove)
        for operation in operations.items:
            self._add(operation)
        self._update()

    def _add(self, operation: Operation) -> None:
        row = OperationRow(operation, self.operations, self.widget())
        self.rows[id(operation)] = row
        self.column.insertWidget(0, row)  # the newest first
        operation.ended.connect(self._update)
        self._update()

    def _remove(self, operation: Operation) -> None:
        row = self.rows.pop(id(operation), None)
        if row is not None:
            row.setParent(None)
            row.deleteLater()
        self._update()

    def _update(self) -> None:
        self.empty.setVisible(not self.rows)
        self.clear_button.setEnabled(any(not r.operation.running for r in self.rows.values()))

    def clear_ended(self) -> None:
        for row in list(self.rows.values()):
            if not row.operation.running:
                self.operations.dismiss(row.operation)

    def count_text(self) -> str:
        running = len(self.operations.running())
        return f"Transfers ({running})" if running else "Transfers"
