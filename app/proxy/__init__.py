"""The socket proxy: forwards a local socket, named pipe or loopback port to Podman.

Public surface: ProxyThread (start/stop/status), ProxyConfig, ProxyStatus and its enums,
the headless ``proxy`` subcommand in headless_cli, and forward.forwarded (a proxy for
the length of one headless command). No Qt in this package.

The names are loaded on first use (PEP 562), so importing one small module of the
package (its status records, say) does not load the proxy and its SSH code: the GUI's
start on a unix:// connection needs neither (launch time).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.proxy.proxy import ProxyConfig
    from app.proxy.proxy_thread import ProxyThread
    from app.proxy.status import ProxyState, ProxyStatus, UpstreamState

__all__ = ["ProxyConfig", "ProxyState", "ProxyStatus", "ProxyThread", "UpstreamState"]

_HOMES = {
    "ProxyConfig": "app.proxy.proxy",
    "ProxyThread": "app.proxy.proxy_thread",
    "ProxyState": "app.proxy.status",
    "ProxyStatus": "app.proxy.status",
    "UpstreamState": "app.proxy.status",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
