"""``python -m app proxy``: run the socket proxy without the GUI, until SIGINT or SIGTERM.

Prints ``API forwarding listening on: URI`` when ready (as Podman's own forwarder does).
Exit codes: 0 after a signal, 1 when the upstream refuses for good (host key, login),
2 for a bad address or option.
"""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading

from app.proxy.listeners import ListenerError
from app.proxy.proxy import ProxyConfig
from app.proxy.proxy_thread import ProxyThread
from app.proxy.status import ProxyStatus, UpstreamState
from app.proxy.uris import ProxyUriError


def add_proxy_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``proxy`` subcommand's options to ``parser`` (a subparser)."""
    parser.add_argument(
        "--listen",
        required=True,
        metavar="URI",
        help="where clients connect: unix:///path, tcp://127.0.0.1:PORT or "
        "npipe:////./pipe/NAME (Windows)",
    )
    parser.add_argument(
        "--upstream",
        "--to",
        dest="upstream",
        required=True,
        metavar="URI",
        help="the Podman socket: unix:///path or ssh://user@host:port/remote/socket/path",
    )
    parser.add_argument("--identity", metavar="FILE", help="SSH private key (else ssh-agent)")
    parser.add_argument(
        "--known-hosts", metavar="FILE", help="known_hosts file (default ~/.ssh/known_hosts)"
    )
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument(
        "--accept-new-host-key",
        action="store_true",
        help="trust an SSH host key seen for the first time and record it in known_hosts "
        "(a CHANGED key is still refused)",
    )
    keys.add_argument(
        "--insecure-skip-host-key-check",
        action="store_true",
        help="do not check the SSH host key at all: anyone able to intercept the connection "
        "can impersonate the server and control Podman. For throwaway setups only",
    )
    parser.add_argument(
        "--machine",
        action="store_true",
        help="the upstream is a podman machine on 127.0.0.1: accept its host key as Podman "
        "does (a machine's key changes when it is re-created)",
    )
    parser.add_argument(
        "--wait",
        type=wait_seconds,
        default=10.0,
        metavar="SECONDS",
        help="how long a client waits for a lost upstream before getting HTTP 502 (default 10)",
    )


def wait_seconds(text: str) -> float:
    """``--wait``: a number of seconds from 0 to an hour (argparse says why otherwise)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"must be from 0 to 3600 seconds, not {text}")
    return value


def run_proxy_command(args: argparse.Namespace) -> int:
    """Run the proxy described by ``args`` until SIGINT/SIGTERM; return the exit code."""
    done = threading.Event()
    failure: list[str] = []

    def on_change(status: ProxyStatus) -> None:
        _report(status, reported)
        if status.upstream_state is UpstreamState.FAILED:
            failure.append(status.last_error)
            done.set()

    reported: dict[str, object] = {}
    config = ProxyConfig(
        listen=args.listen,
        upstream=args.upstream,
        identity=args.identity,
        known_hosts=args.known_hosts,
        accept_new_host_key=args.accept_new_host_key,
        insecure_skip_host_key_check=args.insecure_skip_host_key_check,
        is_machine=args.machine,
        wait_timeout=args.wait,
        ask_passphrase=terminal_passphrase if sys.stdin.isatty() else None,
    )
    try:
        proxy = ProxyThread(config, on_change)
    except ProxyUriError as exc:
        print(f"proxy: {exc}", file=sys.stderr)
        return 2
    previous = _on_signals(done)
    try:
        try:
            proxy.start()
        except ListenerError as exc:
            print(f"proxy: {exc}", file=sys.stderr)
            return 2
        print(f"API forwarding listening on: {proxy.endpoint}", flush=True)
        done.wait()
    finally:
        proxy.stop()
        _restore_signals(previous)
    if failure:
        print(f"proxy: {failure[-1]}", file=sys.stderr)
        return 1
    return 0


def _report(status: ProxyStatus, reported: dict[str, object]) -> None:
    """One stderr line per upstream state change (not per client)."""
    key = (status.upstream_state, status.last_error)
    if reported.get("upstream") == key or status.upstream_state is UpstreamState.STOPPED:
        return
    reported["upstream"] = key
    state = status.upstream_state.value
    detail = f": {status.last_error}" if status.last_error and state != "up" else ""
    print(f"proxy: upstream {status.upstream} is {state}{detail}", file=sys.stderr, flush=True)


def terminal_passphrase(path: str, wrong: bool) -> str | None:
    """Ask for a key's passphrase on the terminal (None when the user gives up)."""
    prompt = ("Wrong passphrase. " if wrong else "") + f"Passphrase for {path}: "
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def _on_signals(done: threading.Event) -> dict:
    if threading.current_thread() is not threading.main_thread():
        return {}  # signals can only be handled on the main thread; the caller stops us
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda *_: done.set())
    return previous


def _restore_signals(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m app.proxy.headless_cli``) until app.cli wires it in."""
    parser = argparse.ArgumentParser(
        prog="proxy", description="Forward a local socket to a Podman API service."
    )
    add_proxy_arguments(parser)
    return run_proxy_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
