"""The app's own files (icons, the .desktop entry) in app/resources, read as package data
through importlib.resources, so a checkout, an installed wheel and a PyInstaller bundle
find them the same way."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from app import APP_ID

DESKTOP_FILE = f"{APP_ID}.desktop"


def resource(*parts: str) -> Traversable:
    """``app/resources/<parts…>`` wherever the package is installed."""
    return files("app").joinpath("resources", *parts)


def read_bytes(*parts: str) -> bytes:
    return resource(*parts).read_bytes()


def icon_svg(name: str) -> str:
    """The text of ``app/resources/icons/NAME.svg``; OSError when there is none."""
    return resource("icons", f"{name}.svg").read_text(encoding="utf-8")


def icon_names() -> list[str]:
    """Every icon the app ships, by name (``app`` for app.svg), sorted."""
    return sorted(
        entry.name.removesuffix(".svg")
        for entry in resource("icons").iterdir()
        if entry.name.endswith(".svg")
    )
