"""The Pods page: start, stop, remove (a running pod is stopped first, and the
confirmation says so and names its containers)."""

from __future__ import annotations

from PySide6.QtCore import Signal
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
    """Signals: show_containers(str pod_name) — “Show Containers” on a pod."""

    show_containers = Signal(str)
    title = "Pods"
    empty_html = EMPTY

    def __init__(
        self, settings: Settings, actions: ResourceActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(PodModel(), settings, parent, actions=actions)
        self.model.setParent(self)
        self.tree.doubleClicked.connect(lambda _i: self._show_containers())

    def _build_actions(self) -> None:
        self.start = self.add_action("Start", self._start)
        self.stop = self.add_action("Stop", self._stop)
        self.toolbar.addSeparator()
        self.remove = self.add_action("Remove…", self.remove_selected)
        self.toolbar.addSeparator()
        self.containers = self.add_action("Show Containers", self._show_containers)

    def update_actions(self) -> None:
        statuses = [self.model.status(k) for k in self.selected_keys()] if self.connected else []
        self.start.setEnabled(any(s.can_start() for s in statuses))
        self.stop.setEnabled(any(s.can_stop() for s in statuses))
        self.remove.setEnabled(any(s.can_remove() for s in statuses))
        self.containers.setEnabled(len(self.selected_keys()) == 1)

    def _keys_where(self, allowed) -> list:
        return [k for k in self.selected_keys() if allowed(self.model.status(k))]

    def _start(self) -> None:
        self.resource_actions.start_pods(self._keys_where(S.can_start))

    def _stop(self) -> None:
        self.resource_actions.stop_pods(self._keys_where(S.can_stop))

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
