"""``--self-test``: is this installation whole? Imports every module, loads every icon and
opens the main window offscreen on one connection, printing each check; exit 0 when all
pass, 1 with the reason when one fails.

It is what an installer's build runs on its bundle (a module PyInstaller missed, an icon
left out of the package data), so it starts nothing a user would notice: no tray, no
proxy, no instance server, no Podman service of its own, and it writes no settings (the
window gets a throwaway settings file).
"""

from __future__ import annotations

import asyncio
import importlib
import os
import pkgutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import app
from app import APP_NAME, __version__
from app.engine.connection import Connection

# Modules that exist for one platform only (they load that platform's system libraries).
PLATFORM_ONLY = {"app.proxy.npipe_listener": "win32"}
# Importing it runs the app; everything else is safe to import.
NOT_IMPORTED = {"app.__main__"}
CONNECT_TIMEOUT_S = 30.0


class SelfTestFailed(Exception):
    """One check failed: the message says which and why."""


def run_self_test(connection: Connection | None, out: Callable[[str], None] = print) -> int:
    """Run every check against ``connection`` (None: only the checks that need none)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed, none touched
    out(f"{APP_NAME} {__version__} self-test ({'frozen bundle' if _frozen() else sys.prefix})")
    try:
        out(f"ok: imported {import_all(out)} modules under app/")
        qapp = _qapp()
        out(f"ok: loaded {load_icons()} icons and the .desktop entry")
        out(_open_window(qapp, connection))
    except SelfTestFailed as exc:
        out(f"FAILED: {exc}")
        return 1
    out("self-test passed")
    return 0


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def import_all(out: Callable[[str], None] = print) -> int:
    """Import every module under app/ (what a bundle must contain); the number imported."""
    count = 0
    failures: list[str] = []
    for module in pkgutil.walk_packages(app.__path__, "app.", onerror=failures.append):
        name = module.name
        if name in NOT_IMPORTED:
            continue
        platform = PLATFORM_ONLY.get(name)
        if platform and platform != sys.platform:
            out(f"skipped: {name} (only on {platform})")
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # any failure is the finding
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        count += 1
    if failures:
        raise SelfTestFailed("cannot import " + "; ".join(failures))
    if count == 0:
        raise SelfTestFailed("found no modules under app/ (is the package complete?)")
    return count


def _qapp():  # noqa: ANN202 - QApplication, imported late so the imports above come first
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_qt_message)
    QApplication.setApplicationName(f"{app.APP_ID}-self-test")
    return QApplication.instance() or QApplication(sys.argv[:1])


def _qt_message(_kind: object, _context: object, message: str) -> None:
    # The offscreen platform says it cannot propagate size hints for every window: noise.
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def load_icons() -> int:
    """Draw every icon the package ships; the number drawn."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer

    from app.support import resources
    from app.ui import icons

    try:
        names = resources.icon_names()
        desktop = resources.read_bytes(resources.DESKTOP_FILE).decode()
    except OSError as exc:
        raise SelfTestFailed(f"the package data is missing: {exc}") from exc
    if "[Desktop Entry]" not in desktop:
        raise SelfTestFailed(f"{resources.DESKTOP_FILE} is not a desktop entry")
    if "app" not in names:
        raise SelfTestFailed(f"the app icon is missing (found: {', '.join(names) or 'none'})")
    for name in names:
        if not QSvgRenderer(QByteArray(resources.icon_svg(name).encode())).isValid():
            raise SelfTestFailed(f"icons/{name}.svg does not render")
        if icons.icon(name, "#000000").isNull():
            raise SelfTestFailed(f"icons/{name}.svg gives no icon")
    if icons.app_icon().isNull():
        raise SelfTestFailed("the window icon does not load")
    return len(names)


def _open_window(qapp, connection: Connection | None) -> str:  # noqa: ANN001
    """Show the main window on ``connection`` and wait until its lists are loaded."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        with tempfile.TemporaryDirectory(prefix="pdc-self-test-") as scratch:
            return loop.run_until_complete(_window_on(connection, Path(scratch)))
    finally:
        loop.close()


async def _window_on(connection: Connection | None, scratch: Path) -> str:
    from app.controllers.resource_actions import ResourceActions
    from app.controllers.session import Session
    from app.controllers.settings import Settings
    from app.models.connection_state import ConnectionState
    from app.ui.main_window import MainWindow

    session: Session | None = None
    window = MainWindow(Settings(scratch / "settings.ini"), ResourceActions(lambda: session))
    window.show()
    try:
        if connection is None:
            return "ok: opened the main window (no connection to open: none was found)"
        if connection.is_ssh:
            return (
                f"ok: opened the main window; {connection.name} not opened: ssh:// goes "
                "through the app's proxy, which the self-test does not start"
            )
        session = Session(connection)
        ready = asyncio.get_event_loop().create_future()

        def on_state(state: ConnectionState, reason: str) -> None:
            if state is ConnectionState.CONNECTED and session.version is not None:
                ready.done() or ready.set_result("")
            elif state not in (ConnectionState.CONNECTING, ConnectionState.CONNECTED):
                ready.done() or ready.set_result(reason or state.value)

        session.state_changed.connect(on_state)
        window.set_session(session)
        session.start()
        try:
            problem = await asyncio.wait_for(ready, CONNECT_TIMEOUT_S)
        except asyncio.TimeoutError:
            problem = f"no answer in {CONNECT_TIMEOUT_S:.0f} s"
        if problem:
            where = connection.uri
            if connection.name != where:
                where = f"{connection.name} ({where})"
            if connection.source == "local":
                problem += " (the app would start its own Podman service; the self-test does not)"
            raise SelfTestFailed(f"{where}: {problem}")
        if not window.isVisible():
            raise SelfTestFailed("the main window did not show")
        version = session.version.version
        listed = ", ".join(
            f"{len(session.items(kind))} {kind}" for kind in ("containers", "images")
        )
        return f"ok: opened the main window on {connection.uri} (Podman {version}; {listed})"
    finally:
        window.set_session(None)
        if session is not None:
            session.close()
        window.hide()
        window.deleteLater()
