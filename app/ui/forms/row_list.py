"""A list of editable rows with an "Add" button and a remove button per row: the ports,
volumes, variables, labels, networks and secrets of the run dialog.

Signals:
    changed(): a row was added, removed or edited.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

Row = dict[str, QWidget]


class RowList(QWidget):
    changed = Signal()

    def __init__(
        self,
        noun: str,
        make_row: Callable[[QWidget], Row],
        empty_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.noun = noun
        self._make_row = make_row
        self.rows: list[Row] = []
        self._boxes: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setSpacing(4)
        layout.addLayout(self._rows_layout)
        bottom = QHBoxLayout()
        self.add_button = QPushButton(f"Add {noun}", self)
        self.add_button.setAccessibleName(f"Add {noun}")
        self.add_button.clicked.connect(lambda: self.add_row())
        bottom.addWidget(self.add_button)
        self.empty = QLabel(empty_text, self)
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)  # drawn in the palette's disabled (grey) text
        bottom.addWidget(self.empty, 1)
        bottom.addStretch(0)
        self._bottom = bottom
        layout.addLayout(bottom)
        self.setAccessibleName(noun)

    def add_row(self) -> Row:
        box = QWidget(self)
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        row = self._make_row(box)
        for widget in row.values():
            line.addWidget(widget, 0 if isinstance(widget, (QAbstractButton, QLabel)) else 1)
            self._watch(widget)
        remove = QToolButton(box)
        remove.setText("✕")
        number = len(self.rows) + 1
        remove.setToolTip(f"Remove this {self.noun}")
        remove.setAccessibleName(f"Remove {self.noun} {number}")
        remove.clicked.connect(lambda: self.remove_row(row))
        line.addWidget(remove)
        self.rows.append(row)
        self._boxes.append(box)
        self._rows_layout.addWidget(box)
        self.empty.setVisible(False)
        self._bottom.setStretch(self._bottom.count() - 1, 1)
        first = next(iter(row.values()), None)
        if first is not None:
            first.setFocus()
        self.changed.emit()
        return row

    def remove_row(self, row: Row) -> None:
        index = self.rows.index(row)
        self.rows.pop(index)
        box = self._boxes.pop(index)
        box.hide()
        box.deleteLater()
        self.empty.setVisible(not self.rows)
        self.changed.emit()

    def clear(self) -> None:
        for row in list(self.rows):
            self.remove_row(row)

    def _watch(self, widget: QWidget) -> None:
        emit = lambda *_a: self.changed.emit()  # noqa: E731
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(emit)
        elif isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(emit)
            if widget.isEditable():
                widget.editTextChanged.connect(emit)
        elif isinstance(widget, QAbstractSpinBox):
            widget.valueChanged.connect(emit)  # type: ignore[attr-defined]
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(emit)
