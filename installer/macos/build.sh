#!/bin/sh
# Build the macOS app: "Podman Desktop Companion.app" (PyInstaller) and a .dmg of it.
# Not run by this project's CI or on its Linux machines: written and checked by reading
# (installer/README.md says what was verified). Run on a Mac, from anywhere:
#
#   installer/macos/build.sh [--tray-only]
#
#   --tray-only   LSUIElement: no Dock icon and no menu bar; the tray (menu bar extra)
#                 icon is the way in. Without it the app behaves as every Mac app does.
#   PYTHON        an interpreter with the app's dependencies and PyInstaller (python3)
#   PDC_BUILD_DIR where to build (default: build/installer in the checkout)
#   PDC_SELF_TEST_CONNECTION   also run the app's --self-test on this connection
set -eu

APP_ID=podman-desktop-companion
APP_NAME="Podman Desktop Companion"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-python3}
OUT=${PDC_BUILD_DIR:-$ROOT/build/installer}
TRAY_ONLY=""
[ "${1:-}" = "--tray-only" ] && TRAY_ONLY="--tray-only"
VERSION=$(cd "$ROOT" && "$PYTHON" -c 'import app; print(app.__version__)')

mkdir -p "$OUT"
(cd "$ROOT" && "$PYTHON" installer/make_icons.py "$OUT/icons" --icns)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/work" "$ROOT/installer/$APP_ID.spec" \
    -- --icon "$OUT/icons/$APP_ID.icns" $TRAY_ONLY

APP="$OUT/dist/$APP_NAME.app"
"$APP/Contents/MacOS/$APP_ID" --version
if [ -n "${PDC_SELF_TEST_CONNECTION:-}" ]; then
    "$APP/Contents/MacOS/$APP_ID" --self-test --connection "$PDC_SELF_TEST_CONNECTION"
fi
"$HERE/make_dmg.sh" "$APP" "$OUT/$APP_ID-$VERSION-macos-$(uname -m).dmg"
