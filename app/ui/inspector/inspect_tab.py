"""The Inspect tab: the inspect JSON as a searchable tree, or as raw text, with copy."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.inspector.search_marks import mark_matches


def _scalar(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else json.dumps(value)[1:-1]


class InspectTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: Any = None
        self._raw = ""
        self._matches: list[QTreeWidgetItem] = []  # in the tree
        self._raw_matches: list[QTextCursor] = []  # in the raw JSON
        self._match_index = -1  # the current match of the mode shown: the one the count names
        self.search = QLineEdit(
            self, placeholderText="Search keys and values", clearButtonEnabled=True
        )
        self.search.setObjectName("inspectSearch")
        self.search.setAccessibleName("Search the inspect data")
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.find_next)
        self.next_button = QPushButton("↓", self, toolTip="Next match (Enter)")
        self.previous_button = QPushButton("↑", self, toolTip="Previous match")
        self.next_button.setAccessibleName("Next match")
        self.previous_button.setAccessibleName("Previous match")
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(32)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        self.match_label = QLabel("", self)
        self.tree_button = QPushButton("Tree", self, checkable=True, checked=True)
        self.raw_button = QPushButton("Raw", self, checkable=True)
        modes = QButtonGroup(self)
        modes.addButton(self.tree_button, 0)
        modes.addButton(self.raw_button, 1)
        modes.idClicked.connect(self._set_mode)
        self.copy_button = QPushButton("Copy JSON", self)
        self.copy_button.setToolTip("Copy the whole inspect JSON")
        self.copy_button.clicked.connect(self.copy_all)
        self.copy_value_button = QPushButton("Copy value", self)
        self.copy_value_button.setToolTip("Copy the selected key's value")
        self.copy_value_button.clicked.connect(self.copy_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for widget in (
            self.previous_button,
            self.next_button,
            self.match_label,
            self.tree_button,
            self.raw_button,
            self.copy_value_button,
            self.copy_button,
        ):
            bar.addWidget(widget)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("inspectTree")
        self.tree.setAccessibleName("Inspect data as a tree")
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 260)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.raw = QPlainTextEdit(self, readOnly=True)
        self.raw.setObjectName("inspectRaw")
        self.raw.setAccessibleName("Inspect data as JSON")
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.raw)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def set_data(self, data: Mapping[str, Any]) -> None:
        if data == self._data:
            return
        self._data = data
        self._raw = json.dumps(data, indent=2, sort_keys=False)
        bar = self.raw.verticalScrollBar().value()
        self.raw.setPlainText(self._raw)
        self.raw.verticalScrollBar().setValue(bar)
        expanded = self._expanded_paths()
        current = self._current_path()
        self._matches = []  # their items go with the tree's
        self.tree.clear()
        self._add(self.tree.invisibleRootItem(), data)
        self._restore_expanded(expanded)
        if self.search.text():
            self._run_search(keep=current)

    def _add(self, parent: QTreeWidgetItem, value: Any) -> None:
        pairs = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, child in pairs:
            item = QTreeWidgetItem(parent, [str(key)])
            if isinstance(child, Mapping | list):
                count = len(child)
                kind = "{…}" if isinstance(child, Mapping) else "[…]"
                item.setText(
                    1,
                    f"{kind} {count} {'key' if isinstance(child, Mapping) else 'item'}"
                    f"{'' if count == 1 else 's'}",
                )
                item.setForeground(1, QColor("#888888"))
                self._add(item, child)
            else:
                item.setText(1, _scalar(child))
                item.setToolTip(1, _scalar(child))
            copied = child if isinstance(child, str) else json.dumps(child, indent=2)
            item.setData(0, Qt.ItemDataRole.UserRole, copied)

    def _paths(self, item: QTreeWidgetItem) -> str:
        parts = []
        while item is not None:
            parts.append(item.text(0))
            item = item.parent()
        return "/".join(reversed(parts))

    def _all_items(self) -> list[QTreeWidgetItem]:
        out = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            out.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def _expanded_paths(self) -> set[str]:
        return {self._paths(i) for i in self._all_items() if i.isExpanded()}

    def _restore_expanded(self, paths: set[str]) -> None:
        for item in self._all_items():
            if self._paths(item) in paths or (not paths and item.parent() is None):
                item.setExpanded(bool(paths) or item.text(0) in ("State", "Config"))

    def _set_mode(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        if self.search.text():
            self._run_search()

    # -- search --------------------------------------------------------------------------

    def _search_changed(self, _text: str) -> None:
        self._match_index = -1  # a new search: it goes to its own first match
        self._search_timer.start()

    def _run_search(self, keep: str | None = None) -> None:
        """Find the matches in the tree and in the raw JSON, and go to the first one of
        the mode shown (or, after the data was read again, to the one at ``keep``)."""
        text = self.search.text().lower()
        for item in self._matches:
            for column in (0, 1):
                item.setBackground(column, QColor(0, 0, 0, 0))
        self._matches = []
        self._raw_matches = []
        if text:
            for item in self._all_items():
                if text in item.text(0).lower() or (
                    item.childCount() == 0 and text in item.text(1).lower()
                ):
                    self._matches.append(item)
                    for column in (0, 1):
                        item.setBackground(column, QColor("#ffd54f"))
                        item.setForeground(column, QColor("#000000"))
                    parent = item.parent()
                    while parent is not None:
                        parent.setExpanded(True)
                        parent = parent.parent()
            doc = self.raw.document()
            cursor = QTextCursor(doc)
            while True:  # QTextDocument.find ignores case unless told otherwise
                cursor = doc.find(text, cursor)
                if cursor.isNull():
                    break
                self._raw_matches.append(QTextCursor(cursor))
        paths = [self._paths(item) for item in self._matches] if keep is not None else []
        if keep is not None and self.stack.currentIndex() == 0 and keep in paths:
            self._match_index = paths.index(keep)
        else:
            self._match_index = 0 if self._shown_matches() else -1
        self._go_to_current()
        self._update_label()

    def _shown_matches(self) -> list:
        """The matches of the mode shown: tree items, or places in the raw JSON."""
        return self._raw_matches if self.stack.currentIndex() == 1 else self._matches

    def _current_path(self) -> str | None:
        if self.stack.currentIndex() == 0 and 0 <= self._match_index < len(self._matches):
            return self._paths(self._matches[self._match_index])
        return None

    def _go_to_current(self) -> None:
        if self.stack.currentIndex() == 1:
            self._highlight_raw()
            if self._match_index >= 0:
                self.raw.setTextCursor(self._raw_matches[self._match_index])
                self.raw.ensureCursorVisible()
        elif self._match_index >= 0:
            item = self._matches[self._match_index]
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def _highlight_raw(self) -> None:
        mark_matches(self.raw, self._raw_matches, self._match_index)

    def _update_label(self) -> None:
        matches = self._shown_matches()
        if not self.search.text():
            self.match_label.setText("")
        elif not matches:
            self.match_label.setText("No match")
        else:
            self.match_label.setText(f"{self._match_index + 1} of {len(matches)}")

    @property
    def match_count(self) -> int:
        return len(self._shown_matches())

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        if self._search_timer.isActive():
            # The search had not run yet: running it goes to its first match.
            self._search_timer.stop()
            self._run_search()
            return
        matches = self._shown_matches()
        if not matches:
            return
        self._match_index = (self._match_index + direction) % len(matches)
        self._go_to_current()
        self._update_label()

    # -- copy ----------------------------------------------------------------------------

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self._raw)

    def copy_selected(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        QGuiApplication.clipboard().setText(str(item.data(0, Qt.ItemDataRole.UserRole)))
