"""Play a Kubernetes YAML file, or tear down what it made: choose the file, see what it
describes (pods, deployments, volume claims, config maps, each container and image)
before anything is sent, replace pods that exist, follow the progress, read Podman's
report. Tearing down asks first, naming the pods that go."""

from __future__ import annotations

import os
import shlex
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.engine.errors import PodmanError
from app.engine.kube import KubePreview, KubeReport
from app.ui import confirmation
from app.ui.forms.form_dialog import FormDialog

KINDS = {
    "Pod": "Pod",
    "Deployment": "Deployment",
    "PersistentVolumeClaim": "Volume",
    "ConfigMap": "Config map",
}


class KubePlayDialog(FormDialog):
    """``pods`` is the PodController; ``tear_down`` makes it the "Tear Down" dialog.

    Signals (FormDialog's): performed(KubeReport).
    """

    def __init__(
        self,
        pods: Any,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
        *,
        tear_down: bool = False,
    ) -> None:
        title = "Tear Down Kubernetes YAML" if tear_down else "Play Kubernetes YAML"
        super().__init__(title, "Tear Down…" if tear_down else "Play", spawn, parent)
        self.setObjectName("kubeDownDialog" if tear_down else "kubePlayDialog")
        self.pods, self.tearing_down = pods, tear_down
        self.yaml: bytes | None = None
        self.kube: KubePreview | None = None
        self._read_problem = ""
        self._reading = ""
        # Replaceable (tests answer for the user); resolves to a confirmation.Answer.
        self.confirm: Callable[[confirmation.Confirmation], Awaitable[Any]] = lambda c: (
            confirmation.ask(self, c)
        )

        self.path = QLineEdit(self)
        self.path.setPlaceholderText("a .yaml file: Pods, Deployments, volume claims")
        self.path.setAccessibleName("YAML file")
        self.path.editingFinished.connect(self._read)
        self.browse = QPushButton("&Choose…", self)
        self.browse.setAccessibleName("Choose a YAML file")
        self.browse.clicked.connect(self.choose_file)
        row = QWidget(self)
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path, 1)
        row_layout.addWidget(self.browse)
        self.add_field("&File:", row, self._file_problem)
        self.watch(self.path, self.fields[-1])

        self.contents = QTreeWidget(self)
        self.contents.setObjectName("kubeContents")
        self.contents.setAccessibleName("What the file describes")
        self.contents.setHeaderLabels(["Kind", "Name", "Image (or the pods made)"])
        self.contents.setRootIsDecorated(True)
        self.contents.setMinimumHeight(160)
        self.contents.setColumnWidth(0, 150)
        self.contents.setColumnWidth(1, 200)
        self.add_field("Creates:" if not tear_down else "Describes:", self.contents)
        self.skipped = QLabel(self)
        self.skipped.setObjectName("kubeSkipped")
        self.skipped.setWordWrap(True)
        self.skipped.setEnabled(False)  # a quiet note
        self.skipped.hide()
        self.body.addWidget(self.skipped)

        self.replace = QCheckBox("&Replace the pods that exist (they are removed first)", self)
        self.replace.setToolTip(
            "Podman refuses to play a file whose pods exist; with this it removes them first"
        )
        self.existing_note = QLabel(self)
        self.existing_note.setWordWrap(True)
        self.existing_note.hide()
        self.body.addWidget(self.replace)
        self.body.addWidget(self.existing_note)
        self.watch(self.replace)
        self.replace.setVisible(not tear_down)

        self.report = QPlainTextEdit(self)
        self.report.setObjectName("kubeReport")
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Podman's report")
        self.report.setMaximumHeight(self.report.fontMetrics().lineSpacing() * 7 + 12)
        self.report.hide()
        self.body.addWidget(self.report)
        self.refresh()
        self.resize(680, 520)

    # -- the file ------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.windowTitle(), "", "Kubernetes YAML (*.yaml *.yml);;All files (*)"
        )
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        self.path.setText(path)
        self._read()

    def _read(self) -> None:
        path = self.path.text().strip()
        if path and path != self._reading:
            self._reading = path
            self.yaml, self.kube = None, None
            self.say("Reading the file…")
            self._spawn(self._load(path))

    async def _load(self, path: str) -> None:
        try:
            data, kube = await self.pods.read_yaml(path)
        except PodmanError as exc:
            if path == self._reading:
                self._read_problem = str(exc)
                self._show(None)
            return
        if path == self._reading:
            self._read_problem = ""
            self.yaml = data
            self._show(kube)

    def _show(self, kube: KubePreview | None) -> None:
        self.kube = kube
        self.say("")
        self.contents.clear()
        for obj in kube.objects if kube else ():
            kind = KINDS.get(obj.kind, obj.kind)
            pods = ", ".join(obj.pod_names) if obj.kind == "Deployment" else ""
            item = QTreeWidgetItem(self.contents, [kind, obj.name, f"pods {pods}" if pods else ""])
            if pods:
                item.setToolTip(2, f"{obj.replicas or 1} replica(s): Podman makes one pod each")
            for c in obj.containers:
                QTreeWidgetItem(item, ["Container", c.name, c.image])
            item.setExpanded(True)
        skipped = "\n".join(kube.skipped) if kube else ""
        self.skipped.setText(skipped)
        self.skipped.setVisible(bool(skipped))
        existing = self.existing_pods()
        if existing and not self.tearing_down:
            names = ", ".join(f"“{n}”" for n in existing)
            self.existing_note.setText(
                f"These pods exist already: {names}. Without Replace, "
                "Podman refuses to play the file."
            )
            self.replace.setChecked(True)
        self.existing_note.setVisible(bool(existing) and not self.tearing_down)
        self.fields[0].touched = True
        self.refresh()

    def existing_pods(self) -> list[str]:
        if self.kube is None:
            return []
        known = self.pods.pod_names()
        return [name for name in self.kube.pod_names if name in known]

    def _file_problem(self) -> str:
        path = self.path.text().strip()
        if not path:
            return "Choose a Kubernetes YAML file."
        if self._read_problem:
            return self._read_problem
        if self.kube is not None and not self.kube.objects:
            return "The file describes nothing Podman creates (Pods, Deployments, volume claims)."
        return ""

    def ready(self) -> bool:
        return self.kube is not None and self.yaml is not None

    def command(self) -> str:
        path = self.path.text().strip() or "FILE.yaml"
        if self.tearing_down:
            return shlex.join(["podman", "kube", "down", path])
        replace = ["--replace"] if self.replace.isChecked() else []
        return shlex.join(["podman", "kube", "play", *replace, path])

    # -- running -------------------------------------------------------------------------

    async def perform(self) -> KubeReport | None:
        assert self.yaml is not None
        name = os.path.basename(self.path.text().strip())
        self.report.hide()
        if self.tearing_down:
            pods = self.kube.pod_names if self.kube else []
            answer = await self.confirm(
                confirmation.Confirmation(
                    title="Tear Down",
                    text=f"Stop and remove the pods {name} describes, with their containers?",
                    items=pods,
                    action="Tear Down",
                    action_tip="podman kube down",
                    details="Volumes the file claimed are kept.",
                )
            )
            if not answer.accepted:
                return None
            operation = self.pods.tear_down(name, self.yaml)
        else:
            operation = self.pods.play(name, self.yaml, self.replace.isChecked())
        self.track(operation)
        report = await operation.wait()
        self._show_report(report)
        return report

    def keep_open_after(self, result: Any) -> bool:
        return True  # the report is worth reading; Close is one key away

    def _show_report(self, report: KubeReport) -> None:
        lines = []
        if self.tearing_down:
            lines.append(f"Removed {len(report.removed)} pod(s).")
        # Podman reports pods by id, in the order of the file.
        names = self.kube.pod_names if self.kube else []
        if len(names) != len(report.pods):
            names = [pod.id[:12] for pod in report.pods]
        for name, pod in zip(names, report.pods, strict=True):
            lines.append(f"Pod “{name}”: {len(pod.containers)} container(s) created.")
            lines += [f"  {error}" for error in pod.errors]
        lines += [f"Volume “{v}” created." for v in report.volumes if v]
        lines += report.errors
        self.report.setPlainText("\n".join(lines) or "Done.")
        self.report.show()
        errors = _has_errors(report)
        self.say("Done, with errors: see Podman's report above." if errors else "Done.")
        self.close_button.setText("Close")


def _has_errors(report: KubeReport) -> bool:
    return bool(report.errors) or any(pod.errors for pod in report.pods)
