"""Keeping the GUI thread responsive: objects made at startup live as long as the app,
so they are frozen out of the garbage collector's full scans, which otherwise pause the
GUI thread for tens of milliseconds (measured ~30 ms here, ~95 ms under pytest)."""

from __future__ import annotations

import gc


def tune_for_gui() -> None:
    """Call once the app has started (its long-lived objects exist)."""
    gc.collect()
    gc.freeze()
