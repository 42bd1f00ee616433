"""The clean-up: exactly what it will remove, grouped by kind with what each item frees,
ticked by default; a confirmation naming the counts and the size; then exactly the
ticked items removed one by one, with progress, and any Podman refused listed in its
own words. Nothing made after the list was shown is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.controllers.cleanup import (
    KINDS,
    TITLES,
    Cleanup,
    CleanupItem,
    CleanupPlan,
    CleanupResult,
    cleanup_commands,
)
from app.engine.errors import PodmanError
from app.models.humanize import size as human_size
from app.support.concurrency import Cancelled
from app.ui import confirmation
from app.ui.forms.form_dialog import FormDialog

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
NOUNS = {"containers": "container", "images": "image", "volumes": "volume", "networks": "network"}


def counted(count: int, kind: str) -> str:
    noun = NOUNS.get(kind, kind)
    return f"{count} {noun}{'' if count == 1 else 's'}"


class CleanupDialog(FormDialog):
    """Signals: performed(CleanupResult), from FormDialog."""

    def __init__(
        self,
        cleanup: Cleanup,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Clean Up", "Clean Up", spawn, parent)
        self.setObjectName("cleanupDialog")
        self.cleanup = cleanup
        self.plan: CleanupPlan | None = None
        self._planning = False
        self.confirm = lambda c: confirmation.ask(self, c)  # tests answer for the user
        self.resize(720, 560)

        intro = QLabel(
            "These are exactly the items the clean-up removes, and what each frees. "
            "Untick what you want to keep. Anything made after this list was shown is "
            "left alone.",
            self,
        )
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        self.all_images = QCheckBox("Also remove unused images that have &names", self)
        self.all_images.setToolTip(
            "Without this, only images with no name (dangling) are listed, as "
            "`podman image prune` does; with it, every image no container uses"
        )
        self.all_images.toggled.connect(lambda _on: self.replan())
        self.body.addWidget(self.all_images)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("cleanupItems")
        self.tree.setAccessibleName("What the clean-up removes")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Item", "Frees", "Why"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().resizeSection(0, 260)
        self.tree.header().resizeSection(1, 90)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.body.addWidget(self.tree, 1)
        self.summary = QLabel(self)
        self.summary.setObjectName("cleanupSummary")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setForegroundRole(self.note.palette().ColorRole.PlaceholderText)
        self.body.addWidget(self.note)
        self.performed.connect(self._show_result)
        self.refresh()

    # -- the plan --------------------------------------------------------------------

    def replan(self) -> None:
        if not self.busy and not self._planning:
            self._spawn(self.load_plan())

    async def load_plan(self) -> None:
        self._planning = True
        self.summary.setText("Looking at what Podman holds…")
        self.refresh()
        try:
            plan = await self.cleanup.plan(self.all_images.isChecked())
        except PodmanError as exc:
            self.show_error(str(exc))
            self.summary.setText("")
            return
        finally:
            self._planning = False
        self.show_plan(plan)
        if plan.all_images != self.all_images.isChecked():
            self.replan()  # ticked or unticked while Podman was being asked

    def show_plan(self, plan: CleanupPlan) -> None:
        self.plan = plan
        self.tree.blockSignals(True)
        self.tree.clear()
        for kind in KINDS:
            items = plan.of(kind)
            if not items:
                continue
            group = QTreeWidgetItem(self.tree, [TITLES[kind], "", ""])
            group.setFlags(
                group.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate
            )
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for item in items:
                row = QTreeWidgetItem(group, [item.name, _frees(item), item.detail])
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(0, Qt.CheckState.Checked)
                row.setData(0, ITEM_ROLE, item)
                row.setToolTip(0, item.key)
                row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            group.setExpanded(True)
        self.tree.blockSignals(False)
        self.note.setText(" ".join(plan.notes))
        self._update_summary()

    def chosen(self) -> CleanupPlan:
        """The plan narrowed to the ticked items (empty before the plan is known)."""
        if self.plan is None:
            return CleanupPlan()
        keys = []
        root = self.tree.invisibleRootItem()
        for g in range(root.childCount()):
            group = root.child(g)
            for r in range(group.childCount()):
                row = group.child(r)
                if row.checkState(0) == Qt.CheckState.Checked:
                    item: CleanupItem = row.data(0, ITEM_ROLE)
                    keys.append((item.kind, item.key))
        return self.plan.only(keys)

    def _on_item_changed(self, _item: QTreeWidgetItem, _column: int) -> None:
        self._update_summary()

    def _update_summary(self) -> None:
        chosen = self.chosen()
        self._update_groups(chosen)
        if self.plan is not None and not self.plan.items:
            self.summary.setText(
                "Nothing to clean up: no stopped containers, and every image, volume and "
                "network is in use."
            )
        elif chosen.items:
            parts = ", ".join(counted(n, k) for k, n in chosen.counts().items())
            self.summary.setText(f"Removes {parts}, freeing {human_size(chosen.size())}.")
        elif self.plan is not None:
            self.summary.setText("Nothing ticked.")
        self.refresh()

    def _update_groups(self, chosen: CleanupPlan) -> None:
        root = self.tree.invisibleRootItem()
        self.tree.blockSignals(True)
        for g in range(root.childCount()):
            group = root.child(g)
            first: CleanupItem = group.child(0).data(0, ITEM_ROLE)
            size = chosen.size(first.kind)
            group.setText(1, human_size(size) if size else "")
            group.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
        self.tree.blockSignals(False)

    # -- FormDialog --------------------------------------------------------------------

    def ready(self) -> bool:
        return not self._planning and bool(self.chosen().items)

    def command(self) -> str | None:
        chosen = self.chosen()
        return cleanup_commands(chosen) if chosen.items else None

    async def perform(self) -> CleanupResult:
        chosen = self.chosen()
        counts = chosen.counts()
        sections = tuple((TITLES[kind], tuple(i.name for i in chosen.of(kind))) for kind in counts)
        answer = await self.confirm(
            confirmation.Confirmation(
                title="Clean up",
                text=(
                    f"Remove {', '.join(counted(n, k) for k, n in counts.items())} and free "
                    f"{human_size(chosen.size())}?"
                ),
                sections=sections,
                action="Clean Up",
                details="Volumes go with their data. Nothing else is touched.",
            )
        )
        if not answer.accepted:
            raise Cancelled()
        operation = self.cleanup.start(chosen)
        self.track(operation)
        return await operation.wait()

    def keep_open_after(self, result: Any) -> bool:
        return True  # the result, and the list of what is left, stay to be read

    def on_progress(self, item: Any) -> None:
        if item.item is None:
            self.say("Done.", 1.0)
            return
        noun = NOUNS.get(item.item.kind, "")
        self.say(
            f"Removing {noun} {item.item.name} ({item.done + 1} of {item.total})…",
            item.fraction,
        )

    def _show_result(self, result: CleanupResult) -> None:
        text = f"Removed {len(result.removed)} of {len(result.removed) + len(result.failed)}"
        text += f" items, freeing {human_size(result.freed)}."
        if result.not_done:
            text += f" Cancelled before {len(result.not_done)} more."
        self.say(text)
        self.close_button.setText("Close")  # the work is done: nothing left to cancel
        if result.failed:
            lines = [
                f"• {NOUNS.get(item.kind, '')} {item.name}: {words}"
                for item, words in result.failed
            ]
            self.show_error("Podman refused these:\n" + "\n".join(lines))
        # What is left now (the dialog is still busy here: replan() would wait).
        self._spawn(self.load_plan())


def _frees(item: CleanupItem) -> str:
    if item.size:
        return human_size(item.size)
    return "—" if item.kind == "networks" else human_size(0)
