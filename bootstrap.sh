#!/usr/bin/env bash
# Sets up what is missing (system packages, .venv) and then either launches the
# app or runs the whole test suite:
#   ./bootstrap.sh app [ARGS...]    launch Podman Desktop Companion on the local Podman
#   ./bootstrap.sh test [PYTEST ARGS...]   lint (ruff), then run the test suite
set -euo pipefail
cd "$(dirname "$0")"

# System packages the app and its test bed need (Debian/Ubuntu names). Later
# features add theirs here, so there is one list.
SYSTEM_PACKAGES=(
    podman runc catatonit uidmap slirp4netns
    containernetworking-plugins netavark aardvark-dns iptables
    openssh-server busybox-static docker-registry apache2-utils
    xvfb xdotool trayer x11-utils
    libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
    libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
    libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core
    dbus at-spi2-core python3-pyatspi
    desktop-file-utils
)

log() { printf '%s\n' "$*" >&2; }

missing_packages() {
    local pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || printf '%s\n' "$pkg"
    done
    # A Python without venv/ensurepip (Debian's bare python3) needs python3-venv.
    python3 -c 'import venv, ensurepip' 2>/dev/null || printf '%s\n' python3-venv
}

install_system_packages() {
    if ! command -v dpkg-query >/dev/null; then
        log "Not a Debian/Ubuntu system: install Podman 4 or newer and Qt's xcb libraries yourself."
        return 1
    fi
    local missing
    mapfile -t missing < <(missing_packages)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        log "Installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        log "These system packages are missing: ${missing[*]}"
        log "Install them with:  sudo apt-get install ${missing[*]}"
        return 1
    fi
}

setup_venv() {
    if [ ! -x .venv/bin/python ]; then
        log "Creating .venv"
        python3 -m venv .venv
    fi
    # Reinstall only when pyproject.toml changed since the last install.
    local stamp=.venv/.installed-pyproject
    if ! cmp -s pyproject.toml "$stamp" 2>/dev/null; then
        log "Installing Python dependencies into .venv"
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e '.[test]'
        cp pyproject.toml "$stamp"
    fi
}

# Lint is part of the test command, so CI (which runs only that) fails on it too. It
# runs first: it takes about a second, the suite takes minutes.
lint() {
    local dirs=(app tests bench tools)
    if ! .venv/bin/python -m ruff check "${dirs[@]}"; then
        log "Lint failed. Fix it, or let ruff: .venv/bin/python -m ruff check --fix ${dirs[*]}"
        return 1
    fi
    if ! .venv/bin/python -m ruff format --check "${dirs[@]}"; then
        log "Formatting differs. Apply it with: .venv/bin/python -m ruff format ${dirs[*]}"
        return 1
    fi
}

cmd="${1:-app}"
shift || true
case "$cmd" in
    app)
        # The app explains a missing Podman itself, so a non-root user can still launch it.
        install_system_packages || log "Continuing without them."
        setup_venv
        exec .venv/bin/python -m app "$@"
        ;;
    test)
        install_system_packages
        setup_venv
        lint
        exec .venv/bin/python -m pytest "$@"
        ;;
    *)
        log "usage: ./bootstrap.sh app [ARGS...] | ./bootstrap.sh test [PYTEST ARGS...]"
        exit 2
        ;;
esac
