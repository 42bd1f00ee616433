#!/bin/sh
# Build the Linux release: a one-folder PyInstaller bundle, laid out with install.sh, and
# a tarball of it. Run from anywhere:
#
#   installer/linux/build.sh
#
#   PYTHON      an interpreter with the app's dependencies and PyInstaller (default python3)
#   PDC_BUILD_DIR   where to build (default: build/installer in the checkout, git-ignored)
#   PDC_SELF_TEST_CONNECTION   a Podman URI or connection name: also run the bundle's
#               --self-test on it (without it only --version is checked)
set -eu

APP_ID=podman-desktop-companion
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-python3}
OUT=${PDC_BUILD_DIR:-$ROOT/build/installer}
VERSION=$(cd "$ROOT" && "$PYTHON" -c 'import app; print(app.__version__)')
ARCH=$(uname -m)
NAME=$APP_ID-$VERSION-linux-$ARCH

mkdir -p "$OUT"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/work" "$ROOT/installer/$APP_ID.spec"
PYTHON=$PYTHON "$HERE/stage.sh" "$OUT/dist/$APP_ID" "$OUT/$NAME"

echo "Checking the bundle"
"$OUT/$NAME/bundle/$APP_ID" --version
if [ -n "${PDC_SELF_TEST_CONNECTION:-}" ]; then
    "$OUT/$NAME/bundle/$APP_ID" --self-test --connection "$PDC_SELF_TEST_CONNECTION"
fi

tar -C "$OUT" -czf "$OUT/$NAME.tar.gz" "$NAME"
echo "bundle:  $OUT/$NAME/bundle ($(du -sh "$OUT/$NAME/bundle" | cut -f1) unpacked)"
echo "tarball: $OUT/$NAME.tar.gz ($(du -h "$OUT/$NAME.tar.gz" | cut -f1))"
