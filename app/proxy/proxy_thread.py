"""The proxy on a background thread, with start/stop and a status snapshot for the GUI.

No Qt here: state changes are reported through a plain callback, called on the proxy's
own threads. The GUI wraps it in a queued Qt signal; the byte counters change constantly
and are not reported, so poll ``status()`` for them (a 1 s timer is plenty).
"""

from __future__ import annotations

import threading
import time

from app.proxy.proxy import Proxy, ProxyConfig, StatusCallback
from app.proxy.status import ProxyStatus


class ProxyThread:
    """One running proxy. Construction checks the URIs (raises ProxyUriError, a ValueError).

    ``on_change(status: ProxyStatus)`` is called after every change of state, upstream
    state, client count or error, on a proxy thread; it must not block for long (the host
    key and passphrase callbacks of ProxyConfig are the ones that may wait for the user).
    """

    def __init__(self, config: ProxyConfig, on_change: StatusCallback | None = None) -> None:
        self.config = config
        self._proxy = Proxy(config, on_change)
        self._thread: threading.Thread | None = None
        self._stopped = False

    def start(self) -> None:
        """Open the listener now (raises ListenerError, an OSError) and serve in the background.

        Binding takes milliseconds; reaching an SSH upstream happens in the background and
        shows in ``status().upstream_state``.
        """
        if self._thread is not None:
            raise RuntimeError("this ProxyThread was started already")
        self._proxy.open()
        self._thread = threading.Thread(target=self._serve, name="proxy-accept", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Close every connection and the listener (its socket file is removed)."""
        if self._stopped:
            return
        self._stopped = True
        deadline = time.monotonic() + timeout
        self._proxy.close(timeout)
        if self._thread is not None:
            self._thread.join(max(deadline - time.monotonic(), 0.05))
        self._proxy.release()

    def retry(self) -> None:
        """Reconnect after a failure that needed the user (host key accepted, key unlocked)."""
        self._proxy.upstream.retry()

    def status(self) -> ProxyStatus:
        return self._proxy.status()

    @property
    def endpoint(self) -> str:
        """The listening URI, e.g. to point DOCKER_HOST or the app's own client at."""
        return self._proxy.status().listening

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stopped

    def _serve(self) -> None:
        self._proxy.serve()
