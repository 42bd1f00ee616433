#!/bin/sh
# Check that an installed wheel carries the package data (icons, the .desktop entry) and
# finds it through importlib.resources as a checkout does: build the wheel, install it
# (without dependencies) into a scratch dir, and load every icon from there. ~20 s, most
# of it pip's isolated build, so it is a script rather than a test in the suite.
#
#   installer/check_wheel.sh      (PYTHON: an interpreter with PySide6; default python3)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PYTHON=${PYTHON:-python3}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

"$PYTHON" -m pip wheel --quiet --no-deps -w "$SCRATCH/wheel" "$ROOT"
"$PYTHON" -m pip install --quiet --no-deps --target "$SCRATCH/site" "$SCRATCH"/wheel/*.whl
cd "$SCRATCH"  # not the checkout: its app/ must not be the one imported
PYTHONPATH="$SCRATCH/site" QT_QPA_PLATFORM=offscreen "$PYTHON" - "$SCRATCH/site" <<'PY'
import sys
from pathlib import Path

import app
from app.support import resources

site = Path(sys.argv[1]).resolve()
assert Path(app.__file__).resolve().is_relative_to(site), f"imported {app.__file__}"
from PySide6.QtWidgets import QApplication

qapp = QApplication([])
from app.self_test import load_icons

count = load_icons()
print(f"ok: the wheel's app ({Path(app.__file__).parent}) loaded {count} icons:",
      ", ".join(resources.icon_names()), "and", resources.DESKTOP_FILE)
PY
