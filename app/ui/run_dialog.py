"""The Run dialog: run a container from an image, as ``podman run`` would.

What most runs need is on top (image, name, command, ports, volumes, variables, what to
do once it started); the rest waits under "More options", in tabs. Every field is
checked as it is typed, the Run button is enabled only when nothing is wrong, and the
equivalent ``podman run …`` line is shown live. A missing image is pulled first, with
its progress. "Duplicate…" opens the same dialog filled from an existing container.

Signals (besides FormDialog's ``performed(result)``, here ``(container_id, show_logs)``):
    none of its own.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Coroutine

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers.container_runner import ContainerRunner
from app.engine import run_checks as checks
from app.engine.container_spec import (
    RunSpec,
    split_words,
)
from app.engine.dto import PullProgress
from app.engine.errors import PodmanError
from app.ui import run_rows as rows
from app.ui.forms.form_dialog import Field, FormDialog
from app.ui.forms.row_list import RowList
from app.ui.run_options import RunOptions

HINT_STYLE = "color: palette(placeholder-text);"
PORT_CHECK_DELAY_MS = 250


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class RunDialog(FormDialog):
    def __init__(
        self,
        runner: ContainerRunner,
        spawn: Callable[[Coroutine], object],
        image: str = "",
        spec: RunSpec | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Duplicate Container" if spec is not None else "Run a Container"
        super().__init__(title, "&Run", spawn, parent)
        self.setObjectName("runDialog")
        self.action_button.setAccessibleName("Run")
        self.runner = runner
        self._taken: list[tuple[str, int, str]] = []  # host ports found in use
        self._checking_ports = False
        self._port_timer = QTimer(self, singleShot=True, interval=PORT_CHECK_DELAY_MS)
        self._port_timer.timeout.connect(lambda: self._spawn(self._check_ports()))
        self._building = True
        self._build_basics()
        self._build_more()
        self._building = False
        self._built = True
        self.resize(760, 700 if spec is not None else 520)
        if spec is not None:
            self.fill(spec)
        elif image:
            self.image.setCurrentText(image)
        self.refresh()
        self._spawn(self._ask_selinux())
        self._spawn(self._reload_lists())

    # -- layout --------------------------------------------------------------------------

    def _build_basics(self) -> None:
        # The form scrolls, so a long run (many ports, volumes) never grows the dialog
        # past the screen; the command preview and the buttons stay in view below it.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget(scroll)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 8, 0)
        self.body.removeItem(self.form)
        column.addLayout(self.form)
        scroll.setWidget(page)
        self.body.addWidget(scroll, 1)
        self._scroll = scroll
        self._page = column

        self.image = QComboBox(self)
        self.image.setEditable(True)
        self.image.setObjectName("runImage")
        self.image.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.image.setAccessibleName("Image")
        images = self.runner.image_names()
        self.image.addItems(images)
        self.image.setCurrentText("")
        self.image.lineEdit().setPlaceholderText("for example docker.io/library/nginx")
        completer = QCompleter(images, self.image)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.image.setCompleter(completer)
        self.image_field = self.add_field(
            "&Image:", self.image, lambda: checks.image_problem(self.image.currentText())
        )
        self.image_note = self._note_under(self.image_field)

        self.name = QLineEdit(self)
        self.name.setObjectName("runName")
        self.name.setPlaceholderText("optional: Podman picks one")
        self.name_field = self.add_field(
            "&Name:",
            self.name,
            lambda: checks.name_problem(self.name.text().strip(), self.runner.container_names()),
        )

        self.command_edit = QLineEdit(self)
        self.command_edit.setObjectName("runCommand")
        self.command_edit.setPlaceholderText("optional: the image's own command")
        self.command_field = self.add_field(
            "&Command:",
            self.command_edit,
            lambda: checks.words_problem(self.command_edit.text()),
            tip="Split into words as a shell would: quote a word that has spaces",
        )
        self.command_note = self._note_under(self.command_field)

        self.ports = RowList(
            "port",
            rows.port_row,
            "None: the container is reachable only from other containers.",
            self,
        )
        self.ports.setObjectName("runPorts")
        self.ports_field = self._add_list("&Ports:", self.ports, self._ports_problem)
        self.ports.changed.connect(self._port_timer.start)

        self.mounts = RowList(
            "volume",
            rows.mount_row_maker(self.runner.volume_names, self._browse, False),
            "None: files written inside are lost when the container is removed.",
            self,
        )
        self.mounts.setObjectName("runMounts")
        self.mounts_field = self._add_list(
            "&Volumes:", self.mounts, lambda: rows.read_mounts(self.mounts)[1]
        )
        self.mounts_note = self._note_under(self.mounts_field)

        self.env = RowList("variable", rows.pair_row_maker("Variable"), "", self)
        self.env.setObjectName("runEnv")
        self.env_file_button = QPushButton("Load from File…", self)
        self.env_file_button.setAccessibleName("Load variables from an env file")
        self.env_file_button.setToolTip("Add the KEY=VALUE lines of a file (like --env-file)")
        self.env_file_button.clicked.connect(self._pick_env_file)
        self.env.layout().itemAt(1).layout().insertWidget(1, self.env_file_button)
        self.env_field = self._add_list(
            "&Environment:", self.env, lambda: rows.read_pairs(self.env, "variable")[1]
        )
        self.env_note = self._note_under(self.env_field)

        after = QWidget(self)
        line = QHBoxLayout(after)
        line.setContentsMargins(0, 0, 0, 0)
        self.detach = QRadioButton("Keep it running in the background", after)
        self.show_logs = QRadioButton("Open it and show its logs", after)
        self.detach.setChecked(True)
        group = QButtonGroup(after)
        group.addButton(self.detach)
        group.addButton(self.show_logs)
        line.addWidget(self.detach)
        line.addWidget(self.show_logs)
        line.addStretch(1)
        caption = QLabel("After it starts:", self)
        after.setAccessibleName("After it starts")
        self.form.addRow(caption, after)

    def _build_more(self) -> None:
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("runMoreOptions")
        self.more_button.setText("More options")
        self.more_button.setCheckable(True)
        self.more_button.setArrowType(Qt.ArrowType.RightArrow)
        self.more_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more_button.setAccessibleName("More options")
        self.more_button.toggled.connect(self._show_more)
        # Scrolled into view when the user opens it, not when a check opens it (the
        # problem that did may be further up).
        self.more_button.clicked.connect(
            lambda on: (
                on and QTimer.singleShot(0, lambda: self._scroll.ensureWidgetVisible(self.tabs))
            )
        )
        self._page.addWidget(self.more_button)
        self.options = RunOptions(self, self.runner, self._add_list, lambda: bool(self.ports.rows))
        self.tabs = self.options.tabs
        self.tabs.hide()
        self._page.addWidget(self.tabs)
        self._page.addStretch(1)
        self.entrypoint_note = self._note_under(self.options.entrypoint_field)

    def _add_list(
        self, label: str, rows_list: RowList, check, layout: QFormLayout | None = None
    ) -> Field:
        field = self.add_field(label, rows_list, check, layout)

        def changed() -> None:
            if not self._building:
                field.touched = True
            self.refresh()

        rows_list.changed.connect(changed)
        return field

    def _note_under(self, field: Field) -> QLabel:
        note = _hint("", self)
        note.hide()
        field.error_label.parentWidget().layout().addWidget(note)
        return note

    def _show_more(self, shown: bool) -> None:
        self.tabs.setVisible(shown)
        self.more_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _ports_problem(self) -> str:
        _ports, problem = rows.read_ports(self.ports)
        if problem:
            return problem
        for host_ip, port, protocol in self._taken:
            where = "this computer" if host_ip in ("", "0.0.0.0") else host_ip
            return (
                f"Host port {port}/{protocol} is already in use on {where}: choose another, "
                "or leave the host port empty to let Podman pick a free one."
            )
        return ""

    def done(self, result: int) -> None:
        self._port_timer.stop()  # no check after the dialog has gone
        super().done(result)

    def ready(self) -> bool:
        return not self._checking_ports and not self._port_timer.isActive()

    async def _check_ports(self) -> None:
        ports, problem = rows.read_ports(self.ports)
        wanted = [(p.host_ip, p.host_port, p.protocol) for p in ports if p.host_port]
        if problem or not wanted or not self.runner.local:
            self._taken = []
            self.refresh()
            return
        self._checking_ports = True
        try:
            self._taken = await self.runner.ports_in_use(wanted)
        except PodmanError:
            self._taken = []
        finally:
            self._checking_ports = False
        self.refresh()

    async def _ask_selinux(self) -> None:
        if not await self.runner.selinux_enabled():
            return
        self.mounts._make_row = rows.mount_row_maker(  # noqa: SLF001 - rows made from now on
            self.runner.volume_names, self._browse, True
        )

    async def _reload_lists(self) -> None:
        try:
            await self.runner.refresh_lists()
        except PodmanError:
            return  # the lists known already stay
        if not shiboken6.isValid(self):
            return  # closed meanwhile
        images = self.runner.image_names()
        typed = self.image.currentText()
        self.image.blockSignals(True)
        self.image.clear()
        self.image.addItems(images)
        self.image.setCurrentText(typed)
        self.image.blockSignals(False)
        self.image.completer().model().setStringList(images)  # type: ignore[attr-defined]
        self.options.offer_pods()
        self.options.offer_secrets()
        self.refresh()

    # -- what the form says --------------------------------------------------------------

    def spec(self) -> RunSpec:
        """The run the form describes (fields with a problem are left out)."""
        spec = RunSpec(image=self.image.currentText().strip(), name=self.name.text().strip())
        try:
            spec.command = split_words(self.command_edit.text())
        except ValueError:
            pass
        spec.env = rows.read_pairs(self.env, "variable")[0]
        spec.ports = rows.read_ports(self.ports)[0]
        spec.mounts = rows.read_mounts(self.mounts)[0]
        self.options.read_into(spec)
        return spec

    def command(self) -> str | None:
        if not getattr(self, "_built", False):
            return None  # still being built
        return str(self.spec().to_command())

    def refresh(self) -> None:
        if not getattr(self, "_built", False):
            return  # edits made while building refresh once, at the end
        super().refresh()
        self._update_notes()
        self._mark_tabs()

    def _update_notes(self) -> None:
        _words_note(self.command_note, self.command_edit.text(), "the command")
        _words_note(self.entrypoint_note, self.options.entrypoint.text(), "the entrypoint")
        image = self.image.currentText().strip()
        missing = bool(image) and not checks.image_problem(image)
        missing = missing and image not in self.runner.image_names()
        if missing:
            note = "Not on this connection yet: Run pulls it first."
        elif not image and not self.image_field.touched:
            # Run is disabled until an image is chosen: say so where the eye starts.
            note = "Start here: pick one of this connection's images, or type a name to pull."
        else:
            note = ""
        self.image_note.setText(note)
        self.image_note.setVisible(bool(note))
        known = set(self.runner.volume_names())
        mounts = rows.read_mounts(self.mounts)[0]
        new = [m.source for m in mounts if m.kind == "volume" and m.source not in known]
        self.mounts_note.setText(
            f"New volume{'s' if len(new) > 1 else ''} {', '.join(new)}: Podman creates "
            f"{'them' if len(new) > 1 else 'it'} when the container is made."
            if new
            else ""
        )
        self.mounts_note.setVisible(bool(new))
        problems = self.problems()
        self.action_button.setToolTip(problems[0][1] if problems else "")

    def _mark_tabs(self) -> None:
        # A problem in a hidden tab must not leave Run disabled with no reason in sight:
        # the tab's title says so, and "More options" names how many.
        count = self.options.mark({id(f) for f, _r in self.problems() if f.touched})
        self.more_button.setText(
            f"More options ({count} with a problem)" if count else "More options"
        )

    def touch_all(self) -> None:
        super().touch_all()
        index = self.options.first_tab_with({id(f) for f, _r in self.problems()})
        if index is not None:
            self.more_button.setChecked(True)
            self.tabs.setCurrentIndex(index)  # the first tab with a problem

    # -- filling (Duplicate…) ------------------------------------------------------------

    def fill(self, spec: RunSpec) -> None:
        """Set every field from ``spec`` (what Duplicate… opens with)."""
        self._building = True
        self.image.setCurrentText(spec.image)
        self.name.setText(spec.name)
        self.command_edit.setText(shlex.join(spec.command))
        for key, value in spec.env.items():
            rows.set_pair(self.env.add_row(), key, value)
        for port in spec.ports:
            rows.set_port(self.ports.add_row(), port)
        for mount in spec.mounts:
            rows.set_mount(self.mounts.add_row(), mount)
        first_tab = self.options.fill(spec)
        self._building = False
        if first_tab is not None:  # "More options" opens where the copy sets something
            self.more_button.setChecked(True)
            self.tabs.setCurrentIndex(first_tab)
        self._port_timer.start()
        self.touch_all()

    # -- picking files -------------------------------------------------------------------

    def _browse(self, edit: QLineEdit) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose a folder to mount", edit.text())
        if path:
            edit.setText(path)

    def _pick_env_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Load variables from a file")
        if path:
            self._spawn(self.load_env_file(path))

    async def load_env_file(self, path: str) -> None:
        """Add the variables of an env file as rows (read off the GUI thread)."""
        try:
            found = await self.runner.read_env_file(path)
        except (OSError, ValueError, PodmanError) as exc:
            self.env_note.setText(f"Could not read {path}: {getattr(exc, 'strerror', None) or exc}")
            self.env_note.setStyleSheet("color: #d1453b;")
            self.env_note.show()
            return
        existing = {row["key"].text(): row for row in self.env.rows}  # type: ignore[attr-defined]
        for key, value in found.items():
            row = existing.get(key) or self.env.add_row()
            rows.set_pair(row, key, value)
        self.env_note.setStyleSheet(HINT_STYLE)
        self.env_note.setText(f"Added {len(found)} variables from {path}.")
        self.env_note.show()

    # -- running -------------------------------------------------------------------------

    async def perform(self) -> tuple[str, bool]:
        spec = self.spec()
        operation = self.runner.run(spec)
        self.track(operation)
        container_id = await operation.wait()
        self.say("Started.", 1.0)
        await self.runner.refresh()
        return container_id, self.show_logs.isChecked()

    def on_progress(self, step) -> None:
        pull: PullProgress | None = getattr(step, "pull", None)
        if pull is not None and pull.total:
            self.say(
                f"Pulling {self.spec().image}: {pull.status}", (pull.current or 0) / pull.total
            )
        elif pull is not None:
            self.say(f"Pulling {self.spec().image}: {pull.status}")
        else:
            self.say(str(getattr(step, "text", step)))


def _words_note(note: QLabel, text: str, what: str) -> None:
    try:
        words = split_words(text)
    except ValueError:
        words = []
    shown = len(words) > 1 or (len(words) == 1 and words[0] != text.strip())
    if shown:
        parts = "  ".join(f"‹{w}›" for w in words)
        note.setText(f"Podman gets {what} as {len(words)} words: {parts}")
    note.setVisible(shown)
