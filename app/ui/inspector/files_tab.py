"""The Files tab: the container's filesystem one directory at a time, with downloads to
the host and uploads (buttons, or files dropped on the tab) into the directory shown.

A listing runs on the session's API pool and a newer one supersedes it, so typing a
path never waits; transfers run as Operations with a progress bar and Cancel.

Signals:
    listed(DirectoryListing): a directory's entries are shown.
    list_failed(str): a directory could not be listed (the words shown).
    transfer_ended(object): a download or upload ended (the Operation).
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.controllers.container_files import ContainerFiles
from app.controllers.operations import Operation
from app.engine.errors import PodmanError
from app.engine.file_records import (
    DIR,
    LINK,
    DirectoryListing,
    FileEntry,
    NotADirectory,
    TransferProgress,
    join,
    normalize,
    parent,
)
from app.models import humanize
from app.models.file_list_model import ENTRY_ROLE, FileListModel
from app.support import log
from app.support.concurrency import TaskSet
from app.ui import confirmation
from app.ui.confirmation import Confirmation

_log = log.get("ui")

STOPPED_NOTE = (
    "The container is not running, so its files are listed through the archive: slower for"
    " big folders. Start it to list them with its own tools."
)
# Translucent, so they read on light and dark palettes alike (as the message bar's).
_ERROR_STYLE = (
    "QLabel { background: rgba(209, 69, 59, 0.14); border: 1px solid rgba(209, 69, 59, 0.55);"
    " border-radius: 4px; padding: 3px 6px; }"
)
_INFO_STYLE = (
    "QLabel { background: rgba(59, 130, 196, 0.12); border: 1px solid rgba(59, 130, 196, 0.5);"
    " border-radius: 4px; padding: 3px 6px; }"
)


def sort_key(column: int, entry: FileEntry):
    """What a column sorts by: sizes and times as numbers, names without case."""
    if column == 1:
        return entry.size
    if column == 4:
        return entry.modified or 0.0
    text = (entry.name, "", entry.mode, entry.owner, "", entry.target)[column]
    return text.lower()


def sorted_entries(entries, column: int, order: Qt.SortOrder) -> list[FileEntry]:
    """Folders (and links to folders) first in either order, then by ``column``.

    Sorted here rather than by the view: Qt calling a Python comparison for each pair
    took 0.8 s for 5,000 rows on the GUI thread; this takes a few milliseconds.
    """
    by_column = sorted(
        entries,
        key=lambda entry: sort_key(column, entry),
        reverse=order == Qt.SortOrder.DescendingOrder,
    )
    return sorted(by_column, key=lambda entry: not entry.opens_as_directory)  # stable


class FilesTab(QWidget):
    listed = Signal(object)
    list_failed = Signal(str)
    transfer_ended = Signal(object)

    def __init__(self, files: ContainerFiles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files = files
        self.path = "/"
        self.running = False
        self.listing: DirectoryListing | None = None
        self.operation: Operation | None = None
        self._tasks = TaskSet("files", _log)
        self._asked = 0  # listings are numbered: only the latest one is shown
        self._started = False
        self._select_after = ""  # a file whose path was typed: selected once listed
        self._icons: dict[QStyle.StandardPixmap, QIcon] = {}
        self.setAcceptDrops(True)
        self._build()

    # -- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        style = self.style()
        self.up_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_FileDialogToParent), "&Up", self
        )
        self.up_button.setAccessibleName("Up to the parent folder")
        self.up_button.setToolTip("The folder above (Alt+Up)")
        self.path_edit = QLineEdit(self.path, self)
        self.path_edit.setObjectName("filesPath")
        self.path_edit.setAccessibleName("Folder path in the container")
        self.path_edit.setPlaceholderText("A folder in the container, e.g. /etc")
        self.path_edit.setToolTip("Type a folder and press Enter")
        self.refresh_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Re&fresh", self
        )
        self.refresh_button.setAccessibleName("Refresh the folder")
        self.refresh_button.setToolTip("List the folder again (F5)")
        bar.addWidget(self.up_button)
        bar.addWidget(self.path_edit, 1)
        bar.addWidget(self.refresh_button)
        layout.addLayout(bar)

        self.note = QLabel("", self)
        self.note.setObjectName("filesNote")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("About this listing")
        self.note.setStyleSheet(_INFO_STYLE)
        self.note.hide()
        layout.addWidget(self.note)

        self.model = FileListModel(self._entry_icon, self)
        self.table = QTreeView(self)
        self.table.setObjectName("filesTable")
        self.table.setAccessibleName("Files in the folder")
        self.table.setModel(self.model)
        self.table.setRootIsDecorated(False)
        self.table.setItemsExpandable(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.header()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(lambda _column, _order: self._fill())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 260)
        for column, width in ((1, 80), (2, 100), (3, 110), (4, 140)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)

        self.empty = QLabel("", self)
        self.empty.setObjectName("filesEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(self.empty, 1)

        transfer = QHBoxLayout()
        self.download_button = QPushButton("&Download…", self)
        self.download_button.setAccessibleName("Download the selected file or folder")
        self.download_button.setToolTip("Copy the selection to this computer")
        self.download_menu = QMenu(self.download_button)
        self.download_menu.addAction("Download…", self.ask_download)
        self.download_menu.addAction("Download as .tar…", lambda: self.ask_download(as_tar=True))
        self.download_button.setMenu(self.download_menu)
        self.upload_button = QPushButton("Up&load files…", self)
        self.upload_button.setAccessibleName("Upload files into this folder")
        self.upload_button.setToolTip(
            "Copy files from this computer into the folder shown (or drop them here)"
        )
        self.upload_folder_button = QPushButton("Upload fold&er…", self)
        self.upload_folder_button.setAccessibleName("Upload a folder into this folder")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Transfer progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel("Drop files here to upload them into the folder shown.", self)
        self.status.setObjectName("filesStatus")
        self.status.setAccessibleName("Transfer status")
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("&Cancel", self)
        self.cancel_button.setAccessibleName("Cancel the transfer")
        self.cancel_button.hide()
        transfer.addWidget(self.download_button)
        transfer.addWidget(self.upload_button)
        transfer.addWidget(self.upload_folder_button)
        transfer.addWidget(self.status, 1)
        transfer.addWidget(self.progress, 1)
        transfer.addWidget(self.cancel_button)
        layout.addLayout(transfer)

        self.up_button.clicked.connect(self.go_up)
        self.refresh_button.clicked.connect(self.refresh)
        self.path_edit.returnPressed.connect(lambda: self.go(self.path_edit.text()))
        self.table.activated.connect(self._on_activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.upload_button.clicked.connect(self.ask_upload_files)
        self.upload_folder_button.clicked.connect(self.ask_upload_folder)
        self.cancel_button.clicked.connect(self.cancel_transfer)
        # Only while the tab (Backspace: the table) has the focus: Backspace in the path
        # field or another tab's search must still delete a character.
        inside = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Alt+Up"), self, self.go_up, context=inside)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh, context=inside)
        back = QShortcut(QKeySequence(Qt.Key.Key_Backspace), self.table, self.go_up)
        back.setContext(Qt.ShortcutContext.WidgetShortcut)
        QWidget.setTabOrder(self.up_button, self.path_edit)
        QWidget.setTabOrder(self.path_edit, self.refresh_button)
        QWidget.setTabOrder(self.refresh_button, self.table)
        self._update_buttons()

    # -- state from the window ----------------------------------------------------------

    def set_container(self, container_id: str, running: bool) -> None:
        """The container's id and whether it runs (exec needs it running)."""
        changed = running != self.running
        self.files.container_id = container_id
        self.running = running
        if (self._started and changed) or (not self._started and self.isVisible()):
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._started and self.files.container_id:
            self._started = True
            self.refresh()

    def close_tab(self) -> None:
        """The window closes: stop listing (a transfer goes on in the transfers list)."""
        self._tasks.cancel_all()

    # -- listing -------------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.path = normalize(path)
        self.path_edit.setText(self.path)
        self.refresh()

    def go_up(self) -> None:
        if self.path != "/":
            self.go(parent(self.path))

    def refresh(self) -> None:
        self._started = True
        self._tasks.spawn(self.load(self.path))

    async def load(self, path: str) -> DirectoryListing | None:
        """List ``path`` and show it, unless a newer listing was asked for meanwhile."""
        if not self.files.container_id:
            return None
        self._asked += 1
        number = self._asked
        # Nothing is disabled meanwhile: a disabled table would lose the keyboard focus.
        self.table.setCursor(Qt.CursorShape.BusyCursor)
        try:
            listing = await self.files.list(path, self.running)
        except NotADirectory:
            # A file's path typed in: show its folder with the file selected.
            if number == self._asked and normalize(path) != "/":
                self._select_after = posixpath.basename(normalize(path))
                self.table.unsetCursor()
                self.go(parent(path))
            return None
        except PodmanError as exc:
            if number == self._asked:
                self._show_error(path, str(exc))
            return None
        finally:
            if number == self._asked:
                self.table.unsetCursor()
        if number != self._asked:
            return None
        self._show(listing)
        return listing

    def _show(self, listing: DirectoryListing) -> None:
        self.listing = listing
        self.path = listing.path
        if not self.path_edit.hasFocus() or self.path_edit.text() == listing.path:
            self.path_edit.setText(listing.path)
        note = listing.note
        if note and not self.running:
            note = STOPPED_NOTE
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._fill()
        chosen = self.model.row_of(self._select_after) if self._select_after else -1
        self._select_after = ""
        if chosen >= 0:
            self.table.setCurrentIndex(self.model.index(chosen, 0))
            self.table.scrollTo(self.model.index(chosen, 0))
        elif self.model.rowCount():
            # current for the keyboard, not selected: nothing is downloaded by accident
            no_select = QItemSelectionModel.SelectionFlag.NoUpdate
            self.table.selectionModel().setCurrentIndex(self.model.index(0, 0), no_select)
        self.empty.setText("This folder is empty." if not listing.entries else "")
        self.empty.setVisible(not listing.entries)
        self.table.setVisible(bool(listing.entries))
        self.up_button.setEnabled(listing.path != "/")
        self._update_buttons()
        self.listed.emit(listing)

    def _fill(self) -> None:
        """(Re)build the rows of the listing shown, in the header's order."""
        if self.listing is None:
            return
        header = self.table.header()
        current = self.table.currentIndex()
        keep = self.model.entry(current.row()).name if current.isValid() else ""
        entries = sorted_entries(
            self.listing.entries, header.sortIndicatorSection(), header.sortIndicatorOrder()
        )
        self.model.set_entries(entries)
        again = self.model.row_of(keep) if keep else -1
        if again >= 0:  # a re-sort keeps the row the keyboard was on
            self.table.selectionModel().setCurrentIndex(
                self.model.index(again, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def _show_error(self, path: str, text: str) -> None:
        self.listing = None
        self.model.set_entries(())
        self.table.hide()
        self.note.hide()
        self.empty.setText(f"Cannot list {path}.\n{text}")
        self.empty.show()
        self.up_button.setEnabled(path != "/")
        self._update_buttons()
        self.list_failed.emit(text)

    def _icon(self, which: QStyle.StandardPixmap) -> QIcon:
        # One icon per kind: asking the style for each row cost more than the row.
        icon = self._icons.get(which)
        if icon is None:
            icon = self._icons[which] = self.style().standardIcon(which)
        return icon

    def _entry_icon(self, entry: FileEntry) -> QIcon:
        if entry.kind == DIR:
            return self._icon(QStyle.StandardPixmap.SP_DirIcon)
        if entry.kind == LINK:
            if entry.target_is_dir:
                return self._icon(QStyle.StandardPixmap.SP_DirLinkIcon)
            return self._icon(QStyle.StandardPixmap.SP_FileLinkIcon)
        return self._icon(QStyle.StandardPixmap.SP_FileIcon)

    def _on_activated(self, index: QModelIndex) -> None:
        entry: FileEntry | None = index.data(ENTRY_ROLE) if index.isValid() else None
        if entry is not None and entry.opens_as_directory:
            self.go(join(self.path, entry.name))

    def selected_entries(self) -> list[FileEntry]:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.entry(index.row()) for index in sorted(rows, key=QModelIndex.row)]

    def _context_menu(self, position) -> None:
        index = self.table.indexAt(position)
        menu = QMenu(self)
        entry = index.data(ENTRY_ROLE) if index.isValid() else None
        if entry is not None and entry.opens_as_directory:
            menu.addAction("Open", lambda: self._on_activated(index))
        if entry is not None:
            menu.addAction("Download…", self.ask_download)
            menu.addAction("Download as .tar…", lambda: self.ask_download(as_tar=True))
        menu.addAction("Upload files…", self.ask_upload_files)
        menu.addAction("Refresh", self.refresh)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _update_buttons(self) -> None:
        busy = self.operation is not None and self.operation.running
        ready = bool(self.files.container_id) and self.listing is not None
        self.download_button.setEnabled(not busy and ready and len(self.selected_entries()) == 1)
        self.upload_button.setEnabled(not busy and ready)
        self.upload_folder_button.setEnabled(not busy and ready)

    # -- transfers -----------------------------------------------------------------------

    def ask_download(self, as_tar: bool = False) -> None:
        entries = self.selected_entries()
        if len(entries) != 1:
            return
        entry = entries[0]
        start = str(Path.home() / (entry.name + (".tar" if as_tar else "")))
        if as_tar:
            target, _ = QFileDialog.getSaveFileName(
                self, "Save as .tar", start, "Tar archives (*.tar)"
            )
        else:
            title = "Save the folder as" if entry.opens_as_directory else "Save the file as"
            target, _ = QFileDialog.getSaveFileName(self, title, start)
        if target:
            self.download(entry, target, as_tar=as_tar)

    def download(self, entry: FileEntry, target: str, as_tar: bool = False) -> Operation:
        """Copy ``entry`` of the folder shown to the host's ``target``."""
        total = entry.size if entry.kind not in (DIR, LINK) and not as_tar else None
        operation = self.files.download(
            join(self.path, entry.name), target, as_tar=as_tar, total=total
        )
        self._follow(
            operation, f"Downloading {entry.name}…", f"Downloaded {entry.name} to {target}"
        )
        return operation

    def ask_upload_files(self) -> None:
        sources, _ = QFileDialog.getOpenFileNames(
            self, f"Upload files into {self.path}", str(Path.home())
        )
        if sources:
            self.upload(sources)

    def ask_upload_folder(self) -> None:
        source = QFileDialog.getExistingDirectory(
            self, f"Upload a folder into {self.path}", str(Path.home())
        )
        if source:
            self.upload([source])

    def upload(self, sources: list[str]) -> Operation | None:
        """Copy the host's files or folders into the folder shown. Names the folder has
        already are replaced only after a confirmation (then None is returned, and the
        upload starts once the user agrees)."""
        if not sources or not self.files.container_id or self._busy():
            return None
        there = {entry.name for entry in self.listing.entries} if self.listing else set()
        clashes = [Path(source).name for source in sources if Path(source).name in there]
        if clashes:
            self._tasks.spawn(self._confirm_upload(sources, clashes, self.path))
            return None
        return self._start_upload(sources, self.path)

    async def _confirm_upload(self, sources: list[str], clashes: list[str], directory: str):
        answer = await confirmation.ask(
            self,
            Confirmation(
                title="Replace files in the container?",
                text=f"{directory} already has {len(clashes)} of these names.",
                items=clashes,
                action="Replace",
                details="Podman overwrites them with the uploaded ones; a folder is merged.",
            ),
        )
        if answer.accepted and not self._busy():
            self._start_upload(sources, directory)

    def _start_upload(self, sources: list[str], directory: str) -> Operation:
        operation = self.files.upload(sources, directory)
        names = Path(sources[0]).name if len(sources) == 1 else f"{len(sources)} items"
        self._follow(
            operation, f"Uploading {names} to {directory}…", f"Uploaded {names} to {directory}"
        )
        operation.finished.connect(lambda _r, d=directory: self._refresh_if_showing(d))
        return operation

    def _busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def _refresh_if_showing(self, directory: str) -> None:
        if self.path == directory:
            self.refresh()

    def _follow(self, operation: Operation, running: str, done: str) -> None:
        self.operation = operation
        self.status.setText(running)
        self.status.setStyleSheet("")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        operation.progress.connect(self._on_progress)
        operation.finished.connect(lambda _r: self.status.setText(done))
        operation.failed.connect(self._on_failed)
        operation.cancelled.connect(
            lambda: self.status.setText(
                "Cancelled: nothing partial was kept on this computer."
                if operation.kind == "download"
                else "Cancelled."
            )
        )
        operation.ended.connect(lambda: self._transfer_ended(operation))
        self._update_buttons()

    def _on_failed(self, error: PodmanError) -> None:
        self.status.setText(f"Failed: {error}")
        self.status.setStyleSheet(_ERROR_STYLE)

    def _on_progress(self, progress: TransferProgress) -> None:
        if not isinstance(progress, TransferProgress):
            return
        fraction = progress.fraction
        if fraction is None:
            self.progress.setRange(0, 0)
            self.progress.setFormat(humanize.size(progress.done))
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
            self.progress.setFormat(
                f"{humanize.size(progress.done)} of {humanize.size(progress.total or 0)}"
            )

    def cancel_transfer(self) -> None:
        if self.operation is not None and self.operation.running:
            self.operation.cancel()

    def _transfer_ended(self, operation: Operation) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self._update_buttons()
        self.transfer_ended.emit(operation)

    # -- drag and drop -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if self._local_files(event) and not self._busy() and self.listing is not None:
            event.acceptProposedAction()
            self.status.setText(f"Drop to upload into {self.path}")
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        sources = self._local_files(event)
        if sources:
            event.acceptProposedAction()
            self.upload(sources)

    @staticmethod
    def _local_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]
