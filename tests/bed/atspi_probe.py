"""Reads the app through the accessibility bus (AT-SPI), as a screen reader does.

Run with the system Python, which has Debian's python3-pyatspi (the project's venv cannot
import it); the D-Bus session and DISPLAY come from the environment:

    /usr/bin/python3 tests/bed/atspi_probe.py WINDOW_TITLE [--select-row TEXT --press NAME]

It waits for a window titled WINDOW_TITLE of any application on the bus, then prints one
JSON object: ``unnamed`` lists the interactive controls shown without a name (role and
path), ``buttons`` the names of the push buttons shown. With ``--select-row TEXT`` it
selects, through the Table interface, the list row that has a cell reading TEXT; with
``--press NAME`` it then presses, through the Action interface, the push button of that
name (``pressed`` says whether it found one that is enabled).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pyatspi

# The roles a user acts on; each must have a name to be announced.
INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_TABLE,
    pyatspi.ROLE_TREE_TABLE,
    pyatspi.ROLE_TREE,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_PAGE_TAB_LIST,
}
TEXT_ROLES = {pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY}
# Qt's item views: a QTreeView is a "tree", a QTableView a "table"; both have the Table
# interface, and their cells are data, named by their text.
LISTS = {pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE, pyatspi.ROLE_TREE}


def wait_for(find, timeout: float):
    """``find()`` until it returns something, or None after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = find()
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def find_window(title: str):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is None:
            continue
        for window in app:
            if window is not None and window.name == title:
                return window
    return None


def walk(node, path: str = ""):
    """Every descendant that is showing, with a readable path for the report."""
    for index in range(node.childCount):
        child = node.getChildAtIndex(index)
        if child is None:
            continue
        states = child.getState()
        if not states.contains(pyatspi.STATE_SHOWING):
            continue
        where = f"{path}/{child.getRoleName()}[{index}]"
        yield child, where
        if child.getRole() in LISTS:
            continue  # its cells are rows of data, named by their text
        yield from walk(child, where)


def is_editable_text(node) -> bool:
    return node.getRole() in TEXT_ROLES and node.getState().contains(pyatspi.STATE_EDITABLE)


def select_row(window, text: str) -> bool:
    for node, _where in walk(window):
        if node.getRole() not in LISTS:
            continue
        table = node.queryTable()
        for row in range(table.nRows):
            for column in range(table.nColumns):
                cell = table.getAccessibleAt(row, column)
                if cell is not None and cell.name == text:
                    return bool(table.addRowSelection(row))
    return False


def press(window, name: str) -> bool:
    for node, _where in walk(window):
        if node.getRole() == pyatspi.ROLE_PUSH_BUTTON and node.name == name:
            if not node.getState().contains(pyatspi.STATE_SENSITIVE):
                continue
            action = node.queryAction()
            for index in range(action.nActions):
                if action.getName(index) in ("Press", "press", "click"):
                    return bool(action.doAction(index))
            return bool(action.doAction(0))
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("title")
    parser.add_argument("--select-row", default="")
    parser.add_argument("--press", default="")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    window = wait_for(lambda: find_window(args.title), args.timeout)
    if window is None:
        print(json.dumps({"error": f"no window titled {args.title!r} on the bus"}))
        return 1
    report: dict = {"unnamed": [], "buttons": []}
    for node, where in walk(window):
        role = node.getRole()
        if role == pyatspi.ROLE_PUSH_BUTTON:
            report["buttons"].append(node.name)
        if (role in INTERACTIVE or is_editable_text(node)) and not node.name.strip():
            report["unnamed"].append(where)
    if args.select_row:
        report["selected"] = wait_for(lambda: select_row(window, args.select_row) or None, 10)
    if args.press:
        # Enabled once the selection reached the window's actions.
        report["pressed"] = wait_for(lambda: press(window, args.press) or None, 10) is not None
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
