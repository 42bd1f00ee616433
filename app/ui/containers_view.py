"""The Containers page: start, stop, restart, pause, resume, kill, remove; ports open in
the browser; a filter by pod or compose project; a compose project acts together.

Signals:
    inspect_requested(str container_id): Enter or double-click on a row.
    kube_requested(list names): “Generate Kube YAML…” on the selected containers.
    run_requested(): "Run…" on the toolbar.
    duplicate_requested(str container_id): "Duplicate…" on the toolbar or a row's menu.
    terminal_requested(str container_id): "Open Terminal" on a running container.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import QModelIndex, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QMenu, QWidget

from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.models.container_model import ContainerModel
from app.models.container_status import ContainerStatus as S
from app.models.filter_proxy import GroupingFilterProxy
from app.models.resource_model import LINK_ROLE
from app.ui.pod_grouping import PodGrouping
from app.ui.removal_confirmation import confirm_removal
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No containers yet</h3>
<p>Run your first one with <b>Run…</b> above, or from a terminal, for example a web server:</p>
<p><code>podman run -d -p 8080:80 docker.io/library/nginx</code></p>
<p>It appears here at once; its port becomes a link to
<a href="http://localhost:8080">http://localhost:8080</a>.</p>
"""


class ContainersView(ResourceView):
    inspect_requested = Signal(str)
    connect_network_requested = Signal(str)  # container id: open "Connect to Network…"
    kube_requested = Signal(list)
    run_requested = Signal()
    duplicate_requested = Signal(str)
    terminal_requested = Signal(str)

    title = "Containers"
    empty_html = EMPTY
    proxy_class = GroupingFilterProxy

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(ContainerModel(), settings, parent, actions=actions)
        self.model.setParent(self)
        self.scope = QComboBox(self)
        self.scope.setObjectName("containerScope")
        self.scope.setToolTip("Show the containers of one pod or compose project")
        self.scope.setAccessibleName("Containers shown")
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.currentIndexChanged.connect(self._apply_predicate)
        self.show_infra = QCheckBox("Show &pod helpers", self)
        self.show_infra.setToolTip(
            "Each pod keeps a small helper container that holds what its containers share "
            "(network, ports). Podman calls it the pod's “infra” container."
        )
        self.show_infra.setChecked(settings.show_infra_containers)
        self.show_infra.toggled.connect(self._on_show_infra)
        self.group_by_pod = QCheckBox("&Group by pod", self)
        self.group_by_pod.setToolTip("Show each pod's containers together, under its name")
        self.grouping = PodGrouping(self.tree, self.proxy)
        self.group_by_pod.setChecked(settings.group_containers_by_pod)
        self.grouping.set_on(self.group_by_pod.isChecked())
        self.group_by_pod.toggled.connect(self._on_group_by_pod)
        self.add_beside(self.scope)
        self.add_beside(self.group_by_pod)
        self.add_beside(self.show_infra)
        self._scopes: list[tuple[str, str]] = []
        # The rows the scopes were read from. A container's pod and compose project are
        # fixed when it is created, so only rows coming or going change the scopes; a
        # changed row (an event's new state) costs no scan of every row (~5 ms at 1,000).
        self._scoped_keys: set = set()
        self.model.count_changed.connect(self._refresh_scopes)
        self._refresh_scopes()
        self._apply_predicate()
        self.tree.doubleClicked.connect(self._on_double_click)
        self.tree.clicked.connect(self._on_click)
        for key in (QKeySequence("Return"), QKeySequence("Enter")):
            shortcut = QShortcut(key, self.tree)
            shortcut.setContext(shortcut.context().WidgetShortcut)
            shortcut.activated.connect(self._inspect_current)

    def _build_actions(self) -> None:
        self.run = self.add_action("Run…", self.run_requested.emit, "Run a new container")
        self.run.setObjectName("run-container")
        self.duplicate = self.add_action(
            "Duplicate…", self._duplicate, "Run a new container with this one's settings"
        )
        self.toolbar.addSeparator()
        self.start = self.add_action("Start", self._start)
        self.stop = self.add_action("Stop", self._stop)
        self.restart = self.add_action("Restart", self._restart)
        self.pause = self.add_action("Pause", self._pause)
        self.unpause = self.add_action("Resume", self._unpause, "Unpause the container")
        self.kill = self.add_action("Kill", self._kill, "Send SIGKILL")
        self.toolbar.addSeparator()
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.start_project = QAction(self)
        self.start_project.triggered.connect(lambda: self._project_action(start=True))
        self.stop_project = QAction(self)
        self.stop_project.triggered.connect(lambda: self._project_action(start=False))
        self.inspect = QAction("Inspect", self)
        self.inspect.triggered.connect(self._inspect_current)
        self.connect_network = QAction("Connect to Network…", self)
        self.connect_network.setObjectName("connect-to-network")
        self.connect_network.triggered.connect(self._connect_network)
        self.kube = QAction("Generate Kube YAML…", self)
        self.kube.setObjectName("generate-kube-yaml")
        self.kube.setToolTip("The Kubernetes YAML of the selected containers")
        self.kube.triggered.connect(
            lambda: self.kube_requested.emit([c.name for c in self.selected_items()])
        )
        self.open_terminal = QAction("Open Terminal", self)
        self.open_terminal.setObjectName("openTerminal")
        self.open_terminal.setToolTip("A shell in the container, in its inspector")
        self.open_terminal.triggered.connect(self._terminal_current)

    # -- enabling --------------------------------------------------------------------

    def statuses(self) -> list[S]:
        return [self.model.status(key) for key in self.selected_keys()]

    def update_actions(self) -> None:
        statuses = self.statuses() if self.connected else []
        for action, allowed in (
            (self.start, S.can_start),
            (self.stop, S.can_stop),
            (self.restart, S.can_restart),
            (self.pause, S.can_pause),
            (self.unpause, S.can_unpause),
            (self.kill, S.can_kill),
            (self.remove, S.can_remove),
        ):
            action.setEnabled(any(allowed(s) for s in statuses))
        project = self._selected_project()
        for action, verb in ((self.start_project, "Start"), (self.stop_project, "Stop")):
            action.setText(f"{verb} All in Project “{project}”")
            action.setVisible(bool(project))
            action.setEnabled(bool(project) and self.connected)
        self.inspect.setEnabled(len(statuses) == 1)
        self.connect_network.setEnabled(len(statuses) == 1 and self.connected)
        self.kube.setEnabled(bool(statuses))
        self.run.setEnabled(self.connected)
        self.duplicate.setEnabled(len(statuses) == 1)
        self.open_terminal.setEnabled(statuses == [S.RUNNING])

    def context_actions(self) -> Sequence[QAction | None]:
        return [
            self.inspect, self.open_terminal, self.duplicate, None, self.start, self.stop,
            self.restart, self.pause, self.unpause, self.kill, None, self.start_project,
            self.stop_project, None, self.connect_network, self.kube, None, self.remove,
        ]  # fmt: skip

    # -- actions ---------------------------------------------------------------------

    def _keys_where(self, allowed) -> list[Hashable]:
        return [k for k in self.selected_keys() if allowed(self.model.status(k))]

    def _start(self) -> None:
        self.resource_actions.start_containers(self._keys_where(S.can_start))

    def _stop(self) -> None:
        self.resource_actions.stop_containers(self._keys_where(S.can_stop))

    def _restart(self) -> None:
        self.resource_actions.restart_containers(self._keys_where(S.can_restart))

    def _pause(self) -> None:
        self.resource_actions.pause_containers(self._keys_where(S.can_pause))

    def _unpause(self) -> None:
        self.resource_actions.resume_containers(self._keys_where(S.can_unpause))

    def _kill(self) -> None:
        self.resource_actions.kill_containers(self._keys_where(S.can_kill))

    def remove_selected(self) -> None:
        keys = self._keys_where(S.can_remove)
        if keys and self.session is not None and self.connected:
            self.tasks.spawn(self._remove(keys))

    async def _remove(self, keys: list[Hashable]) -> None:
        removal = await confirm_removal(
            self.resource_actions,
            self.confirm,
            "containers",
            keys,
            on_left_out=lambda text: self.message_posted.emit("info", text),
        )
        if removal is not None:
            await self.resource_actions.remove(removal)

    def _project_action(self, start: bool) -> None:
        project = self._selected_project()
        if not project or self.session is None:
            return
        members = [k for k, c in self.model.items().items() if c.compose_project == project]
        allowed = S.can_start if start else S.can_stop
        keys = [k for k in members if allowed(self.model.status(k))]
        if start:
            self.resource_actions.start_containers(keys)
        else:
            self.resource_actions.stop_containers(keys)

    def _selected_project(self) -> str:
        projects = {c.compose_project for c in self.selected_items()}
        return projects.pop() if len(projects) == 1 else ""

    # -- inspect and ports -----------------------------------------------------------

    def _duplicate(self) -> None:
        keys = self.selected_keys()
        if len(keys) == 1:
            self.duplicate_requested.emit(str(keys[0]))

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid() and not index.data(LINK_ROLE):
            self.inspect_requested.emit(str(self.key_at(index)))

    def _terminal_current(self) -> None:
        keys = self.selected_keys()
        if len(keys) == 1 and self.model.status(keys[0]) is S.RUNNING:
            self.terminal_requested.emit(str(keys[0]))

    def _inspect_current(self) -> None:
        index = self.tree.currentIndex()
        if index.isValid():
            self.inspect_requested.emit(str(self.key_at(index)))

    def _connect_network(self) -> None:
        keys = self.selected_keys()
        if len(keys) == 1:
            self.connect_network_requested.emit(str(keys[0]))

    def _on_click(self, index: QModelIndex) -> None:
        urls = index.data(LINK_ROLE)
        if not urls:
            return
        if len(urls) == 1:
            QDesktopServices.openUrl(QUrl(urls[0]))
            return
        menu = QMenu(self)
        for url in urls:
            menu.addAction(f"Open {url}", lambda u=url: QDesktopServices.openUrl(QUrl(u)))
        menu.popup(self.tree.viewport().mapToGlobal(self.tree.visualRect(index).bottomLeft()))

    # -- scope: by pod or project, infra hidden --------------------------------------

    def _refresh_scopes(self, *_args: object) -> None:
        current_items = self.model.items()
        if self._scopes and current_items.keys() == self._scoped_keys:
            return
        self._scoped_keys = set(current_items)
        items = current_items.values()
        scopes = [("", "")]
        scopes += sorted({("pod", c.pod_name) for c in items if c.pod_name})
        scopes += sorted({("project", c.compose_project) for c in items if c.compose_project})
        if scopes == self._scopes:
            return
        current = self._scopes[self.scope.currentIndex()] if self._scopes else ("", "")
        self._scopes = scopes
        self.scope.blockSignals(True)
        self.scope.clear()
        for kind, name in scopes:
            label = {"": "All containers", "pod": "Pod: ", "project": "Project: "}[kind]
            self.scope.addItem(label + name)
        self.scope.setCurrentIndex(scopes.index(current) if current in scopes else 0)
        self.scope.blockSignals(False)
        self.scope.setVisible(len(scopes) > 1)
        if current not in scopes:
            self._apply_predicate()

    def set_scope(self, kind: str, name: str) -> None:
        """Show only one pod's ("pod") or compose project's ("project") containers."""
        self._refresh_scopes()
        self.scope.setCurrentIndex(self._scopes.index((kind, name)))

    def _apply_predicate(self) -> None:
        index = self.scope.currentIndex()
        kind, name = self._scopes[index] if 0 <= index < len(self._scopes) else ("", "")
        infra = self.show_infra.isChecked()

        def accepts(c) -> bool:
            if c.is_infra and not infra:
                return False
            if kind == "pod":
                return c.pod_name == name
            if kind == "project":
                return c.compose_project == name
            return True

        self.proxy.set_predicate(accepts)
        self._update_empty()

    def _on_group_by_pod(self, checked: bool) -> None:
        self.settings.group_containers_by_pod = checked
        self.grouping.set_on(checked)

    def _on_show_infra(self, checked: bool) -> None:
        self.settings.show_infra_containers = checked
        self._apply_predicate()
        self.model.count_changed.emit(self.model.rowCount())

    def visible_count(self) -> int:
        """How many containers the sidebar counts: pods' infra containers only when shown."""
        if self.show_infra.isChecked():
            return self.model.rowCount()
        return sum(1 for c in self.model.items().values() if not c.is_infra)

    def filter_hint(self) -> str:
        """What would bring hidden containers back, only the steps that apply."""
        steps = []
        if self.proxy.text:
            steps.append("clear the search box (Esc)")
        if self.scope.currentIndex() > 0:
            steps.append("choose “All containers” above")
        # Only pods' helpers are left, hidden: the view is empty because of them.
        hidden_helpers = any(c.is_infra for c in self.model.items().values())
        if hidden_helpers and not self.show_infra.isChecked() and not self.proxy.text:
            steps.append("tick “Show pod helpers”")
        if not steps:
            return ""
        text = ", or ".join(steps)
        return f"<p>{text[0].upper()}{text[1:]}.</p>"

    def _update_empty(self, *args) -> None:
        super()._update_empty(*args)
        if self.proxy.rowCount() == 0 and self.model.rowCount() > 0 and not self.proxy.text:
            self.empty.setText("<p>No containers in this view.</p>" + self.filter_hint())
