"""The toolbar's connection button: which connection is active, what kind it is and in
what state (``● podman-machine-default · machine · Connected``), opening the switcher.

It is a push button with a menu, so the style draws a full drop-down arrow beside the
text (a tool button's indicator is a squashed glyph under the last letter).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QWidget

from app.controllers.connection_manager import ConnectionManager
from app.engine.connection import Connection
from app.models import dots
from app.models.connection_state import ConnectionState, state_color
from app.ui.machine_menu import MachineMenu

TITLE_LIMIT = 40


def connection_kind(connection: Connection) -> str:
    """What the connection is to a Podman user: a machine, a remote host, or this computer."""
    if connection.is_machine:
        return "machine"
    return "remote" if connection.is_ssh else "local"


def connection_title(connection: Connection) -> str:
    """The connection's name; for a URI given on the command line (named by itself), the
    address without its scheme, the home directory as ``~``, shortened in the middle."""
    if connection.name != connection.uri:
        return connection.name
    if connection.is_ssh:
        return connection.describe()
    parsed = urlparse(connection.uri)
    where = parsed.path if connection.scheme in ("unix", "npipe") else parsed.netloc
    home = str(Path.home())
    if where.startswith(home + "/"):
        where = "~" + where[len(home) :]
    where = where or connection.uri
    if len(where) <= TITLE_LIMIT:
        return where
    half = (TITLE_LIMIT - 1) // 2
    return f"{where[:half]}…{where[-half:]}"


def button_text(connection: Connection | None, state: ConnectionState | None) -> str:
    """``name · kind · State``; the kind is left out when the name already says it."""
    if connection is None or state is None:
        return "No connection"
    title, kind = connection_title(connection), connection_kind(connection)
    parts = [title] if kind == title else [title, kind]
    return " · ".join([*parts, state.label])


class ConnectionButton(QPushButton):
    """Names the active connection and opens ``menu`` (the switcher); follows the manager's
    session and that session's state."""

    def __init__(
        self, manager: ConnectionManager, menu: MachineMenu, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionButton")
        self.manager = manager
        self.setMenu(menu)
        manager.session_changed.connect(self._on_session)
        self._on_session(manager.session)

    def _on_session(self, session: object) -> None:
        if session is not None:
            # An old session's late signals only re-read the current one: harmless.
            session.state_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        session = self.manager.session
        connection = session.connection if session is not None else None
        state = session.state if session is not None else None
        text = button_text(connection, state)
        self.setText(text)
        self.setIcon(dots.dot(state_color(state)))
        # A screen reader hears what the eye reads, and what pressing it does.
        self.setAccessibleName(f"Connection: {text}")
        self.setAccessibleDescription("Opens the list of connections and machines to switch to")
        lines = [text]
        if connection is not None:
            lines.append(connection.describe())
            if session.reason and state is not ConnectionState.CONNECTED:
                lines.append(session.reason)
        lines.append("Click to switch connection or machine.")
        self.setToolTip("\n".join(lines))


def add_connection_toolbar(
    window: QMainWindow, manager: ConnectionManager, menu: MachineMenu
) -> ConnectionButton:
    """A fixed toolbar holding "Connection:" and the connection button."""
    button = ConnectionButton(manager, menu, window)
    toolbar = window.addToolBar("Connection")
    toolbar.setObjectName("connectionToolbar")
    toolbar.setMovable(False)
    label = QLabel("Connection:", window)
    label.setBuddy(button)
    label.setContentsMargins(6, 0, 4, 0)
    toolbar.addWidget(label)
    toolbar.addWidget(button)
    return button
