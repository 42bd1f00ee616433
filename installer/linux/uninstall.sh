#!/bin/sh
# Remove what install.sh added, as its manifest lists it (files, the bundle's tree, the
# directories it had to create, when they are empty again), and the "Start at login"
# entry if it starts this install. Settings and logs stay: they are the user's
# (~/.config/podman-desktop-companion, ~/.local/state/podman-desktop-companion).
set -eu

APP_ID=podman-desktop-companion
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
DEST=$DATA/$APP_ID
MANIFEST=$DEST/install-manifest.txt
QUIET=${1:-}

say() { [ "$QUIET" = "--quiet" ] || echo "$@"; }

if [ ! -f "$MANIFEST" ]; then
    echo "uninstall.sh: nothing to remove (no $MANIFEST)" >&2
    exit 1
fi

AUTOSTART=${XDG_CONFIG_HOME:-$HOME/.config}/autostart/$APP_ID.desktop
if [ -f "$AUTOSTART" ] && grep -q "$DEST/bundle/" "$AUTOSTART"; then
    rm -f "$AUTOSTART"
    say "removed $AUTOSTART"
fi

# Last created, first removed: files, then the tree, then the directories made for them.
reversed=$(awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$MANIFEST")
printf '%s\n' "$reversed" | while read -r kind path; do
    case "$kind" in
        file) rm -f "$path" ;;
        tree) [ "$path" = "$DEST" ] && rm -rf "$path" ;;  # never any other tree
        dir) rmdir "$path" 2>/dev/null || true ;;
        *) continue ;;
    esac
    say "removed $path"
done
say "Uninstalled $APP_ID"
