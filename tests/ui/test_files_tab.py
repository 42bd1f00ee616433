"""The inspector's Files tab against the real, isolated Podman: listing, navigation,
downloads byte-identical to `podman cp`, uploads (also dropped on the tab), and the
words for a stopped container and a read-only one."""

from __future__ import annotations

import filecmp
import hashlib
import os

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.controllers.connection_manager import ConnectionManager
from app.controllers.inspector_manager import InspectorManager
from app.controllers.operations import Operations, OperationState
from app.controllers.resource_actions import ResourceActions
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.engine.file_records import BY_ARCHIVE, BY_STAT, DIR, LINK
from app.models import humanize
from app.models.connection_state import ConnectionState
from app.models.file_list_model import ENTRY_ROLE
from app.ui.inspector.container_inspector import ContainerInspector
from app.ui.inspector.files_tab import FilesTab
from tests.bed.podman import TEST_IMAGE
from tests.ui.conftest import spawn


@pytest.fixture
def inspect(qtbot, qloop, tmp_path, podman):
    """open(name, connection=None) -> the Files tab of an inspector, listed at "/"; the
    first call opens the connection (the test Podman's socket unless one is given)."""
    manager = ConnectionManager(Settings(tmp_path / "settings.ini"))
    actions = ResourceActions(lambda: manager.session)
    operations = Operations()
    inspectors = InspectorManager(
        manager, lambda s, ref: ContainerInspector(s, ref, actions, operations=operations)
    )

    def open_files(name: str, connection: Connection | None = None) -> FilesTab:
        if manager.session is None:
            with qtbot.waitSignal(manager.session_changed, timeout=15_000) as opened:
                spawn(manager.open(connection or Connection(name="test", uri=podman.uri)))
            session = opened.args[0]
            qtbot.waitUntil(lambda: session.state is ConnectionState.CONNECTED, timeout=20_000)
        with qtbot.waitSignal(inspectors.opened, timeout=5_000) as shown:
            inspectors.open(name)
        window = shown.args[0]
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.container_id != "", timeout=10_000)
        with qtbot.waitSignal(window.files.listed, timeout=15_000):
            window.tabs.setCurrentWidget(window.files)
        return window.files

    yield open_files
    inspectors.close_all()
    operations.close()
    manager.shutdown()


def _go(qtbot, tab: FilesTab, path: str):
    with qtbot.waitSignal(tab.listed, timeout=15_000) as listed:
        tab.path_edit.setText(path)
        tab.path_edit.setFocus()
        qtbot.keyClick(tab.path_edit, Qt.Key.Key_Return)
    return listed.args[0]


def _row(tab: FilesTab, name: str) -> QModelIndex:
    row = tab.model.row_of(name)
    if row < 0:
        raise AssertionError(f"{name} is not listed: {_names(tab)}")
    return tab.model.index(row, 0)


def _cell(tab: FilesTab, name: str, column: int) -> str:
    return _row(tab, name).siblingAtColumn(column).data()


def _names(tab: FilesTab) -> list[str]:
    return [tab.model.index(i, 0).data() for i in range(tab.model.rowCount())]


