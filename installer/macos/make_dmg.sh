#!/bin/sh
# Pack an .app into a compressed disk image with an Applications shortcut beside it, so
# the user drags the one onto the other (hdiutil ships with macOS).
#
#   installer/macos/make_dmg.sh "Podman Desktop Companion.app" OUT.dmg
set -eu

APP=$1
DMG=$2
NAME=$(basename "$APP" .app)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "$NAME" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
echo "disk image: $DMG"
