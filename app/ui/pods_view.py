"""The Pods page: create a pod, play a Kubernetes YAML file or tear down what it made;
start, stop, restart, pause, resume, remove (a running pod is stopped first, and the
confirmation says so and names its containers); generate a pod's Kubernetes YAML.

Signals:
    show_containers(str pod_name): “Show Containers” on a pod.
    create_requested(): “Create…”.
    play_requested(bool tear_down): “Play Kube YAML…” (False) or “Tear Down…” (True).
    kube_requested(list names): “Generate Kube YAML…” on the selected pods.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.models.pod_model import PodModel
from app.models.pod_status import PodStatus as S
from app.ui.removal_confirmation import confirm_removal
from app.ui.resource_view import ResourceView

EMPTY = """
<h3>No pods yet</h3>
<p>A pod groups containers that share a network, like a Kubernetes pod:</p>
<p><code>podman pod create --name web -p 8080:80</code><br>
<code>podman run -d --pod web docker.io/library/nginx</code></p>
"""


class PodsView(ResourceView):
    show_containers = Signal(str)
    create_requested = Signal()
    play_requested = Signal(bool)
    kube_requested = Signal(list)
    title = "Pods"
    empty_html = EMPTY

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(PodModel(), settings, parent, actions=actions)
        self.model.setParent(self)
        self.tree.doubleClicked.connect(lambda _i: self._show_containers())

    def _build_actions(self) -> None:
        self.create = self.add_action(
            "Create…", self.create_requested.emit, "Create a pod: name, ports, shared namespaces"
        )
        self.play = self.add_action(
            "Play Kube YAML…",
            lambda: self.play_requested.emit(False),
            "Create the pods a Kubernetes YAML file describes (podman kube play)",
        )
        self.tear_down = self.add_action(
            "Tear Down…",
            lambda: self.play_requested.emit(True),
            "Remove the pods a Kubernetes YAML file made (podman kube down)",
        )
        self.toolbar.addSeparator()
        self.start = self.add_action("Start", self._start)
        self.stop = self.add_action("Stop", self._stop)
        self.restart = self.add_action("Restart", self._restart)
        self.pause = self.add_action("Pause", self._pause)
        self.unpause = self.add_action("Resume", self._unpause, "Unpause the selected pods")
        self.toolbar.addSeparator()
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.toolbar.addSeparator()
        self.containers = self.add_action("Show Containers", self._show_containers)
        self.kube = QAction("Generate Kube YAML…", self)
        self.kube.setObjectName("generate-kube-yaml")
        self.kube.setToolTip("The Kubernetes YAML of the selected pods (podman kube generate)")
        self.kube.triggered.connect(self._generate_kube)

    def context_actions(self) -> Sequence[QAction | None]:
        return [
            self.start, self.stop, self.restart, self.pause, self.unpause, None,
            self.containers, self.kube, None, self.remove,
        ]  # fmt: skip

    def update_actions(self) -> None:
        statuses = [self.model.status(k) for k in self.selected_keys()] if self.connected else []
        for action, allowed in (
            (self.start, S.can_start),
            (self.stop, S.can_stop),
            (self.restart, S.can_restart),
            (self.pause, S.can_pause),
            (self.unpause, S.can_unpause),
            (self.remove, S.can_remove),
        ):
            action.setEnabled(any(allowed(s) for s in statuses))
        self.containers.setEnabled(len(self.selected_keys()) == 1)
        self.kube.setEnabled(bool(statuses) and not any(s.is_transition() for s in statuses))
        for action in (self.create, self.play, self.tear_down):
            action.setEnabled(self.connected)

    def _keys_where(self, allowed) -> list:
        return [k for k in self.selected_keys() if allowed(self.model.status(k))]

    def _start(self) -> None:
        self.resource_actions.start_pods(self._keys_where(S.can_start))

    def _stop(self) -> None:
        self.resource_actions.stop_pods(self._keys_where(S.can_stop))

    def _restart(self) -> None:
        self.resource_actions.restart_pods(self._keys_where(S.can_restart))

    def _pause(self) -> None:
        self.resource_actions.pause_pods(self._keys_where(S.can_pause))

    def _unpause(self) -> None:
        self.resource_actions.resume_pods(self._keys_where(S.can_unpause))

    def _generate_kube(self) -> None:
        names = [item.name for item in self.selected_items()]
        if names:
            self.kube_requested.emit(names)

    def _show_containers(self) -> None:
        items = self.selected_items()
        if len(items) == 1:
            self.show_containers.emit(items[0].name)

    def remove_selected(self) -> None:
        keys = self._keys_where(S.can_remove)
        if keys and self.connected:
            self.tasks.spawn(self._remove(keys))

    async def _remove(self, keys: list) -> None:
        removal = await confirm_removal(self.resource_actions, self.confirm, "pods", keys)
        if removal is not None:
            await self.resource_actions.remove(removal)