def _drag_and_drop(tab: FilesTab, mime: QMimeData) -> bool:
    """Drag ``mime`` over the tab and drop it, as the desktop would; True if accepted."""
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(10, 10), *args)
    QApplication.sendEvent(tab, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(tab, QDropEvent(QPointF(10, 10), *args))
    return True


def _wait_transfer(qtbot, operation, timeout=30_000):
    with qtbot.waitSignal(operation.ended, timeout=timeout):
        pass
    return operation


def _sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_lists_bin_and_navigates_by_keyboard(qtbot, podman, inspect):
    podman.cli("run", "-d", "--name", "files1", TEST_IMAGE, "sleep", "600")
    podman.cli("exec", "files1", "sh", "-c", "mkdir -p '/data/sub dir' && echo x > '/data/a b.txt'")
    tab = inspect("files1")
    assert {"bin", "etc", "data"} <= set(_names(tab))

    listing = _go(qtbot, tab, "/bin")
    assert listing.method == BY_STAT
    expected = set(podman.cli("exec", "files1", "ls", "-a", "/bin").split()) - {".", ".."}
    assert set(_names(tab)) == expected
    entries = {entry.name: entry for entry in listing.entries}
    assert entries["busybox"].kind == "file" and entries["busybox"].size > 100_000
    assert entries["sh"].kind == LINK and entries["sh"].target == "busybox"
    assert _cell(tab, "sh", 5) == "busybox"  # the link target column

    # Up, then into "data" with Enter on its row, then into "sub dir" the same way.
    with qtbot.waitSignal(tab.listed, timeout=15_000):
        tab.up_button.click()
    assert tab.path == "/"
    tab.table.setFocus()
    tab.table.setCurrentIndex(_row(tab, "data"))
    with qtbot.waitSignal(tab.listed, timeout=15_000):
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert tab.path == "/data" and set(_names(tab)) == {"a b.txt", "sub dir"}
    assert _row(tab, "sub dir").data(ENTRY_ROLE).kind == DIR
    assert _names(tab)[0] == "sub dir"  # folders first
    # The first row (a folder: folders come first) is current, and the table kept the
    # focus, so Enter again goes on down.
    assert tab.table.currentIndex().data() == "sub dir"
    with qtbot.waitSignal(tab.listed, timeout=15_000):
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert tab.path == "/data/sub dir" and not tab.table.isVisible()
    assert tab.empty.text() == "This folder is empty."

    # Backspace in the path field edits it; in the table it goes up.
    tab.path_edit.setFocus()
    qtbot.keyClick(tab.path_edit, Qt.Key.Key_Backspace)
    assert tab.path_edit.text() == "/data/sub di" and tab.path == "/data/sub dir"
    _go(qtbot, tab, "/data")
    tab.table.setFocus()
    with qtbot.waitSignal(tab.listed, timeout=15_000):
        qtbot.keyClick(tab.table, Qt.Key.Key_Backspace)
    assert tab.path == "/"

    # A file's path typed in shows its folder with the file current.
    listing = _go(qtbot, tab, "/bin/busybox")
    assert listing.path == "/bin" and tab.table.currentIndex().data() == "busybox"

    with qtbot.waitSignal(tab.list_failed, timeout=15_000) as failed:
        tab.go("/no/such")
    assert "no such file or directory" in failed.args[0]
    assert "Cannot list /no/such" in tab.empty.text()


def test_download_is_byte_identical_to_podman_cp(qtbot, podman, inspect, tmp_path):
    podman.cli("run", "-d", "--name", "files2", TEST_IMAGE, "sleep", "600")
    podman.cli(
        "exec", "files2", "sh", "-c",
        "mkdir -p /srv/tree/deep && dd if=/dev/urandom of=/srv/big.bin bs=1M count=20 2>/dev/null"
        " && echo one > '/srv/tree/a file' && echo two > /srv/tree/deep/b"
        " && ln -s 'a file' /srv/tree/link && ln -s /etc/passwd /srv/tree/outside"
        " && dd if=/dev/zero of=/srv/zeros bs=1M count=300 2>/dev/null",
    )  # fmt: skip
    tab = inspect("files2")
    _go(qtbot, tab, "/srv")

    entry = _row(tab, "big.bin").data(ENTRY_ROLE)
    target = tmp_path / "got" / "big.bin"
    target.parent.mkdir()
    progress = []
    operation = tab.download(entry, str(target))
    operation.progress.connect(progress.append)
    _wait_transfer(qtbot, operation)
    assert operation.state is OperationState.DONE, operation.error
    podman.cli("cp", "files2:/srv/big.bin", str(tmp_path / "cp.bin"))
    assert target.stat().st_size == 20 * 1024 * 1024
    assert _sha(target) == _sha(tmp_path / "cp.bin")
    assert progress and progress[-1].total == 20 * 1024 * 1024
    assert "Downloaded big.bin" in tab.status.text()

    folder = _row(tab, "tree").data(ENTRY_ROLE)
    operation = _wait_transfer(qtbot, tab.download(folder, str(tmp_path / "got" / "tree")))
    assert operation.state is OperationState.DONE, operation.error
    podman.cli("cp", "files2:/srv/tree", str(tmp_path / "cp-tree"))
    got, ref = tmp_path / "got" / "tree", tmp_path / "cp-tree"
    assert sorted(p.relative_to(got).as_posix() for p in got.rglob("*")) == [
        "a file", "deep", "deep/b", "link",
    ]  # fmt: skip
    assert os.readlink(got / "link") == "a file"  # a link inside the folder is kept
    assert not (got / "outside").is_symlink()  # one leading out of it is not
    for name in ("a file", "deep/b"):
        assert filecmp.cmp(got / name, ref / name, shallow=False)

    # Cancel from the tab while a large download runs: nothing partial stays behind.
    (tmp_path / "cancel").mkdir()
    zeros = _row(tab, "zeros").data(ENTRY_ROLE)
    operation = tab.download(zeros, str(tmp_path / "cancel" / "zeros"))
    assert tab.cancel_button.isVisible()
    operation.progress.connect(lambda _p: tab.cancel_button.click())
    _wait_transfer(qtbot, operation)
    assert operation.state is OperationState.CANCELLED
    assert list((tmp_path / "cancel").iterdir()) == []
    assert tab.status.text().startswith("Cancelled") and not tab.cancel_button.isVisible()


def test_upload_by_drop_and_read_only_error(qtbot, podman, inspect, tmp_path):
    podman.cli("run", "-d", "--name", "files3", TEST_IMAGE, "sleep", "600")
    tab = inspect("files3")
    _go(qtbot, tab, "/tmp")
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / "inner.txt").write_text("inner text\n")
    note = tmp_path / "note with spaces.txt"
    note.write_text("hello from the host\n")

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(note)), QUrl.fromLocalFile(str(tmp_path / "up"))])
    with qtbot.waitSignal(tab.transfer_ended, timeout=20_000) as ended:
        assert _drag_and_drop(tab, mime)
    assert ended.args[0].state is OperationState.DONE, ended.args[0].error
    assert podman.cli("exec", "files3", "cat", "/tmp/note with spaces.txt") == "hello from the host"
    assert podman.cli("exec", "files3", "cat", "/tmp/up/inner.txt") == "inner text"
    qtbot.waitUntil(lambda: "note with spaces.txt" in _names(tab), timeout=10_000)

    # The same name again replaces the file only after a confirmation that names it.
    note.write_text("second version\n")
    assert tab.upload([str(note)]) is None
    qtbot.waitUntil(lambda: tab.findChild(QMessageBox, "confirmation") is not None)
    box = tab.findChild(QMessageBox, "confirmation")
    assert "note with spaces.txt" in box.informativeText()
    with qtbot.waitSignal(tab.transfer_ended, timeout=20_000):
        box.findChild(QPushButton, "destroyButton").click()
    assert podman.cli("exec", "files3", "cat", "/tmp/note with spaces.txt") == "second version"

    podman.cli("run", "-d", "--read-only", "--name", "files-ro", TEST_IMAGE, "sleep", "600")
    ro = inspect("files-ro")
    _go(qtbot, ro, "/etc")
    operation = ro.upload([str(note)])
    _wait_transfer(qtbot, operation)
    assert operation.state is OperationState.FAILED
    assert "read-only" in ro.status.text() and "/etc" in ro.status.text()


