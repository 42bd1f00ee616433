"""Save a PNG of the main window on a connection, for looking at what we build.

QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshot.py OUT.png [URI] [--dark]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.controllers.connection_manager import ConnectionManager  # noqa: E402
from app.controllers.resource_actions import ResourceActions  # noqa: E402
from app.controllers.settings import Settings  # noqa: E402
from app.ui import theme  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402


async def shoot(out: Path, uri: str, window: MainWindow, manager: ConnectionManager) -> None:
    await manager.open_initial(uri)
    for _ in range(50):  # let the session connect and list
        await asyncio.sleep(0.1)
    window.grab().save(str(out))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    from app.support.responsiveness import prepare_qt_environment

    prepare_qt_environment()  # as the app does
    app = QApplication(sys.argv[:1])
    theme.apply("dark" if "--dark" in sys.argv else "light")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    settings = Settings(Path(tempfile.mkdtemp()) / "settings.ini")
    manager = ConnectionManager(settings)
    window = MainWindow(settings, ResourceActions(lambda: manager.session))
    manager.session_changed.connect(window.set_session)
    manager.notice_changed.connect(window.show_notice)
    window.resize(1000, 620)
    window.show()
    with loop:
        loop.run_until_complete(
            shoot(Path(args[0]), args[1] if len(args) > 1 else "", window, manager)
        )
    manager.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
