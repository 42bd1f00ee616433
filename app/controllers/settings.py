"""The app's one typed settings object (QSettings, INI file, underneath).

Every feature adds its fields here and its section to the Settings dialog, rather than
keeping a store of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from app.support import log, paths

_log = log.get("settings")

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
    # Not "general/…": QSettings' INI format keeps a group named "general" in
    # [%General] and a new process reads it back as "General/…", so it was lost
    # (docs/podman-notes.md, "QSettings and a group named general").
    podman_path = _Setting("app/podman_path", "")
    theme = _Setting("app/theme", "system")
    docker_socket_enabled = _Setting("docker/enabled", True)
    docker_socket_address = _Setting("docker/address", "")  # "" = the platform's default
    window_geometry = _Setting("window/geometry", QByteArray())
    window_state = _Setting("window/state", QByteArray())
    # the main window's lists (issue 3)
    close_to_tray = _Setting("app/close_to_tray", True)
    window_page = _Setting("window/page", "containers")
    show_infra_containers = _Setting("containers/show_infra", False)
    group_containers_by_pod = _Setting("containers/group_by_pod", False)
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
    # the first-run welcome (issue 12): shown until dismissed; the image it runs
    welcome_done = _Setting("app/welcome_done", False)
    hello_image = _Setting("app/hello_image", "quay.io/podman/hello")
    # pulls and pushes (issue 13): registries the user chose to reach without TLS
    # verification, as comma-separated host names (never a login)
    skip_tls_registries = _Setting("registries/skip_tls_verify", "")

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else paths.config_dir() / "settings.ini"
        self._make_private()
        self.store = QSettings(str(self.path), QSettings.Format.IniFormat)
        self._rescue_general_group()

    def _make_private(self) -> None:
        """The file 0600 in a 0700 directory before QSettings first writes it (it keeps
        an existing file's mode): settings name the user's connections."""
        try:
            paths.ensure_private_dir(self.path.parent)
            paths.ensure_private_file(self.path)
        except OSError as exc:
            _log.warning("cannot make the settings file %s private: %s", self.path, exc)

    def _rescue_general_group(self) -> None:
        """Move values that earlier versions wrote under "general/" to their keys now.

        They read back as "General/NAME"; without this, a user's theme, tray choice
        and podman path would reset once more on the first start of this version.
        """
        for name in ("podman_path", "theme", "close_to_tray"):
            old = f"General/{name}"
            if self.store.contains(old):
                if not self.store.contains(f"app/{name}"):
                    self.store.setValue(f"app/{name}", self.store.value(old))
                self.store.remove(old)

    def sync(self) -> None:
        self.store.sync()
