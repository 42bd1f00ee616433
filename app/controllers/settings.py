"""The app's one typed settings object (QSettings, INI file, underneath).

Every feature adds its fields here and its section to the Settings dialog, rather than
keeping a store of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from app.support import paths

T = TypeVar("T")


class _Setting(Generic[T]):
    """A typed field: reads fall back to the default when the stored value is unusable."""

    def __init__(self, key: str, default: T) -> None:
        self.key = key
        self.default = default

    def __get__(self, obj: Settings | None, owner: type) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        raw = obj.store.value(self.key, self.default)
        return _coerce(raw, self.default)

    def __set__(self, obj: Settings, value: T) -> None:
        obj.store.setValue(self.key, value)


def _coerce(raw: Any, default: Any) -> Any:
    # INI files give strings back; turn them into the default's type.
    if isinstance(default, bool):
        if isinstance(raw, str):
            return raw.lower() in ("true", "1", "yes")
        return bool(raw)
    if isinstance(default, int):
        try:
            return int(raw)
        except (TypeError, ValueError):
            return default
    if isinstance(default, QByteArray):
        return raw if isinstance(raw, QByteArray) else default
    if isinstance(default, str):
        return raw if isinstance(raw, str) else default
    return raw


THEMES = ("system", "light", "dark")


class Settings:
    """Typed access to settings.ini in the user's config dir."""

    last_connection = _Setting("connection/last", "")
    podman_path = _Setting("general/podman_path", "")
    theme = _Setting("general/theme", "system")
    docker_socket_enabled = _Setting("docker/enabled", True)
    docker_socket_address = _Setting("docker/address", "")  # "" = the platform's default
    window_geometry = _Setting("window/geometry", QByteArray())
    window_state = _Setting("window/state", QByteArray())
    # the main window's lists (issue 3)
    close_to_tray = _Setting("general/close_to_tray", True)
    window_page = _Setting("window/page", "containers")
    show_infra_containers = _Setting("containers/show_infra", False)
    headers_containers = _Setting("views/containers_header", QByteArray())
    headers_images = _Setting("views/images_header", QByteArray())
    headers_volumes = _Setting("views/volumes_header", QByteArray())
    headers_machines = _Setting("views/machines_header", QByteArray())
    headers_pods = _Setting("views/pods_header", QByteArray())
    headers_networks = _Setting("views/networks_header", QByteArray())
    headers_secrets = _Setting("views/secrets_header", QByteArray())
    # the tray, machines and notifications (issue 5)
    notifications_enabled = _Setting("tray/notifications", True)
    start_default_machine = _Setting("machines/start_default_on_launch", False)
    tray_notice_shown = _Setting("tray/close_notice_shown", False)

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.config_dir() / "settings.ini"
        self.store = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self.store.sync()