def test_stopped_container_is_listed_through_the_archive(qtbot, podman, inspect):
    podman.cli("create", "--name", "files4", TEST_IMAGE)
    tab = inspect("files4")
    assert tab.listing is not None and tab.listing.method == BY_ARCHIVE
    assert tab.note.isVisibleTo(tab) and "not running" in tab.note.text()
    listing = _go(qtbot, tab, "/bin")
    entries = {entry.name: entry for entry in listing.entries}
    assert entries["sh"].kind == LINK and entries["sh"].target == "busybox"
    assert entries["sh"].size == len("busybox") and entries["busybox"].kind == "file"


def test_a_big_folder_sorts_and_selects_by_row(qtbot, podman, inspect):
    """5,000 entries: every one listed, sorted by the header, and the keyboard's row kept
    across a re-sort; Download is offered for one selected row only."""
    podman.cli("run", "-d", "--name", "files6", TEST_IMAGE, "sleep", "600")
    podman.cli(
        "exec", "files6", "sh", "-c",
        "mkdir /many && cd /many && seq -w 1 5000 | xargs touch"
        " && head -c 3000 /bin/busybox > 0042 && mkdir zdir",
    )  # fmt: skip
    tab = inspect("files6")
    _go(qtbot, tab, "/many")
    names = _names(tab)
    assert len(names) == 5001 and names[:2] == ["zdir", "0001"]  # folders first
    tab.table.setFocus()
    tab.table.setCurrentIndex(_row(tab, "0042"))
    assert [e.name for e in tab.selected_entries()] == ["0042"]
    assert tab.download_button.isEnabled()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert [e.name for e in tab.selected_entries()] == ["0042", "0043"]
    assert not tab.download_button.isEnabled()  # one at a time

    header = tab.table.header()
    header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # as a click on "Size" twice
    assert _names(tab)[:2] == ["zdir", "0042"]  # the only file with bytes, after folders
    assert tab.table.currentIndex().data() == "0043"  # the keyboard's row kept
    assert _cell(tab, "0042", 1) == humanize.size(3000) and _cell(tab, "zdir", 1) == ""


def test_files_tab_accepts_only_local_files(qtbot, podman, inspect):
    podman.cli("run", "-d", "--name", "files5", TEST_IMAGE, "sleep", "600")
    tab = inspect("files5")
    mime = QMimeData()
    mime.setText("not a file")
    assert not _drag_and_drop(tab, mime)
    assert tab.operation is None


def test_files_over_ssh_through_the_proxy(qtbot, podman, sshd, inspect, tmp_path):
    """Exec, the archive's GET and a chunked PUT all pass through the app's SSH proxy."""
    podman.cli("run", "-d", "--name", "files-ssh", TEST_IMAGE, "sleep", "600")
    machine = Connection(
        "podman-machine-default",
        sshd.uri(podman.socket_path),
        identity=str(sshd.client_key),
        is_machine=True,
    )
    tab = inspect("files-ssh", machine)
    assert tab.files.session.proxy is not None
    listing = _go(qtbot, tab, "/bin")
    assert listing.method == BY_STAT and "busybox" in _names(tab)

    _go(qtbot, tab, "/tmp")
    payload = tmp_path / "payload.bin"
    payload.write_bytes(os.urandom(5 * 1024 * 1024))
    operation = _wait_transfer(qtbot, tab.upload([str(payload)]))
    assert operation.state is OperationState.DONE, operation.error
    qtbot.waitUntil(lambda: "payload.bin" in _names(tab), timeout=10_000)
    entry = _row(tab, "payload.bin").data(ENTRY_ROLE)
    operation = _wait_transfer(qtbot, tab.download(entry, str(tmp_path / "back.bin")))
    assert operation.state is OperationState.DONE, operation.error
    assert _sha(tmp_path / "back.bin") == _sha(payload)
