"""Every setting survives a restart: written by one process, read back by a new one.

A fresh Settings in the same process is not enough: QSettings shares one cache per file
within a process, which hid the "general" group bug (values written under general/ came
back under General/ only in a new process).
"""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtCore import QByteArray

from app.controllers.settings import Settings, _Setting

READ_BACK = """
import json, sys
from PySide6.QtCore import QByteArray
from app.controllers.settings import Settings, _Setting
settings = Settings(__import__("pathlib").Path(sys.argv[1]))
out = {}
for name, field in vars(Settings).items():
    if isinstance(field, _Setting):
        value = getattr(settings, name)
        out[name] = bytes(value).hex() if isinstance(value, QByteArray) else value
print(json.dumps(out))
"""


def _fields() -> dict[str, _Setting]:
    return {name: f for name, f in vars(Settings).items() if isinstance(f, _Setting)}


def _changed(name: str, default: object) -> object:
    """A value unlike the default, of the same type."""
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + 7
    if isinstance(default, QByteArray):
        return QByteArray(b"\x01\x02" + name.encode())
    if name == "theme":
        return "dark"
    return f"changed-{name}"


def _read_in_new_process(path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", READ_BACK, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_setting_is_read_back_by_a_new_process(tmp_path):
    path = tmp_path / "settings.ini"
    settings = Settings(path)
    expected = {}
    for name, field in _fields().items():
        value = _changed(name, field.default)
        setattr(settings, name, value)
        expected[name] = bytes(value).hex() if isinstance(value, QByteArray) else value
    settings.sync()
    assert len(expected) >= 20  # every field, not a few
    assert _read_in_new_process(path) == expected


def test_values_an_earlier_version_lost_are_rescued(tmp_path):
    # What earlier versions wrote for theme=dark, close_to_tray=false.
    path = tmp_path / "settings.ini"
    path.write_text("[%General]\ntheme=dark\nclose_to_tray=false\n\n[window]\npage=images\n")
    got = _read_in_new_process(path)
    assert got["theme"] == "dark"
    assert got["close_to_tray"] is False
    assert got["window_page"] == "images"
    assert "%General" not in path.read_text()
