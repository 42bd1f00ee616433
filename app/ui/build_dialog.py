"""Build an image: a context folder, its Containerfile, names, build arguments, a
target stage and cache and pull choices; the equivalent ``podman build`` line; the
build's log live, with its colours. The dialog stays open when the build ends, so its
log can be read; the new image is selected in the list."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.controllers.image_actions import ImageActions
from app.engine.image_records import (
    BuildProgress,
    BuildRequest,
    BuildResult,
    reference_problem,
)
from app.models import humanize
from app.ui.build_log import BuildLog
from app.ui.forms.form_dialog import FormDialog
from app.ui.path_field import FOLDER, OPEN_FILE, PathField

_ARG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
CONTAINERFILES = ("Containerfile", "Dockerfile")


def split_names(text: str) -> list[str]:
    """Names typed with spaces or commas between them."""
    return [n for n in re.split(r"[\s,]+", text.strip()) if n]


def parse_build_args(text: str) -> tuple[list[tuple[str, str]], str]:
    """KEY=VALUE lines as pairs, and why a line is wrong ("" when none is)."""
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep:
            return pairs, f"Line {number}: KEY=VALUE, with an equals sign."
        if not _ARG_NAME.fullmatch(key):
            return pairs, f"Line {number}: “{key}” is not an argument name (letters, digits, _)."
        pairs.append((key, value))
    return pairs, ""


class BuildDialog(FormDialog):
    def __init__(
        self,
        actions: ImageActions,
        spawn: Callable[[Coroutine], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Build an image", "Build", spawn, parent)
        self.actions = actions
        self.result: BuildResult | None = None

        self.context = PathField("Context folder", FOLDER, "Choose the build context", self)
        self.context.edit.setPlaceholderText("the folder whose files the build can COPY")
        self.add_field("&Context:", self.context, self._context_problem)
        self.watch(self.context.edit, self.fields[-1])
        self.context.edit.textChanged.connect(self._suggest_name)

        self.containerfile = PathField("Containerfile", OPEN_FILE, "Choose the Containerfile", self)
        self.containerfile.edit.setPlaceholderText("Containerfile, else Dockerfile, in the context")
        self.add_field(
            "Container&file:",
            self.containerfile,
            self._containerfile_problem,
            tip="A file outside the context is sent along with it, at its root.",
        )
        self.watch(self.containerfile.edit, self.fields[-1])

        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText("localhost/myapp:1.0 localhost/myapp:latest")
        self.add_field(
            "&Names:", self.tags, self._tags_problem, tip="One or more, with spaces between."
        )
        self.build_args = QPlainTextEdit(self)
        self.build_args.setPlaceholderText("GREETING=hello\nVERSION=1.2")
        self.build_args.setTabChangesFocus(True)
        self.build_args.setMaximumHeight(self.build_args.fontMetrics().lineSpacing() * 4 + 12)
        self.add_field(
            "Build &arguments:",
            self.build_args,
            lambda: parse_build_args(self.build_args.toPlainText())[1],
            tip="One KEY=VALUE a line: the values of the Containerfile's ARG lines.",
        )
        self.target = QLineEdit(self)
        self.target.setPlaceholderText("the last stage")
        self.add_field(
            "&Target stage:",
            self.target,
            self._target_problem,
            tip="Stop at this stage (FROM … AS name) of a multi-stage Containerfile.",
        )
        self.pull = QComboBox(self)
        self.pull.addItem("Only when missing", "missing")
        self.pull.addItem("Always, for newer base images", "always")
        self.add_field("&Pull base images:", self.pull)
        self.no_cache = QCheckBox("Rebuild every step (do not use the cache)", self)
        self.add_field("Cac&he:", self.no_cache)

        self.outside_note = QLabel(self)
        self.outside_note.setWordWrap(True)
        self.outside_note.setAccessibleName("Containerfile note")
        self.body.addWidget(self.outside_note)
        self.log_label = QLabel("Build &log", self)
        self.log = BuildLog(self)
        self.log.setMinimumHeight(220)
        self.log_label.setBuddy(self.log)
        self.body.addWidget(self.log_label)
        self.body.addWidget(self.log, 1)
        self.resize(760, 720)
        self.refresh()

    # -- what was typed ------------------------------------------------------------------

    def context_path(self) -> Path | None:
        text = self.context.text()
        return Path(text).expanduser() if text else None

    def containerfile_path(self) -> Path | None:
        text = self.containerfile.text()
        return Path(text).expanduser() if text else None

    def request(self) -> BuildRequest:
        context = self.context_path() or Path(".")
        return BuildRequest(
            context=context,
            containerfile=self.containerfile_path(),
            tags=tuple(split_names(self.tags.text())),
            build_args=tuple(parse_build_args(self.build_args.toPlainText())[0]),
            target=self.target.text().strip(),
            no_cache=self.no_cache.isChecked(),
            pull=str(self.pull.currentData()),
        )

    # -- checks --------------------------------------------------------------------------

    def _context_problem(self) -> str:
        path = self.context_path()
        if path is None:
            return "Choose the folder to build from."
        if not path.is_dir():
            return "No such folder."
        return ""

    def _containerfile_problem(self) -> str:
        chosen = self.containerfile_path()
        context = self.context_path()
        if chosen is not None:
            return "" if chosen.is_file() else "No such file."
        has_default = context is not None and any(
            (context / name).is_file() for name in CONTAINERFILES
        )
        if context is not None and context.is_dir() and not has_default:
            return "The context has no Containerfile or Dockerfile: choose one."
        return ""

    def _tags_problem(self) -> str:
        names = split_names(self.tags.text())
        if not names:
            return "Give the image a name, such as localhost/myapp:latest."
        for name in names:
            problem = reference_problem(name)
            if problem:
                return f"{name}: {problem}"
        return ""

    def _target_problem(self) -> str:
        target = self.target.text().strip()
        if target and not _STAGE.fullmatch(target):
            return "A stage name: letters, digits, and . _ -"
        return ""

    def _suggest_name(self, text: str) -> None:
        # A first name from the folder, until the user types one.
        if self.tags.isModified() or not text.strip():
            return
        base = re.sub(r"[^a-z0-9._-]+", "-", Path(text.strip()).name.lower()).strip("-._")
        if base:
            self.tags.setText(f"localhost/{base}:latest")

    def refresh(self) -> None:
        super().refresh()
        if not hasattr(self, "outside_note"):
            return
        chosen, context = self.containerfile_path(), self.context_path()
        outside = ""
        if chosen is not None and context is not None:
            try:
                chosen.resolve().relative_to(context.resolve())
            except ValueError:
                outside = (
                    f"{chosen.name} is outside the context: it is sent along with the "
                    "context, at its root."
                )
        self.outside_note.setText(outside)
        self.outside_note.setVisible(bool(outside))

    # -- running -------------------------------------------------------------------------

    def command(self) -> str:
        return self.actions.build_command(self.request())

    async def perform(self) -> BuildResult:
        self.log.clear_log()
        self.result = None
        operation = self.actions.build(self.request())
        self.track(operation)
        self.result = await operation.wait()
        return self.result

    def on_progress(self, item: object) -> None:
        if not isinstance(item, BuildProgress):
            return
        if item.sending:
            self.say(f"Sending the context: {humanize.size(item.sent)}")
            return
        line = item.text.strip()
        step = line.startswith("STEP ")
        self.log.append_output(item.text, bold=step)
        if step:
            self.say(line)

    def keep_open_after(self, result: BuildResult) -> bool:
        names = ", ".join(result.tags) or "the image"
        self.say(f"Built {names} ({result.image_id[:12]}).")
        self.close_button.setText("Close")
        return True
