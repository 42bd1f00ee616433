"""Podman Desktop Companion: a light, native Qt desktop companion for Podman."""

__version__ = "0.1.0"
APP_NAME = "Podman Desktop Companion"
APP_ID = "podman-desktop-companion"
