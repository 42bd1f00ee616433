"""A proxy for the length of one headless command, such as ``ping`` on an ssh:// connection.

It opens the listener, waits for SSH's first verdict (up, or why not: unreachable, host key
refused, login refused) so the command fails with that reason at once rather than with a
502 after the proxy's client wait, yields the local endpoint, and stops the proxy.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from app.proxy.proxy import ProxyConfig
from app.proxy.proxy_thread import ProxyThread
from app.proxy.status import ProxyStatus, UpstreamState


class ForwardError(Exception):
    """The upstream could not be reached or refused us; the message is one line saying why."""


@contextlib.contextmanager
def forwarded(config: ProxyConfig) -> Iterator[str]:
    """The endpoint of a running proxy whose upstream is up; stopped on leaving.

    Raises ProxyUriError (a ValueError) for a bad URI, ListenerError (an OSError) when the
    listener cannot open, and ForwardError when the upstream is not reached. The wait has
    no limit of its own: every SSH step has its timeout (config.connect_timeout), and a
    passphrase asked on the terminal waits for the user.
    """
    verdict = threading.Event()

    def on_change(status: ProxyStatus) -> None:
        if status.upstream_state is not UpstreamState.CONNECTING:
            verdict.set()

    proxy = ProxyThread(config, on_change)
    proxy.start()
    try:
        verdict.wait()
        status = proxy.status()
        if status.upstream_state is not UpstreamState.UP:
            raise ForwardError(status.last_error or f"{config.upstream} is not reachable")
        yield proxy.endpoint
    finally:
        proxy.stop()
