"""Reviewing a subject access pack before it is made: every other person's name found in
free text, with its context, ticked to be replaced by their role (the default; an unticked
name is disclosed, with the reason); each evidence image, which can be put in only after
it has been viewed here; each item, which may be withheld with a reason. Then the pack is
made and saved (off the GUI thread), its redaction log kept in Footprint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ValidationError
from app.core.files import StagedFile, publish_after
from app.core.services.evidence import show_evidence
from app.core.services.subject_access import SubjectAccessRow
from app.core.services.subject_access_pack import MadePack, make_pack
from app.core.subject_access_data import PackDecisions, PackReview
from app.ui.background import run_with_progress
from app.ui.context import AppContext
from app.ui.incidents.evidence_dialogs import ImageViewer
from app.ui.incidents.inspection_export import choose_file
from app.ui.widgets.field_errors import error_label

CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def show_image(parent: QWidget, title: str, content: bytes) -> None:
    """The image, inside the app (never through a temporary file)."""
    ImageViewer(title, content, parent).exec()


def _cell(text: str, *, tick: Qt.CheckState | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if tick is not None:
        flags |= Qt.ItemFlag.ItemIsUserCheckable
        item.setCheckState(tick)
    item.setFlags(flags)
    item.setToolTip(text)
    return item


def _at(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """A cell this dialog filled (every cell is)."""
    item = table.item(row, column)
    assert item is not None
    return item


def _table(headers: list[str], accessible: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


class PackReviewDialog(QDialog):
    """The DSL's review of one request's pack, and the button that makes it."""

    def __init__(
        self,
        context: AppContext,
        row: SubjectAccessRow,
        review: PackReview,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.row, self.review = context, row, review
        #: Replaced in tests: the save dialog and the image viewer.
        self.choose_file: Callable[[QWidget, str, str, str], Path | None] = choose_file
        self.show_image: Callable[[QWidget, str, bytes], None] = show_image
        self.made: MadePack | None = None
        self.setWindowTitle(f"Review the pack about {row.person_name}")

        self.names = _table(["Redact", "Where", "Name found", "Shown as", "Context"], "Names found")
        self.names.setRowCount(len(review.occurrences))
        for n, found in enumerate(review.occurrences):
            for column, cell in enumerate(
                [
                    _cell("", tick=CHECKED),
                    _cell(found.location),
                    _cell(found.name),
                    _cell(found.replaced_by),
                    _cell(found.context),
                ]
            ):
                self.names.setItem(n, column, cell)
        for column, width in enumerate((60, 230, 150, 140)):
            self.names.setColumnWidth(column, width)
        self.keep_reason = QLineEdit()
        self.keep_reason.setAccessibleName("Why the unticked names may be disclosed")
        self.keep_reason.setPlaceholderText(
            "Why the names left unticked may be disclosed (e.g. the requester's own name; "
            "consent given)"
        )

        self.images = _table(["Put in the pack", "Where", "What it is", "Viewed"], "Images")
        self.images.setRowCount(len(review.images))
        for n, image in enumerate(review.images):
            include = _cell("", tick=UNCHECKED)
            if not image.viewed:  # ticking is possible only once it has been viewed
                include.setFlags(include.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.images.setItem(n, 0, include)
            self.images.setItem(n, 1, _cell(image.location))
            self.images.setItem(n, 2, _cell(image.description))
            self.images.setItem(n, 3, _cell("Yes" if image.viewed else "Not yet"))
        for column, width in enumerate((110, 230, 300)):
            self.images.setColumnWidth(column, width)
        self.view = QPushButton("View the chosen image…")
        self.view.clicked.connect(self.view_image)

        self.items = _table(["Withhold", "Where", "What it says", "Why it is withheld"], "Items")
        self.items.setRowCount(len(review.items))
        for n, choice in enumerate(review.items):
            self.items.setItem(n, 0, _cell("", tick=UNCHECKED))
            self.items.setItem(n, 1, _cell(choice.location))
            self.items.setItem(n, 2, _cell(choice.summary))
            reason = QTableWidgetItem("")
            reason.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable
            )
            self.items.setItem(n, 3, reason)
        for column, width in enumerate((80, 230, 420)):
            self.items.setColumnWidth(column, width)

        tabs = QTabWidget()
        names_page = QWidget()
        names_layout = QVBoxLayout(names_page)
        names_layout.addWidget(
            QLabel(
                "Other people's names found in free text. Ticked: replaced by their role. "
                "Untick only a name that may be disclosed, and say why below."
            )
        )
        names_layout.addWidget(self.names, 1)
        names_layout.addWidget(self.keep_reason)
        images_page = QWidget()
        images_layout = QVBoxLayout(images_page)
        images_layout.addWidget(
            QLabel(
                "Images are listed in the pack, not shown, unless you view one here and then "
                "tick it (check it shows no one else)."
            )
        )
        images_layout.addWidget(self.images, 1)
        images_layout.addWidget(self.view, 0, Qt.AlignmentFlag.AlignLeft)
        items_page = QWidget()
        items_layout = QVBoxLayout(items_page)
        items_layout.addWidget(
            QLabel(
                "Tick an item to leave it out of the pack (e.g. the serious harm exemption), "
                "and give the reason: it is kept in the redaction log."
            )
        )
        items_layout.addWidget(self.items, 1)
        tabs.addTab(names_page, f"Names found ({len(review.occurrences)})")
        tabs.addTab(images_page, f"Evidence images ({len(review.images)})")
        tabs.addTab(items_page, f"Withhold items ({len(review.items)})")
        self.tabs = tabs

        self.message = error_label()
        self.make = QPushButton("Make the pack…")
        self.make.setDefault(True)
        self.make.clicked.connect(self.make_and_save)
        cancel = QPushButton("Close")
        cancel.clicked.connect(self.reject)
        automatic = QLabel(
            f"Also replaced without asking: {review.automatic} other people named in fields "
            "(by their role), other people's accounts and links, and contacts at agencies."
        )
        automatic.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(automatic, 1)
        bottom.addWidget(self.make)
        bottom.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.resize(1100, 640)

    def view_image(self) -> None:
        """Show the chosen image (the look is on the trail); it may then be ticked."""
        row = self.images.currentRow()
        if row < 0:
            return
        image = self.review.images[row]
        content = self.context.look(lambda s: show_evidence(s, image.evidence_id))
        self.show_image(self, image.location, content)
        include = _at(self.images, row, 0)
        include.setFlags(include.flags() | Qt.ItemFlag.ItemIsEnabled)
        _at(self.images, row, 3).setText("Yes")

    def decisions(self) -> PackDecisions:
        """What the tables say; ValidationError when a reason is missing."""
        kept = [
            o.key
            for n, o in enumerate(self.review.occurrences)
            if _at(self.names, n, 0).checkState() == UNCHECKED
        ]
        reason = self.keep_reason.text().strip()
        if kept and not reason:
            raise ValidationError(
                "keep", f"Say why the {len(kept)} unticked names may be disclosed."
            )
        withhold = {}
        for n, choice in enumerate(self.review.items):
            if _at(self.items, n, 0).checkState() == CHECKED:
                why = _at(self.items, n, 3).text().strip()
                if not why:
                    raise ValidationError("withhold", f"Say why {choice.location} is withheld.")
                withhold[choice.key] = why
        images = frozenset(
            image.evidence_id
            for n, image in enumerate(self.review.images)
            if _at(self.images, n, 0).checkState() == CHECKED
        )
        return PackDecisions({key: reason for key in kept}, withhold, images)

    def make_and_save(self) -> MadePack | None:
        """Ask where, make the pack (off the GUI thread), save it once it is recorded."""
        self.message.hide()
        try:
            decisions = self.decisions()
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return None
        suggested = f"Subject access pack {self.row.received_on:%Y-%m-%d}.pdf"
        path = self.choose_file(self, "Save the pack", suggested, "PDF files (*.pdf)")
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        request_id, context = self.row.id, self.context
        staged: list[StagedFile] = []

        def work() -> MadePack:
            made: list[MadePack] = []

            def record(session: object, actor: object) -> None:
                made.append(make_pack(session, actor, request_id, decisions))  # type: ignore[arg-type]
                staged.append(StagedFile(path, made[0].pdf))

            # The file takes its name only once the pack and its log are committed.
            publish_after(staged, lambda: context.write(record, announce=False))
            return made[0]

        made, error = run_with_progress(
            self, "Making the pack…", work, failure=f"{path.name} could not be saved."
        )
        self.context.announce()
        if error is not None or made is None:
            self.message.setText(error or "The pack could not be made.")
            self.message.show()
            return None
        self.made = made
        self.message.say_done(
            f"Saved {path.name}: {made.pages} pages, {made.redacted} names replaced, "
            f"{made.kept} kept, {made.withheld} items withheld, {made.images} images "
            f"(SHA-256 {made.sha256[:16]}…). The redaction log is kept in Footprint."
        )
        return made
