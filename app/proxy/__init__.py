"""The socket proxy: forwards a local socket, named pipe or loopback port to Podman.

Public surface: ProxyThread (start/stop/status), ProxyConfig, ProxyStatus and its enums,
the headless ``proxy`` subcommand in headless_cli, and forward.forwarded (a proxy for
the length of one headless command). No Qt in this package.
"""

from app.proxy.proxy import ProxyConfig
from app.proxy.proxy_thread import ProxyThread
from app.proxy.status import ProxyState, ProxyStatus, UpstreamState

__all__ = ["ProxyConfig", "ProxyState", "ProxyStatus", "ProxyThread", "UpstreamState"]
