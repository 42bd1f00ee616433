"""Whether a window can be shown at all, said in one line instead of a Qt abort."""

from __future__ import annotations

import os
import sys


def missing_display() -> str:
    """Why no window can open here ("" when one can).

    Qt's xcb plugin aborts the process without a display; say so before it tries.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return (
        "no display: run the app in a desktop session (DISPLAY or WAYLAND_DISPLAY is not "
        "set), or use a headless command: connections, ping, proxy"
    )
