"""No Qt object is made with a signal connected by keyword (docs/architecture.md,
"Connecting signals"): PySide6 6.11.3 never frees the Connection such a keyword makes."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Signal

APP = Path(__file__).resolve().parents[2] / "app"
MODULES = (QtCore, QtGui, QtWidgets)


def _qt_class(name: str) -> type | None:
    for module in MODULES:
        cls = getattr(module, name, None)
        if isinstance(cls, type):
            return cls
    return None


def _keyword_connections(source: str) -> list[tuple[int, str, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else None
        cls = _qt_class(name) if name and name.startswith("Q") else None
        if cls is None:
            continue
        for keyword in node.keywords:
            if keyword.arg and isinstance(getattr(cls, keyword.arg, None), Signal):
                found.append((node.lineno, name, keyword.arg))
    return found


def test_the_checker_sees_a_keyword_connection():
    code = "QShortcut(key, parent, activated=slot)\nQTimer(parent, singleShot=True)\n"
    assert _keyword_connections(code) == [(1, "QShortcut", "activated")]


def test_no_signal_is_connected_by_a_constructor_keyword():
    problems = [
        f"{path.relative_to(APP.parent)}:{line}: {cls}({keyword}=...)"
        for path in sorted(APP.rglob("*.py"))
        for line, cls, keyword in _keyword_connections(path.read_text())
    ]
    assert problems == []
