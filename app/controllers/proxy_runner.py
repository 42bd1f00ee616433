"""The GUI's handle on one ProxyThread: its status as a signal, and user prompts.

The proxy runs on its own threads and knows no Qt. Its status changes and its
questions reach the GUI thread through ``call_in_loop`` (app/support/concurrency.py);
when it needs the user (an unknown host key, a key passphrase) its thread waits while
the GUI thread asks, through the ``Prompts`` the app supplies. Passphrases pass
straight through to paramiko: never logged, never stored.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, Signal

from app.proxy.host_keys import HostKeyInfo
from app.proxy.proxy import ProxyConfig
from app.proxy.proxy_thread import ProxyThread
from app.proxy.status import ProxyStatus
from app.support import log
from app.support.concurrency import call_in_loop

_log = log.get("proxy")

# A proxy thread waits at most this long for the user before refusing.
PROMPT_TIMEOUT = 300.0


class Prompts(Protocol):
    """How the GUI asks the user; each call answers through ``reply`` later."""

    def ask_host_key(self, info: HostKeyInfo, reply: Callable[[bool], None]) -> None: ...

    def ask_passphrase(
        self, key_path: str, previous_was_wrong: bool, reply: Callable[[str | None], None]
    ) -> None: ...


class _Pending:
    """One question from a proxy thread, answered on the GUI thread."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: object = None

    def reply(self, answer: object) -> None:
        self.answer = answer
        self.done.set()


class ProxyRunner(QObject):
    """Build it on the GUI thread, with the app's event loop set.

    Signals:
        status_changed(ProxyStatus): after each change of state, upstream, clients or error.
    """

    status_changed = Signal(object)

    def __init__(
        self,
        config: ProxyConfig,
        prompts: Prompts | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.prompts = prompts
        loop = asyncio.get_event_loop()
        if prompts is not None:
            config.on_unknown_host_key = self._host_key_from_proxy
            config.ask_passphrase = self._passphrase_from_proxy
        self._ask_host_key = call_in_loop(loop, self._on_ask_host_key)
        self._ask_passphrase = call_in_loop(loop, self._on_ask_passphrase)
        self._stopping = threading.Event()
        self.thread = ProxyThread(config, on_change=call_in_loop(loop, self._on_status))

    @property
    def config(self) -> ProxyConfig:
        return self.thread.config

    @property
    def endpoint(self) -> str:
        return self.thread.endpoint

    def status(self) -> ProxyStatus:
        return self.thread.status()

    def start(self) -> None:
        """Open the listener (raises ListenerError); SSH is reached in the background."""
        self.thread.start()

    def stop(self) -> None:
        """Close everything; safe from any thread; returns within about a second."""
        self._stopping.set()
        self.thread.stop()

    def retry(self) -> None:
        self.thread.retry()

    def _on_status(self, _status: ProxyStatus) -> None:
        # A proxy's last change (stopped) can come after Qt deleted this object at exit.
        if shiboken6.isValid(self):
            # The status now, not the one posted: reports from the proxy's threads and
            # from the GUI thread (a retry) can arrive out of order, and an old "failed"
            # arriving after "connecting" would say the retry failed.
            self.status_changed.emit(self.thread.status())

    # -- questions from the proxy thread --------------------------------------------------

    def _host_key_from_proxy(self, info: HostKeyInfo) -> bool:
        pending = _Pending()
        self._ask_host_key(info, pending)
        return self._wait_bounded(pending) and bool(pending.answer)

    def _passphrase_from_proxy(self, key_path: str, previous_was_wrong: bool) -> str | None:
        pending = _Pending()
        self._ask_passphrase(key_path, previous_was_wrong, pending)
        if not self._wait_bounded(pending):
            return None
        answer = pending.answer
        return answer if isinstance(answer, str) else None

    def _wait_bounded(self, pending: _Pending) -> bool:
        waited = 0.0
        while not pending.done.wait(0.2):
            waited += 0.2
            if self._stopping.is_set() or waited >= PROMPT_TIMEOUT:
                return False
        return True

    def _on_ask_host_key(self, info: HostKeyInfo, pending: _Pending) -> None:
        if self.prompts is None or self._stopping.is_set():
            pending.reply(False)
            return
        self.prompts.ask_host_key(info, pending.reply)

    def _on_ask_passphrase(self, key_path: str, wrong: bool, pending: _Pending) -> None:
        if self.prompts is None or self._stopping.is_set():
            pending.reply(None)
            return
        self.prompts.ask_passphrase(key_path, wrong, pending.reply)
