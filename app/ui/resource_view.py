"""The shared base of the list pages: a toolbar of actions, a sortable and filterable
tree of rows, a helpful empty state, and the transitions ("Stopping…") of the actions
the resource-actions controller runs, shown on the rows at once.

Signals:
    message_posted(str level, str text): for the window's message bar (what is not an
        action's failure: those reach it from the controller).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QStackedWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.controllers.resource_actions import ResourceActions
from app.controllers.session import Session
from app.controllers.settings import Settings
from app.models.filter_proxy import ResourceFilterProxy
from app.models.resource_model import KEY_ROLE, ResourceModel
from app.support import log
from app.support.concurrency import TaskSet
from app.ui import confirmation
from app.ui.column_header import ColumnHeader
from app.ui.column_state import ColumnState

_log = log.get("ui")


class ResourceView(QWidget):
    message_posted = Signal(str, str)

    title = ""
    empty_html = ""  # what to say when there are no rows at all
    proxy_class = ResourceFilterProxy  # the sort/filter proxy between model and tree

    def __init__(
        self,
        model: ResourceModel,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        actions: ResourceActions | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(f"{model.kind}View")
        self.model = model
        self.settings = settings
        # What the page's toolbar does to Podman objects (None: a page that acts elsewhere).
        self.resource_actions = actions
        self.session: Session | None = None
        self.connected = False
        self.proxy = self.proxy_class(model, self)
        # Replaceable (tests answer for the user); resolves to a confirmation.Answer.
        self.confirm: Callable[[confirmation.Confirmation], Awaitable[Any]] = lambda c: (
            confirmation.ask(self, c)
        )
        self.tasks = TaskSet(f"{model.kind} view", _log)  # confirmations, look-ups

        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName(f"{model.kind}Toolbar")
        self.toolbar.setAccessibleName(f"{self.title} actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.tree = QTreeView(self)
        self.tree.setObjectName(f"{model.kind}Tree")
        self.tree.setAccessibleName(self.title)
        self.tree.setModel(self.proxy)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.installEventFilter(self)  # the Menu key: see eventFilter
        menu_key = QShortcut(QKeySequence("Shift+F10"), self.tree, self._menu_at_current)
        menu_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        # Sizes, shows and hides the columns; the header's right-click menu.
        self.column_header = ColumnHeader(self.tree, model, self.proxy)
        self.column_header.changed.connect(self.save_state)

        self.empty = QLabel(self)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.empty.setOpenExternalLinks(True)
        self.empty.setContentsMargins(40, 40, 40, 40)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.tree)
        self.body.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.toolbar, 1)
        self.top = top
        # Controls beside the toolbar (add_beside) move down to a row of their own when
        # the page is too narrow for both, so the toolbar keeps its actions in view.
        self.below = QHBoxLayout()
        self.below.setContentsMargins(6, 0, 0, 0)
        self._beside: list[QWidget] = []
        layout.addLayout(top)
        layout.addLayout(self.below)
        layout.addWidget(self.body, 1)

        self.tree.selectionModel().selectionChanged.connect(self.update_actions)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._update_empty)
        model.count_changed.connect(self._update_empty)
        model.dataChanged.connect(self._on_data_changed)
        if actions is not None:
            actions.transition_started.connect(self._on_transition_started)
            actions.transition_ended.connect(self._on_transition_ended)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._update_empty)
        self._build_actions()
        self._restore_header()
        self._update_empty()
        self.update_actions()

    # -- for subclasses --------------------------------------------------------------

    def _build_actions(self) -> None:
        """Add actions to self.toolbar (see add_action)."""

    def add_action(self, text: str, slot: Callable[[], Any], tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(text.rstrip("…").lower().replace(" ", "-"))
        action.setToolTip(tip or f"{text.rstrip('…')} the selected {self.title.lower()}")
        action.triggered.connect(lambda: slot())
        self.toolbar.addAction(action)
        # Qt leaves toolbar buttons out of the Tab chain; a keyboard user needs them in.
        self.toolbar.widgetForAction(action).setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return action

    def add_beside(self, widget: QWidget) -> None:
        """A control shown beside the toolbar (or under it on a narrow page)."""
        self._beside.append(widget)
        self.top.addWidget(widget)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place_beside()

    def _place_beside(self) -> None:
        if not self._beside:
            return
        spacing = max(self.top.spacing(), 0)
        needed = self.toolbar.sizeHint().width() + sum(
            w.sizeHint().width() + spacing for w in self._beside if not w.isHidden()
        )
        under = needed > self.width()
        if under == (self.below.count() > 0):
            return
        for widget in self._beside:
            (self.top if under else self.below).removeWidget(widget)
            (self.below if under else self.top).addWidget(widget)
        if under:
            self.below.addStretch(1)
        else:
            stretch = self.below.takeAt(0)
            del stretch

    def update_actions(self) -> None:
        """Enable what the selection and the connection allow."""

    def focus_order(self) -> list[QWidget]:
        """Tab goes through the toolbar, the controls beside it, then the list (or what
        stands in for it when empty)."""
        toolbar = [self.toolbar.widgetForAction(a) for a in self.toolbar.actions()]
        controls = [w for w in (*toolbar, *self._beside) if w is not None and w.focusPolicy()]
        return [*controls, self.tree, self.empty]

    def focus_list(self) -> None:
        """Put the keyboard in the list (or its empty state's links); Qt makes the first
        row current, unselected, so Enter and the arrows work at once."""
        self.body.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def context_actions(self) -> Sequence[QAction | None]:
        """The context menu (None for a separator); by default the toolbar's actions."""
        return self.toolbar.actions()

    def remove_selected(self) -> None:
        """The Delete key: remove the selection (always after a confirmation)."""

    def empty_text(self) -> str:
        return self.empty_html

    # -- session ---------------------------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        self.session = session
        self.model.clear()
        self.connected = False
        self.update_actions()
        self._update_empty()

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        self.model.set_stale(not connected and self.model.loaded)
        self.update_actions()

    def set_filter_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_empty()

    # -- selection -------------------------------------------------------------------

    def selected_keys(self) -> list[Hashable]:
        rows = self.tree.selectionModel().selectedRows()
        return [index.data(KEY_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def selected_items(self) -> list[Any]:
        return [self.model.item(key) for key in self.selected_keys() if self.model.item(key)]

    def select_keys(self, keys: Sequence[Hashable]) -> None:
        """Select these rows (tests and the window use it)."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        for key in keys:
            row = self.model.row_of(key)
            if row < 0:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.select(index, index)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.tree.selectionModel().select(selection, flags)

    def key_at(self, index: QModelIndex) -> Hashable:
        return index.data(KEY_ROLE)

    # -- transitions -------------------------------------------------------------------

    def _on_transition_started(self, kind: str, keys: list, transition: Any) -> None:
        if kind == self.model.kind:
            self.model.set_pending(keys, transition)
            self.update_actions()

    def _on_transition_ended(self, kind: str, keys: list) -> None:
        if kind == self.model.kind:
            self.model.clear_pending(keys)
            self.update_actions()

    # -- internals -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # The Menu key's context menu reaches the tree in the tree's coordinates, not in
        # the viewport's that a right click gives: open it at the current row instead.
        if (
            watched is self.tree
            and event.type() == QEvent.Type.ContextMenu
            and isinstance(event, QContextMenuEvent)
            and event.reason() == QContextMenuEvent.Reason.Keyboard
        ):
            self._menu_at_current()
            return True
        return super().eventFilter(watched, event)

    def _menu_at_current(self) -> None:
        """The context menu of the current row, which it selects first (as a right click
        on an unselected row does)."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return
        if not self.tree.selectionModel().isRowSelected(index.row(), index.parent()):
            self.select_keys([self.key_at(index)])
        self._context_menu(self.tree.visualRect(index).center())

    def _context_menu(self, pos: QPoint) -> None:
        if not self.tree.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for action in self.context_actions():
            if action is None:
                menu.addSeparator()
            elif action.isVisible():
                menu.addAction(action)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _on_data_changed(self, *_args: Any) -> None:
        # A changed row may change what the selection allows ("Running" → Stop enabled).
        if self.tree.selectionModel().hasSelection():
            self.update_actions()

    def _update_empty(self, *_args: Any) -> None:
        if self.proxy.rowCount() > 0:
            self.body.setCurrentWidget(self.tree)
            return
        if self.session is None:
            text = "<p>Not connected to Podman.</p>"
        elif not self.model.loaded:
            text = "<p>Loading…</p>"
        elif self.model.rowCount() > 0:
            text = f"<p>No {self.title.lower()} match “{self.proxy.text}”.</p>" + self.filter_hint()
        else:
            text = self.empty_text()
        self.empty.setText(text)
        self.body.setCurrentWidget(self.empty)

    def filter_hint(self) -> str:
        return ""

    # -- saved layout ----------------------------------------------------------------

    def _header_setting(self) -> str:
        return f"headers_{self.model.kind}"

    def _restore_header(self) -> None:
        # Columns by name (app/ui/column_state.py): a state from another column set, or
        # Qt's binary one from earlier versions, cannot hide or squash a column.
        raw = getattr(self.settings, self._header_setting(), QByteArray())
        if isinstance(raw, QByteArray) and not raw.isEmpty():
            state = ColumnState.from_bytes(bytes(raw))
            if state is None:
                _log.info("%s: the saved columns are from an earlier version", self.model.kind)
            self.column_header.apply(state)

    def save_state(self) -> None:
        """Remember the columns shown, their order, the widths the user chose, the sort."""
        state = self.column_header.state().to_bytes()
        setattr(self.settings, self._header_setting(), QByteArray(state))
