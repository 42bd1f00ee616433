"""Run under a real X display with a tray host: shows the app's tray icon, opens its
menu, screenshots the screen, and prints what it saw as one JSON line (for
tests/ui/test_tray_xvfb.py)."""

import asyncio
import json
import sys

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.controllers.connection_manager import ConnectionManager
from app.controllers.machine_controller import MachineController
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.ui.machine_menu import MachineSwitcher
from app.ui.tray import Tray
from app.ui.tray_menu import TrayMenu


def main(settings_path: str, shot: str, connection: str = "") -> int:
    qapp = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    result = {"available": QSystemTrayIcon.isSystemTrayAvailable()}
    manager = ConnectionManager(Settings(settings_path))
    controller = MachineController(manager.cli)
    tasks = set()
    switcher = MachineSwitcher(manager, controller, lambda c: tasks.add(asyncio.ensure_future(c)))
    menu = TrayMenu(switcher, ResourceActions(lambda: manager.session))
    tray = Tray(manager, controller, menu)
    tray.show()
    result["visible"] = tray.icon.isVisible()
    result["tooltip"] = tray.icon.toolTip()

    done = loop.create_future()

    def opened() -> None:
        if not menu.isVisible():
            QTimer.singleShot(50, opened)
            return
        result["menu_visible"] = True
        result["tooltip"] = tray.icon.toolTip()
        result["menu_items"] = [a.text() for a in menu.actions() if not a.isSeparator()]
        result["geometry"] = tray.icon.geometry().getRect()
        QTimer.singleShot(100, grab)  # one more turn of the loop for the X server to paint

    def grab() -> None:
        QGuiApplication.primaryScreen().grabWindow(0).save(shot)
        menu.hide()
        done.set_result(None)

    def open_menu() -> None:
        # The tray host embeds the icon asynchronously: wait until it has a place.
        if tray.icon.geometry().isEmpty():
            QTimer.singleShot(50, open_menu)
            return
        menu.popup(tray.icon.geometry().bottomLeft())
        opened()

    async def connect_then_open() -> None:
        if connection:
            await manager.open_initial(connection)
            while manager.session.state.value != "connected" or not manager.session.items(
                "containers"
            ):
                await asyncio.sleep(0.05)
        QTimer.singleShot(0, open_menu)  # outside this task: Qt runs the popup

    tasks.add(asyncio.ensure_future(connect_then_open()))
    with loop:
        loop.run_until_complete(asyncio.wait_for(done, 30))
    print(json.dumps(result), flush=True)
    manager.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
