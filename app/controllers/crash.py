"""Uncaught exceptions: logged with their traceback, shown once, never fatal by default.

Recoverable errors are handled where they happen; whatever escapes lands here, from the
GUI thread, a worker thread or the asyncio loop.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.support import log

_log = log.get("crash")


class CrashHandler(QObject):
    """Routes uncaught exceptions to the log and, once per run, to a dialog.

    Signals:
        crashed(str): a one-line summary, emitted on the GUI thread.
    """

    crashed = Signal(str)
    _report = Signal(str)

    def __init__(self, log_file: str, show_dialog: Callable[[str, str], None] | None) -> None:
        super().__init__()
        self.log_file = log_file
        self._show_dialog = show_dialog
        self._shown = False
        self._report.connect(self._on_report, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__

    def handle(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        text = "".join(traceback.format_exception(kind, exc, tb))
        _log.error("uncaught exception:\n%s", text)
        summary = f"{kind.__name__}: {exc}"
        self._report.emit(summary)  # queued: reaches the GUI thread from any thread

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def asyncio_handler(self, loop: object, context: dict) -> None:
        exc = context.get("exception")
        if exc is None:
            _log.error("asyncio: %s", context.get("message"))
            return
        self.handle(type(exc), exc, exc.__traceback__)

    @Slot(str)
    def _on_report(self, summary: str) -> None:
        self.crashed.emit(summary)
        if self._shown or self._show_dialog is None:
            return
        self._shown = True
        self._show_dialog(summary, self.log_file)
