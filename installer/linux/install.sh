#!/bin/sh
# Install Podman Desktop Companion for this user only (no root): the bundle under
# ~/.local/share/podman-desktop-companion, a launcher in ~/.local/bin, the menu entry and
# the icons. Every file and directory it creates is recorded in a manifest, which
# uninstall.sh reads to remove exactly those. Run it from the unpacked tarball:
#
#   ./install.sh            (again later to upgrade: the previous install is removed first)
#
# XDG_DATA_HOME moves ~/.local/share; PDC_BIN_DIR moves ~/.local/bin.
set -eu

APP_ID=podman-desktop-companion
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
BIN=${PDC_BIN_DIR:-$HOME/.local/bin}
DEST=$DATA/$APP_ID
MANIFEST=$DEST/install-manifest.txt
LAUNCHER=$BIN/$APP_ID

die() { echo "install.sh: $*" >&2; exit 1; }

[ -x "$HERE/bundle/$APP_ID" ] || die "no bundle next to this script ($HERE/bundle/$APP_ID)"
[ -f "$HERE/share/applications/$APP_ID.desktop" ] || die "no .desktop entry in $HERE/share"

if [ -f "$MANIFEST" ]; then
    echo "Removing the previous install first"
    sh "$HERE/uninstall.sh" --quiet
fi
if [ -e "$DEST" ]; then
    die "$DEST exists but holds no install manifest; move it away first"
fi
if [ -e "$LAUNCHER" ] || [ -L "$LAUNCHER" ]; then
    die "$LAUNCHER exists and was not installed by this script (a pip install?); remove it first"
fi

entries=""
record() { entries="$entries$1
"; }

# mkdir -p that records each directory it creates (and only those).
make_dir() {
    [ -d "$1" ] && return 0
    make_dir "$(dirname "$1")"
    mkdir "$1"
    record "dir $1"
}

# The bundle and this install's own files, as one tree.
make_dir "$DATA"
mkdir "$DEST"
record "tree $DEST"
cp -R "$HERE/bundle" "$DEST/bundle"
cp "$HERE/uninstall.sh" "$DEST/uninstall.sh"
chmod 755 "$DEST/uninstall.sh"

# The launcher: a script rather than a symlink, so the bundle finds its own files.
make_dir "$BIN"
cat > "$LAUNCHER" <<LAUNCH
#!/bin/sh
exec "$DEST/bundle/$APP_ID" "\$@"
LAUNCH
chmod 755 "$LAUNCHER"
record "file $LAUNCHER"

# The menu entry, its Exec and TryExec pointing at the launcher (quoted as the Desktop
# Entry Specification asks when the path has a space or a special character).
exec_value=$(printf '%s' "$LAUNCHER" | sed 's/[\\"`$]/\\&/g')
case "$LAUNCHER" in
    *[!A-Za-z0-9_./-]*) exec_value="\"$exec_value\"" ;;
esac
make_dir "$DATA/applications"
DESKTOP=$DATA/applications/$APP_ID.desktop
PDC_EXEC=$exec_value PDC_TRY=$LAUNCHER awk '
    /^Exec=/ { print "Exec=" ENVIRON["PDC_EXEC"]; print "TryExec=" ENVIRON["PDC_TRY"]; next }
    /^TryExec=/ { next }
    { print }
' "$HERE/share/applications/$APP_ID.desktop" > "$DESKTOP"
record "file $DESKTOP"

# The icons: hicolor, scalable SVG and the PNG sizes drawn at build time.
(cd "$HERE/share/icons" && find hicolor -type f -name "$APP_ID.*") | sort | while read -r icon; do
    echo "$icon"
done > "$DEST/.icons"
while read -r icon; do
    make_dir "$DATA/icons/$(dirname "$icon")"
    cp "$HERE/share/icons/$icon" "$DATA/icons/$icon"
    record "file $DATA/icons/$icon"
done < "$DEST/.icons"
rm -f "$DEST/.icons"

printf '%s' "$entries" > "$MANIFEST"

echo "Installed $APP_ID into $DEST"
echo "  launcher:   $LAUNCHER"
echo "  menu entry: $DESKTOP"
case ":$PATH:" in
    *":$BIN:"*) ;;
    *) echo "  note: $BIN is not on your PATH; the menu entry works regardless" ;;
esac
echo "Remove it with: $DEST/uninstall.sh"
