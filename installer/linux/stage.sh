#!/bin/sh
# Lay out the Linux release directory around a one-folder bundle:
#
#   STAGE/bundle/                     the bundle (podman-desktop-companion and _internal/)
#   STAGE/share/applications/…        the .desktop entry from app/resources
#   STAGE/share/icons/hicolor/…       app.svg and PNGs drawn from it
#   STAGE/install.sh, uninstall.sh
#
#   installer/linux/stage.sh BUNDLE_DIR STAGE_DIR     (PYTHON: an interpreter with PySide6)
set -eu

APP_ID=podman-desktop-companion
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-python3}
BUNDLE=$1
STAGE=$2

[ -x "$BUNDLE/$APP_ID" ] || { echo "stage.sh: $BUNDLE/$APP_ID is not a bundle" >&2; exit 1; }
rm -rf "$STAGE"
mkdir -p "$STAGE/share/applications"
cp -R "$BUNDLE" "$STAGE/bundle"
cp "$ROOT/app/resources/$APP_ID.desktop" "$STAGE/share/applications/"
(cd "$ROOT" && QT_QPA_PLATFORM=offscreen "$PYTHON" installer/make_icons.py "$STAGE/share/icons") >/dev/null
cp "$HERE/install.sh" "$HERE/uninstall.sh" "$STAGE/"
chmod 755 "$STAGE/install.sh" "$STAGE/uninstall.sh"
