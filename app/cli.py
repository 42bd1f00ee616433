"""Command line: the GUI by default, and headless subcommands.

  python -m app [--connection NAME|URI] [--minimized] [--debug]
  python -m app --version
  python -m app --self-test [--connection NAME|URI]
  python -m app connections [--json]
  python -m app ping [--connection NAME|URI] [--identity FILE] [--accept-new-host-key]
  python -m app inspect NAME|ID [--connection NAME|URI]

Arguments are checked before anything starts. A malformed one, or one naming a connection
Podman does not know, prints one line and exits 2; a target that cannot be reached or
found, one line and 1. With an instance running, the window's and ``inspect``'s requests go
to it, and this launch exits with its answer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, NoReturn

from app import APP_ID, __version__

if TYPE_CHECKING:
    from app.engine.connection import Connection


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one clear line (no usage dump, no traceback)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=APP_ID, description="A light, native Qt companion for Podman.")
    parser.add_argument("--version", action="version", version=f"{APP_ID} {__version__}")
    parser.add_argument("--debug", action="store_true", help="verbose logging to the terminal")
    parser.add_argument(
        "--connection",
        metavar="NAME|URI",
        help="open this connection (a name from `podman system connection list`, or a URI)",
    )
    parser.add_argument("--minimized", action="store_true", help="start without a window")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (modules, icons, the window on a connection) and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    conns = sub.add_parser("connections", help="list the Podman connections the app can open")
    conns.add_argument("--json", action="store_true", help="print JSON")
    ping = sub.add_parser("ping", help="check that a connection answers and print its version")
    ping.add_argument("--connection", metavar="NAME|URI", dest="ping_connection")
    ping.add_argument(
        "--identity",
        metavar="FILE",
        default="",
        help="SSH private key for an ssh:// connection (else the connection's own key, "
        "ssh-agent, or ~/.ssh's)",
    )
    ping.add_argument(
        "--accept-new-host-key",
        action="store_true",
        help="trust an SSH host key seen for the first time and record it in known_hosts "
        "(a CHANGED key is still refused)",
    )
    inspect = sub.add_parser("inspect", help="open a container's inspector window")
    inspect.add_argument("container", metavar="NAME|ID")
    inspect.add_argument("--connection", metavar="NAME|URI", dest="inspect_connection")
    try:
        from app.proxy.headless_cli import add_proxy_arguments
    except ImportError:
        pass
    else:
        add_proxy_arguments(sub.add_parser("proxy", help="run the socket proxy in the foreground"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from app.engine.arguments import ArgumentError

    try:
        return _run(args)
    except ArgumentError as exc:
        print(f"{APP_ID}: {exc.line}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    """The command ``args`` names; its arguments are checked before anything starts
    (app/engine/arguments.py), and a refused one raises ArgumentError."""
    from app.engine import arguments

    requested = arguments.check_value("--connection", args.connection)
    if args.self_test:
        return _self_test(requested)
    if args.command == "connections":
        return _connections(args.json)
    if args.command == "ping":
        requested = arguments.check_value("--connection", args.ping_connection) or requested
        arguments.check_file("--identity", args.identity)
        return _ping(requested, args.identity, args.accept_new_host_key)
    if args.command == "inspect":
        requested = arguments.check_value("--connection", args.inspect_connection) or requested
        return _inspect(args.container, requested, args.debug)
    if args.command == "proxy":
        from app.proxy.headless_cli import run_proxy_command

        arguments.check_file("--identity", args.identity or "")
        return run_proxy_command(args)
    return _gui(requested, args.minimized, args.debug)


def _gui(requested: str, minimized: bool, debug: bool) -> int:
    """The window: handed to a running instance, else opened here once the connection
    named is known (one that is known but does not answer, the window explains)."""
    from app.engine import arguments

    arguments.check_connection(requested)
    handed = _hand_over({"connection": requested})
    if handed is not None:
        return handed
    if requested:
        _resolve(requested)
    from app.application import run_gui

    return run_gui(requested, minimized, debug)


def _self_test(requested: str) -> int:
    """The installation's checks on the connection the window would open (never handed to
    a running instance: it is this installation that is checked)."""
    connection = _resolve(requested)
    from app.self_test import run_self_test

    return run_self_test(connection)


def _hand_over(request: dict) -> int | None:
    """Give ``request`` to the running instance and print its answer; None when no
    instance runs. The exit code and line are the ones this launch would have given."""
    from app.controllers.single_instance import ask_running
    from app.engine.arguments import EXIT_OK

    reply = ask_running(request)
    if reply is None:
        return None
    if reply.code == EXIT_OK:
        print(reply.line)
    else:
        print(f"{APP_ID}: {reply.line}", file=sys.stderr)
    return reply.code


def _resolve(requested: str) -> Connection | None:
    """The connection ``requested`` names (or with no name the one the app would open);
    an unknown name raises ArgumentError listing the names that exist."""
    from app.controllers.settings import Settings
    from app.engine import arguments
    from app.engine.cli.podman_cli import PodmanCli
    from app.engine.discovery import discover

    connection = arguments.check_connection(requested)
    if connection is not None:
        return connection
    settings = Settings()
    found = discover(PodmanCli.configured(settings.podman_path))
    return arguments.resolve_connection(requested, found, settings.last_connection)


def _connections(as_json: bool) -> int:
    from app.controllers.settings import Settings
    from app.engine.cli.podman_cli import PodmanCli
    from app.engine.discovery import discover

    found = discover(PodmanCli.configured(Settings().podman_path))
    for problem in found.problems:
        print(f"warning: {problem}", file=sys.stderr)
    rows = [dict(asdict(c), kind=c.scheme) for c in found.connections]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("No connections: Podman is not installed and there is no local socket.")
        return 0
    width = max(len(r["name"]) for r in rows)
    for row in rows:
        flags = " (default)" if row["is_default"] else ""
        flags += " [machine]" if row["is_machine"] else ""
        print(f"{row['name']:<{width}}  {row['uri']}{flags}")
    return 0


def _ping(requested: str, identity: str = "", accept_new_host_key: bool = False) -> int:
    connection = _resolve(requested)
    if connection is None:
        print(f"{APP_ID}: no connection", file=sys.stderr)
        return 1
    if connection.is_ssh:
        return _ping_over_ssh(connection, identity, accept_new_host_key)
    return _ping_at(connection, connection.uri)


def _ping_over_ssh(connection: Connection, identity: str, accept_new_host_key: bool) -> int:
    """Ping through the app's own proxy, as the window reaches an ssh:// connection: a
    private listener, host keys checked as by the ``proxy`` command (machines trusted as
    Podman trusts them), then the proxy is stopped."""
    from app.proxy.forward import ForwardError, forwarded
    from app.proxy.headless_cli import terminal_passphrase
    from app.proxy.listeners import ListenerError
    from app.proxy.proxy import ProxyConfig

    config = ProxyConfig(
        listen=_private_listener(),
        upstream=connection.uri,
        identity=identity or connection.identity or None,
        accept_new_host_key=accept_new_host_key,
        is_machine=connection.is_machine,
        ask_passphrase=terminal_passphrase if sys.stdin.isatty() else None,
    )
    try:
        with forwarded(config) as endpoint:
            return _ping_at(connection, endpoint)
    except ForwardError as exc:
        print(f"{APP_ID}: {connection.name}: {exc}", file=sys.stderr)
        return 1
    except ListenerError as exc:
        print(f"{APP_ID}: the proxy could not listen: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # ProxyUriError: the ssh:// address itself
        print(f"{APP_ID}: {exc}", file=sys.stderr)
        return 2


def _private_listener() -> str:
    """Where this ping's proxy listens: only this process knows the name."""
    name = f"ping-{os.getpid()}"
    if sys.platform == "win32":
        return f"npipe:////./pipe/{APP_ID}-{name}"
    from app.support import paths

    return f"unix://{paths.runtime_dir() / f'{name}.sock'}"


def _ping_at(connection: Connection, uri: str) -> int:
    """Ask the Podman API at ``uri`` for its version; print it, or why not (one line)."""
    from app.engine.client import Client
    from app.engine.errors import PodmanError

    client = Client(uri, timeout=10.0)  # a headless check answers promptly or says why
    try:
        info = client.connect_check()
    except PodmanError as exc:
        print(f"{APP_ID}: {connection.name}: {exc}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(f"{connection.name}: Podman {info.version} (API {info.api_version}) at {connection.uri}")
    return 0


def _inspect(container: str, requested: str, debug: bool) -> int:
    """Hand the request to a running instance, else check the container exists, then
    open the app with its inspector."""
    from app.engine import arguments

    arguments.check_container_ref(container)
    arguments.check_connection(requested)
    handed = _hand_over({"inspect": container, "connection": requested})
    if handed is not None:
        return handed
    connection = _resolve(requested)
    # ssh:// needs the app's proxy: there the window itself says when the container does
    # not exist (as it does when the local socket waits for the app's own service).
    if connection is not None and not connection.is_ssh:
        arguments.check_container_at(connection, container)
    from app.application import run_gui

    return run_gui(requested, debug=debug, inspect=container)
