"""The Run dialog's "More options": four tabs (Command, Network, Limits & Restart,
Labels & Secrets) of what fewer runs need. Their fields are the dialog's own (added
with its ``add_field``, so they are checked with the rest and gate the same Run
button); this module lays them out, reads them into a RunSpec and fills them from one.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from app.controllers.container_runner import ContainerRunner
from app.engine import run_checks as checks
from app.engine.container_spec import (
    RunSpec,
    format_cpus,
    format_memory,
    parse_memory,
    split_words,
)
from app.ui import run_rows as rows
from app.ui.forms.form_dialog import Field, FormDialog
from app.ui.forms.row_list import RowList

RESTARTS = [
    ("", "Never (Podman's default)"),
    ("on-failure", "When it fails (exits with an error)"),
    ("always", "Always"),
    ("unless-stopped", "Always, unless stopped by hand"),
]
NO_POD = "None"
NO_SECRETS = "None: create a secret on the Secrets page first."

# (dialog, label, rows, check, layout) -> Field: the dialog's way to add a row list.
AddList = Callable[[str, RowList, Callable[[], str], QFormLayout], Field]


class RunOptions:
    """The tabs and their fields; ``tab_fields[i]`` are the fields of tab ``i``."""

    def __init__(
        self,
        dialog: FormDialog,
        runner: ContainerRunner,
        add_list: AddList,
        publishes: Callable[[], bool],
    ) -> None:
        self.dialog = dialog
        self.runner = runner
        self._add_list = add_list
        self._publishes = publishes  # whether the basics publish ports
        self.tabs = QTabWidget(dialog)
        self.tabs.setObjectName("runTabs")
        self.tabs.setAccessibleName("More options")
        self.tab_fields: list[list[Field]] = []
        self._command_tab()
        self._network_tab()
        self._limits_tab()
        self._labels_tab()

    def _tab(self, title: str) -> QFormLayout:
        page = QWidget(self.tabs)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.tabs.addTab(page, title)
        self.tab_fields.append([])
        return form

    def _field(self, form: QFormLayout, label: str, widget: QWidget, check=None, tip="") -> Field:
        field = self.dialog.add_field(label, widget, check, form, tip)
        self.tab_fields[-1].append(field)
        return field

    def _list(self, form: QFormLayout, label: str, rows_list: RowList, check) -> Field:
        field = self._add_list(label, rows_list, check, form)
        self.tab_fields[-1].append(field)
        return field

    # -- the tabs ------------------------------------------------------------------------

    def _command_tab(self) -> None:
        d, form = self.dialog, self._tab("Command")
        self.entrypoint = QLineEdit(d)
        self.entrypoint.setPlaceholderText("optional: the image's own entrypoint")
        self.entrypoint_field = self._field(
            form,
            "En&trypoint:",
            self.entrypoint,
            lambda: checks.words_problem(self.entrypoint.text()),
            "What runs first; the command becomes its arguments",
        )
        self.workdir = QLineEdit(d)
        self.workdir.setPlaceholderText("optional: the image's own")
        self._field(form, "&Working directory:", self.workdir, self._workdir_problem)
        self.user = QLineEdit(d)
        self.user.setPlaceholderText("optional: user[:group], a name or a number")
        self._field(form, "&User:", self.user)
        self.interactive = QCheckBox("Keep standard input open (-i)", d)
        self.interactive.setAccessibleName("Keep standard input open")
        self._field(form, "Input:", self.interactive)
        self.tty = QCheckBox("Give it a terminal (-t)", d)
        self.tty.setAccessibleName("Give it a terminal")
        self._field(form, "Terminal:", self.tty)

    def _network_tab(self) -> None:
        d, form = self.dialog, self._tab("Network")
        self.publish_all = QCheckBox("Publish every port the image exposes, on free host ports", d)
        self.publish_all.setAccessibleName("Publish all exposed ports")
        self._field(form, "All ports:", self.publish_all)
        self.networks = RowList(
            "network", rows.network_row_maker(self.runner.network_names), "Podman's default.", d
        )
        self.networks.setObjectName("runNetworks")
        self._list(form, "Net&works:", self.networks, lambda: rows.read_networks(self.networks)[1])
        self.pod = QComboBox(d)
        self.pod.setObjectName("runPod")
        self.pod.addItems([NO_POD, *self.runner.pod_names()])
        self.pod.setToolTip("A pod's containers share its network and published ports")
        self._field(form, "P&od:", self.pod, self._pod_problem)

    def _limits_tab(self) -> None:
        d, form = self.dialog, self._tab("Limits && Restart")
        self.restart = QComboBox(d)
        for value, label in RESTARTS:
            self.restart.addItem(label, value)
        self._field(form, "Re&start:", self.restart)
        self.retries = QSpinBox(d)
        self.retries.setRange(0, 1000)
        self.retries.setSpecialValueText("No limit")
        self._retries_field = self._field(form, "Ma&x retries:", self.retries)
        self._limits_form = form
        self.cpus = QLineEdit(d)
        self.cpus.setPlaceholderText("no limit, or for example 0.5")
        self._field(
            form, "CP&Us:", self.cpus, lambda: checks.cpus_problem(self.cpus.text().strip())
        )
        self.memory = QLineEdit(d)
        self.memory.setPlaceholderText("no limit, or for example 512m, 1g")
        self._field(
            form, "&Memory:", self.memory, lambda: checks.memory_problem(self.memory.text().strip())
        )
        self.remove = QCheckBox("Remove the container when it exits (--rm)", d)
        self.remove.setAccessibleName("Remove the container when it exits")
        self._field(form, "Clean up:", self.remove, self._remove_problem)
        self.restart.currentIndexChanged.connect(self._update_retries)
        self._update_retries()

    def _labels_tab(self) -> None:
        d, form = self.dialog, self._tab("Labels && Secrets")
        self.labels = RowList("label", rows.pair_row_maker("Label"), "None.", d)
        self.labels.setObjectName("runLabels")
        self._list(form, "&Labels:", self.labels, lambda: rows.read_pairs(self.labels, "label")[1])
        self.secrets = RowList(
            "secret", rows.secret_row_maker(self.runner.secret_names), NO_SECRETS, d
        )
        self.secrets.setObjectName("runSecrets")
        self._list(form, "&Secrets:", self.secrets, lambda: rows.read_secrets(self.secrets)[1])
        self.offer_secrets()

    def _update_retries(self) -> None:
        # The retries mean something only for "When it fails": shown only then.
        on_failure = self.restart.currentData() == "on-failure"
        self._limits_form.setRowVisible(self._retries_field.error_label.parentWidget(), on_failure)

    # -- checks across fields ------------------------------------------------------------

    def _workdir_problem(self) -> str:
        text = self.workdir.text()
        return checks.path_problem(text, "working directory") if text else ""

    def _pod_problem(self) -> str:
        if self.pod.currentText() != NO_POD and (self.networks.rows or self._publishes()):
            return (
                "A container in a pod uses the pod's network: publish ports and choose "
                "networks on the pod instead."
            )
        return ""

    def _remove_problem(self) -> str:
        if self.remove.isChecked() and self.restart.currentData():
            return "A container that is removed when it exits cannot also be restarted."
        return ""

    # -- lists that change ---------------------------------------------------------------

    def offer_pods(self) -> None:
        """Offer the pods listed now, keeping the one chosen."""
        chosen = self.pod.currentText()
        self.pod.blockSignals(True)
        self.pod.clear()
        self.pod.addItems([NO_POD, *self.runner.pod_names()])
        if self.pod.findText(chosen) < 0:
            self.pod.addItem(chosen)
        self.pod.setCurrentText(chosen)
        self.pod.blockSignals(False)

    def offer_secrets(self) -> None:
        """Secrets can be added only when there is one to choose."""
        has = bool(self.runner.secret_names()) or bool(self.secrets.rows)
        self.secrets.add_button.setEnabled(has)
        self.secrets.empty.setText("None." if has else NO_SECRETS)

    # -- reading and filling -------------------------------------------------------------

    def read_into(self, spec: RunSpec) -> None:
        """Set ``spec``'s fields from the tabs (fields with a problem are left out)."""
        try:
            if self.entrypoint.text().strip():
                spec.entrypoint = split_words(self.entrypoint.text())
        except ValueError:
            pass
        spec.workdir = self.workdir.text().strip()
        spec.user = self.user.text().strip()
        spec.interactive = self.interactive.isChecked()
        spec.tty = self.tty.isChecked()
        spec.publish_all = self.publish_all.isChecked()
        spec.networks = rows.read_networks(self.networks)[0]
        spec.pod = "" if self.pod.currentText() == NO_POD else self.pod.currentText()
        spec.restart = self.restart.currentData() or ""
        spec.restart_retries = self.retries.value() if spec.restart == "on-failure" else 0
        cpus, memory = self.cpus.text().strip(), self.memory.text().strip()
        if cpus and not checks.cpus_problem(cpus):
            spec.cpus = float(cpus)
        if memory and not checks.memory_problem(memory):
            spec.memory = parse_memory(memory)
        spec.remove = self.remove.isChecked()
        spec.labels = rows.read_pairs(self.labels, "label")[0]
        spec.secrets = rows.read_secrets(self.secrets)[0]

    def fill(self, spec: RunSpec) -> int | None:
        """Set the tabs from ``spec``; returns the first tab it sets something in."""
        if spec.entrypoint is not None:
            self.entrypoint.setText(shlex.join(spec.entrypoint))
        self.workdir.setText(spec.workdir)
        self.user.setText(spec.user)
        self.interactive.setChecked(spec.interactive)
        self.tty.setChecked(spec.tty)
        self.publish_all.setChecked(spec.publish_all)
        for network in spec.networks:
            rows.set_network(self.networks.add_row(), network)
        if spec.pod:
            if self.pod.findText(spec.pod) < 0:
                self.pod.addItem(spec.pod)
            self.pod.setCurrentText(spec.pod)
        self.restart.setCurrentIndex(max(0, self.restart.findData(spec.restart)))
        self.retries.setValue(spec.restart_retries)
        self.cpus.setText(format_cpus(spec.cpus) if spec.cpus else "")
        self.memory.setText(format_memory(spec.memory) if spec.memory else "")
        self.remove.setChecked(spec.remove)
        for key, value in spec.labels.items():
            rows.set_pair(self.labels.add_row(), key, value)
        self.secrets.add_button.setEnabled(True)
        for secret in spec.secrets:
            rows.set_secret(self.secrets.add_row(), secret)
        tabs_set = [
            spec.entrypoint is not None or spec.workdir or spec.user or spec.interactive
            or spec.tty,
            spec.networks or spec.pod or spec.publish_all,
            spec.restart or spec.cpus or spec.memory or spec.remove,
            spec.labels or spec.secrets,
        ]  # fmt: skip
        return next((i for i, on in enumerate(tabs_set) if on), None)

    # -- problems in tabs the user may not see -------------------------------------------

    def mark(self, wrong: set[int]) -> int:
        """Put ⚠ on the titles of tabs holding a field in ``wrong`` (ids of fields);
        returns how many tabs have one."""
        count = 0
        for index, fields in enumerate(self.tab_fields):
            bad = any(id(f) in wrong for f in fields)
            count += bad
            title = self.tabs.tabText(index).removeprefix("⚠ ")
            self.tabs.setTabText(index, f"⚠ {title}" if bad else title)
        return count

    def first_tab_with(self, wrong: set[int]) -> int | None:
        for index, fields in enumerate(self.tab_fields):
            if any(id(f) in wrong for f in fields):
                return index
        return None
