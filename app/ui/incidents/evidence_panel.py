"""Evidence on the incident: add by file dialog, drag and drop or paste; thumbnails; view
or export a copy; SHA-256 shown; description-only entries for images never to be kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError, ValidationError
from app.core.files import StagedFile, publish_after, safe_filename
from app.core.services.evidence import (
    EXTENSIONS,
    MAX_EVIDENCE_BYTES,
    NUDE_IMAGE_RULE,
    EvidenceRow,
    destroy_evidence_content,
    detect_media_type,
    evidence_content,
    show_evidence,
)
from app.core.services.incident_form import NewEvidence, PendingChanges, Removal
from app.core.vocab import EvidenceKind
from app.ui.context import AppContext
from app.ui.incidents.evidence_dialogs import NEVER_STORE_WARNING, DescriptionDialog, ImageViewer
from app.ui.widgets.field_errors import error_label

THUMB = QSize(56, 56)


@dataclass
class _Shown:
    """What one line of the list stands for."""

    saved_id: int | None
    pending_index: int | None
    name: str
    content: bytes | None
    media_type: str | None = None


class EvidencePanel(QWidget):
    """The evidence list and its actions; additions and withdrawals wait for Save."""

    changed = Signal()

    def __init__(
        self, context: AppContext, pending: PendingChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.pending = pending
        self.reference = ""
        #: Files are refused (a nude or semi-nude image: described, never stored).
        self.files_refused = False
        self.saved: list[EvidenceRow] = []
        self._thumbs: dict[int, bytes] = {}
        self._damaged: set[int] = set()
        self.setAcceptDrops(True)
        self.list = QTreeWidget()
        self.list.setAccessibleName("Evidence")
        self.list.setHeaderLabels(["Evidence", "Type", "Size", "SHA-256", ""])
        self.list.setRootIsDecorated(False)
        self.list.setIconSize(THUMB)
        for column, width in enumerate((260, 90, 70, 200)):
            self.list.setColumnWidth(column, width)
        self.add_file = QPushButton("Add file…")
        self.paste = QPushButton("Paste")
        self.paste.setToolTip("Paste a screenshot from the clipboard (Ctrl+V)")
        self.describe = QPushButton("Describe only…")
        self.describe.setToolTip("Record what was seen without keeping the image")
        self.view = QPushButton("View")
        self.export = QPushButton("Export a copy…")
        self.withdraw = QPushButton("Withdraw…")
        self.destroy_button = QPushButton("Destroy the stored image…")
        self.destroy_button.setToolTip(
            "For an image that must never be kept (e.g. added by mistake): erases the file "
            "at once; its fingerprint and the reason stay on record"
        )
        self.error = error_label()
        hint = QLabel(
            "Drop screenshots here, paste them, or add a file (PNG, JPEG, GIF, WebP "
            f"or PDF, up to {MAX_EVIDENCE_BYTES // 1_048_576} MB)."
        )
        hint.setWordWrap(True)
        warning = QLabel(NEVER_STORE_WARNING)
        warning.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (
            self.add_file,
            self.paste,
            self.describe,
            self.view,
            self.export,
            self.withdraw,
            self.destroy_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(warning)
        self.add_file.clicked.connect(self.choose_files)
        self.paste.clicked.connect(self.paste_clipboard)
        self.describe.clicked.connect(self.add_description)
        self.view.clicked.connect(self.view_selected)
        self.export.clicked.connect(self.export_selected)
        self.withdraw.clicked.connect(self.withdraw_selected)
        self.destroy_button.clicked.connect(self.destroy_selected)
        self.list.itemActivated.connect(lambda *_: self.view_selected())
        paste = QShortcut(QKeySequence.StandardKey.Paste, self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste_clipboard)

    # -- showing -------------------------------------------------------------------
    def show_rows(self, saved: list[EvidenceRow], reference: str = "") -> None:
        """Show stored evidence (with thumbnails) and what is staged."""
        if reference:
            self.reference = reference
        self.saved = saved
        self._thumbs = {}
        self._damaged = set()
        for row in saved:
            if (
                row.kind is not EvidenceKind.FILE
                or row.destroyed_at is not None
                or row.media_type == "application/pdf"
            ):
                continue
            try:
                self._thumbs[row.id] = self.context.read(
                    partial(evidence_content, evidence_id=row.id)
                )
            except ValidationError:
                self._damaged.add(row.id)  # shown as damaged; the incident still opens
        self._render()

    def _render(self) -> None:
        self.list.clear()
        withdrawn = {r.id for r in self.pending.evidence_removals}
        for row in self.saved:
            name = row.original_filename or row.description or "Evidence"
            if row.kind is EvidenceKind.DESCRIPTION_ONLY:
                name = f"Described only: {row.description}"
            note = "withdrawn when saved" if row.id in withdrawn else ""
            if row.destroyed_at is not None:
                note = "stored file destroyed"
            elif row.id in self._damaged:
                note = "DAMAGED: no longer matches its fingerprint"
            self._add_line(
                _Shown(row.id, None, name, self._thumbs.get(row.id), row.media_type),
                row.media_type,
                row.size_bytes,
                row.sha256,
                note,
            )
        for index, item in enumerate(self.pending.evidence):
            if item.content is None:
                self._add_line(
                    _Shown(None, index, f"Described only: {item.description}", None),
                    None,
                    None,
                    None,
                    "not saved yet",
                )
            else:
                self._add_line(
                    _Shown(
                        None, index, item.filename, item.content, detect_media_type(item.content)
                    ),
                    detect_media_type(item.content),
                    len(item.content),
                    hashlib.sha256(item.content).hexdigest(),
                    "not saved yet",
                )

    def _add_line(
        self, shown: _Shown, media_type: str | None, size: int | None, sha256: str | None, note: str
    ) -> None:
        line = QTreeWidgetItem(
            [
                shown.name,
                (media_type or "—").replace("image/", "").upper(),
                _size(size),
                (sha256 or "")[:16] + ("…" if sha256 else ""),
                note,
            ]
        )
        line.setData(0, Qt.ItemDataRole.UserRole, shown)
        if sha256:
            line.setToolTip(3, f"SHA-256 {sha256}")
            line.setToolTip(0, f"{shown.name}\nSHA-256 {sha256}")
        line.setIcon(0, self._icon(shown.content, media_type))
        self.list.addTopLevelItem(line)

    def _icon(self, content: bytes | None, media_type: str | None) -> QIcon:
        if content is not None and media_type and media_type.startswith("image/"):
            pixmap = QPixmap()
            if pixmap.loadFromData(content):
                return QIcon(
                    pixmap.scaled(
                        THUMB,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
        standard = (
            QStyle.StandardPixmap.SP_FileIcon
            if content is not None
            else QStyle.StandardPixmap.SP_MessageBoxInformation
        )
        return self.style().standardIcon(standard)

    # -- adding --------------------------------------------------------------------
    def choose_files(self) -> None:
        """File dialog; each chosen file is checked, then staged."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Add evidence",
            "",
            "Screenshots and PDFs (*.png *.jpg *.jpeg *.gif *.webp *.pdf);;All files (*)",
        )
        for path in paths:
            self.add_path(Path(path))

    def add_path(self, path: Path) -> bool:
        """Stage one file if it is evidence Footprint can keep; say why not otherwise."""
        self.error.hide()
        try:
            size = path.stat().st_size
            if size > MAX_EVIDENCE_BYTES:
                return self._refuse(
                    f"“{path.name}” is {size / 1_048_576:.1f} MB; evidence files can be at most "
                    f"{MAX_EVIDENCE_BYTES // 1_048_576} MB."
                )
            content = path.read_bytes()
        except OSError as exc:
            return self._refuse(f"“{path.name}” can't be read ({exc.strerror}).")
        return self.add_bytes(path.name, content)

    def add_bytes(self, name: str, content: bytes) -> bool:
        """Stage bytes (from a file, a drop or the clipboard) after checking them."""
        if self.files_refused:
            return self._refuse(
                "No file can be stored for a nude or semi-nude image: use “Describe only…”. "
                + NUDE_IMAGE_RULE
            )
        if not content:
            return self._refuse(f"“{name}” is empty.")
        if len(content) > MAX_EVIDENCE_BYTES:
            return self._refuse(f"“{name}” is larger than {MAX_EVIDENCE_BYTES // 1_048_576} MB.")
        if detect_media_type(content) is None:
            return self._refuse(
                f"“{name}” is not a picture (PNG, JPEG, GIF or WebP) or a PDF, so it can't be "
                "kept as evidence."
            )
        self.error.hide()
        self.pending.evidence.append(NewEvidence(name, content))
        self._render()
        self.changed.emit()
        return True

    def paste_clipboard(self) -> None:
        """Ctrl+V: a screenshot (image) or copied files."""
        self._take(QApplication.clipboard().mimeData(), "pasted screenshot")

    def add_description(self) -> None:
        """A description-only entry."""
        dialog = DescriptionDialog(self)
        if dialog.exec() and dialog.text.toPlainText().strip():
            self.pending.evidence.append(NewEvidence("", None, dialog.text.toPlainText().strip()))
            self._render()
            self.changed.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self._take(event.mimeData(), "dropped image")
        event.acceptProposedAction()

    def _take(self, data: QMimeData, image_name: str) -> None:
        if data.hasUrls():
            for url in data.urls():
                if url.isLocalFile():
                    self.add_path(Path(url.toLocalFile()))
        elif data.hasImage():
            image = QImage(data.imageData())
            buffer = QBuffer()
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, cast(bytes, "PNG"))  # the stubs say bytes; PySide6 takes only str
            content = bytes(QByteArray(buffer.data()).data())
            self.add_bytes(f"{image_name}.png", content)
        else:
            self._refuse("There is no picture on the clipboard.")

    # -- acting on the selection -----------------------------------------------------
    def _selected(self) -> _Shown | None:
        item = self.list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def view_selected(self) -> None:
        """Show an image in the app; PDFs are exported instead. A saved file is shown only
        once the look is on the audit trail."""
        shown = self._selected()
        if shown is None or (shown.saved_id is None and shown.content is None):
            return
        if shown.media_type == "application/pdf":
            self.export_selected()
            return
        content = shown.content
        saved_id = shown.saved_id
        if saved_id is not None:
            try:
                content = self.context.look(lambda s: show_evidence(s, saved_id))
            except FootprintError as exc:
                self._refuse(exc.message)
                return
        if content is not None:
            ImageViewer(shown.name, content, self).exec()

    def export_selected(self) -> None:
        """Save a copy where the DSL chooses (checked against its SHA-256 first). A saved
        file's export is on the audit trail, in the same unit of work as writing the copy:
        if either fails, neither happens."""
        shown = self._selected()
        if shown is None:
            return
        suffix = EXTENSIONS.get(shown.media_type or "", "")
        default = safe_filename(shown.name, suffix, fallback=self.reference or "evidence")
        path, _ = QFileDialog.getSaveFileName(self, "Export a copy of the evidence", default)
        if not path:
            return
        saved_id = shown.saved_id
        try:
            if saved_id is None:
                if shown.content is not None:
                    Path(path).write_bytes(shown.content)
            else:
                staged: list[StagedFile] = []
                publish_after(  # the copy appears once its export is on the trail
                    staged,
                    lambda: self.context.look(
                        lambda s: staged.append(
                            StagedFile(Path(path), show_evidence(s, saved_id, export=True))
                        )
                    ),
                )
        except OSError as exc:
            self._refuse(f"The copy could not be saved ({exc.strerror}).")
        except FootprintError as exc:
            self._refuse(exc.message)

    def withdraw_selected(self) -> None:
        """Unstage an addition, or stage the withdrawal of saved evidence with a reason."""
        shown = self._selected()
        if shown is None:
            return
        if shown.pending_index is not None:
            del self.pending.evidence[shown.pending_index]
        elif shown.saved_id is not None:
            if any(r.id == shown.saved_id for r in self.pending.evidence_removals):
                return
            reason, ok = QInputDialog.getText(
                self,
                "Withdraw evidence",
                "Why is this evidence being withdrawn? (It stays on record, marked withdrawn.)",
            )
            if not ok or not reason.strip():
                return
            self.pending.evidence_removals.append(Removal(shown.saved_id, reason.strip()))
        self._render()
        self.changed.emit()

    def destroy_selected(self) -> None:
        """Erase a saved image at once (after a clear warning and a reason)."""
        shown = self._selected()
        row = next((r for r in self.saved if shown and r.id == shown.saved_id), None)
        if row is None or row.kind is not EvidenceKind.FILE or row.destroyed_at is not None:
            self._refuse("Choose a saved file to destroy.")
            return
        reason, ok = QInputDialog.getText(
            self,
            "Destroy the stored image",
            "This erases the file from the log now; it can't be undone. Its fingerprint, "
            "who destroyed it and why stay on record. Backups made earlier still hold it: "
            "Footprint then offers to delete them.\n\nWhy?",
        )
        if not ok or not reason.strip():
            return
        evidence_id = row.id
        try:
            sha256 = self.context.write(
                lambda s, a: destroy_evidence_content(s, a, evidence_id, reason.strip()).sha256
            )
            self.context.database.scrub_freed_space()
        except FootprintError as exc:
            self._refuse(exc.message)
            return
        self._thumbs.pop(evidence_id, None)
        self.destroyed.emit()
        if sha256:
            from app.ui.backups_page import offer_to_remove_backups_holding

            offer_to_remove_backups_holding(self, self.context, evidence_id, sha256)

    def _refuse(self, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        self.list.setAccessibleDescription(message)
        return False


def _size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1_048_576:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1_048_576:.1f} MB"
