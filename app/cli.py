"""Command line: the GUI by default, and headless subcommands.

  python -m app [--connection NAME|URI] [--minimized] [--debug]
  python -m app --version
  python -m app connections [--json]
  python -m app ping [--connection NAME|URI]
  python -m app inspect NAME|ID [--connection NAME|URI]

A bad argument prints one line and exits 2; an unreachable connection, one line and 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import NoReturn

from app import APP_ID, __version__


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
        default="",
        help="open this connection (a name from `podman system connection list`, or a URI)",
    )
    parser.add_argument("--minimized", action="store_true", help="start without a window")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    conns = sub.add_parser("connections", help="list the Podman connections the app can open")
    conns.add_argument("--json", action="store_true", help="print JSON")
    ping = sub.add_parser("ping", help="check that a connection answers and print its version")
    ping.add_argument("--connection", metavar="NAME|URI", default="", dest="ping_connection")
    inspect = sub.add_parser("inspect", help="open a container's inspector window")
    inspect.add_argument("container", metavar="NAME|ID")
    inspect.add_argument("--connection", metavar="NAME|URI", default="", dest="inspect_connection")
    try:
        from app.proxy.headless_cli import add_proxy_arguments
    except ImportError:
        pass
    else:
        add_proxy_arguments(sub.add_parser("proxy", help="run the socket proxy in the foreground"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "connections":
            return _connections(args.json)
        if args.command == "ping":
            return _ping(args.ping_connection or args.connection)
        if args.command == "inspect":
            return _inspect(args.container, args.inspect_connection or args.connection, args.debug)
        if args.command == "proxy":
            from app.proxy.headless_cli import run_proxy_command

            return run_proxy_command(args)
        from app.application import run_gui

        return run_gui(args.connection, args.minimized, args.debug)
    except KeyboardInterrupt:
        return 130


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


def _ping(requested: str) -> int:
    from app.controllers.settings import Settings
    from app.engine.cli.podman_cli import PodmanCli
    from app.engine.client import Client
    from app.engine.connection import connection_from_argument, looks_like_uri
    from app.engine.discovery import choose_connection, discover
    from app.engine.endpoint import EndpointError
    from app.engine.errors import PodmanError

    settings = Settings()
    try:
        if looks_like_uri(requested):
            connection = connection_from_argument(requested)
        else:
            found = discover(PodmanCli.configured(settings.podman_path))
            connection = (
                found.by_name(requested)
                if requested
                else choose_connection(found, settings.last_connection)
            )
            if connection is None:
                what = f"no connection named {requested!r}" if requested else "no connection"
                print(f"{APP_ID}: {what}", file=sys.stderr)
                return 2 if requested else 1
    except EndpointError as exc:
        print(f"{APP_ID}: {exc}", file=sys.stderr)
        return 2
    if connection.is_ssh:
        print(
            f"{APP_ID}: {connection.name}: ssh:// connections need the proxy (`{APP_ID} proxy`)",
            file=sys.stderr,
        )
        return 1
    client = Client(connection.uri)
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
    from app.controllers.single_instance import send_to_running

    if send_to_running({"inspect": container, "connection": requested}):
        print(f"{APP_ID}: the running instance opens the inspector of {container}.")
        return 0
    from app.controllers.settings import Settings
    from app.engine.cli.podman_cli import PodmanCli
    from app.engine.client import Client
    from app.engine.connection import connection_from_argument, looks_like_uri
    from app.engine.discovery import choose_connection, discover
    from app.engine.endpoint import EndpointError
    from app.engine.errors import ConnectionLost, NotFound, PodmanError

    try:
        if looks_like_uri(requested):
            connection = connection_from_argument(requested)
        else:
            found = discover(PodmanCli.configured(Settings().podman_path))
            connection = (
                found.by_name(requested)
                if requested
                else choose_connection(found, Settings().last_connection)
            )
    except EndpointError as exc:
        print(f"{APP_ID}: {exc}", file=sys.stderr)
        return 2
    if connection is None and requested:
        print(f"{APP_ID}: no connection named {requested!r}", file=sys.stderr)
        return 2
    # ssh:// needs the app's proxy, and a local socket nobody serves yet the app's own
    # service: there the window itself says when the container does not exist.
    if connection is not None and not connection.is_ssh:
        client = Client(connection.uri)
        try:
            client.inspect_container(container)
        except NotFound:
            where = connection.name or connection.uri
            print(
                f"{APP_ID}: no container named or with the id {container!r} on {where}",
                file=sys.stderr,
            )
            return 1
        except ConnectionLost as exc:
            if connection.source != "local":
                print(f"{APP_ID}: {connection.name}: {exc}", file=sys.stderr)
                return 1
        except PodmanError as exc:
            print(f"{APP_ID}: {connection.name}: {exc}", file=sys.stderr)
            return 1
        finally:
            client.close()
    from app.application import run_gui

    return run_gui(requested, debug=debug, inspect=container)
