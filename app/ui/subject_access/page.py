"""The Subject access page (the DSL team's): every request, open ones first with their due
day; new request, review and make the pack, extend, record the answer, withdraw, and the
redaction log of the packs made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today_london
from app.core.errors import FootprintError
from app.core.services.subject_access import (
    SubjectAccessRow,
    list_requests,
    redaction_log,
    withdraw_request,
)
from app.core.services.subject_access_pack import review_pack
from app.core.timefmt import format_date, format_datetime
from app.ui.context import AppContext
from app.ui.subject_access.dialogs import (
    AnsweredDialog,
    ExtendDialog,
    NewRequestDialog,
    RedactionLogDialog,
)
from app.ui.subject_access.review import PackReviewDialog
from app.ui.widgets.field_errors import error_label


def standing(row: SubjectAccessRow) -> str:
    """Where a request stands, in words (overdue said first)."""
    if row.withdrawn:
        return "Withdrawn"
    if not row.is_open:
        return f"Answered on {format_date(row.responded_on)}"
    late = (today_london() - row.due_on).days
    if late > 0:
        return f"OVERDUE by {late} day{'s' if late != 1 else ''}"
    extended = f", extended by {row.extension_months} month" if row.extension_months else ""
    return f"Open{extended}{'s' if row.extension_months == 2 else ''}"


class SubjectAccessPage(QWidget):
    """The requests, and what can be done with the one chosen."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[SubjectAccessRow] = []
        intro = QLabel(
            "A person (or someone entitled to act for them) may ask for the information "
            "the school holds about them. Answer within one calendar month; other people's "
            "names are replaced by their role in the pack, and what was removed is logged "
            "here."
        )
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setAccessibleName("Subject access requests")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(
            ["About", "Asked by", "Received", "Due by", "Where it stands", "Pack made"]
        )
        for column, width in enumerate((170, 260, 85, 85, 170)):
            self.list.setColumnWidth(column, width)
        self.new = QPushButton("New request…")
        self.review = QPushButton("Review and make the pack…")
        self.extend = QPushButton("Extend…")
        self.answered = QPushButton("Record the answer…")
        self.withdraw = QPushButton("Withdraw…")
        self.log = QPushButton("Redaction log…")
        self.message = error_label()
        buttons = QHBoxLayout()
        for button in (self.new, self.review, self.extend, self.answered, self.withdraw, self.log):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.new.clicked.connect(self.new_request)
        self.review.clicked.connect(self.review_pack)
        self.extend.clicked.connect(lambda: self._dialog(ExtendDialog))
        self.answered.clicked.connect(lambda: self._dialog(AnsweredDialog))
        self.withdraw.clicked.connect(self._withdraw)
        self.log.clicked.connect(self._log)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.list.itemActivated.connect(lambda *_: self.review_pack())
        context.data_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Read the requests again, keeping the one chosen."""
        chosen = self.current()
        self.rows = self.context.read(list_requests)
        self.list.clear()
        for n, row in enumerate(self.rows):
            item = QTreeWidgetItem(
                [
                    row.person_name,
                    f"{row.requester_name} ({row.requester_relationship})",
                    format_date(row.received_on),
                    format_date(row.due_on),
                    standing(row),
                    format_datetime(row.pack_made_at),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, n)
            self.list.addTopLevelItem(item)
        if chosen is not None:
            self.select_request(chosen.id)
        self._enable()

    def select_request(self, request_id: int) -> None:
        """Make this request the chosen one (the dashboard's due item opens it)."""
        for n, row in enumerate(self.rows):
            item = self.list.topLevelItem(n)
            if row.id == request_id and item is not None:
                self.list.setCurrentItem(item)

    def current(self) -> SubjectAccessRow | None:
        item = self.list.currentItem()
        return self.rows[item.data(0, Qt.ItemDataRole.UserRole)] if item is not None else None

    def _enable(self) -> None:
        row = self.current()
        for button in (self.review, self.extend, self.answered, self.withdraw):
            button.setEnabled(row is not None and row.is_open)
        self.log.setEnabled(row is not None and row.pack_sha256 is not None)

    def new_request(self) -> None:
        dialog = NewRequestDialog(self.context, self)
        dialog.exec()

    def review_pack(self) -> PackReviewDialog | None:
        """Find every name in the records about the person (a look on the trail), then
        open the review; the pack is made from there."""
        row = self.current()
        if row is None or not row.is_open:
            return None
        self.message.hide()
        try:
            review = self.context.look(lambda s: review_pack(s, row.id))
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return None
        dialog = PackReviewDialog(self.context, row, review, self)
        self.open_review(dialog)
        return dialog

    def open_review(self, dialog: PackReviewDialog) -> None:
        """Show the review (replaced in tests, which drive it without a modal loop)."""
        dialog.exec()

    def _dialog(self, kind: type[ExtendDialog] | type[AnsweredDialog]) -> None:
        row = self.current()
        if row is not None:
            kind(self.context, row, self).exec()

    def _withdraw(self) -> None:
        row = self.current()
        if row is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Withdraw the request", "Why (e.g. withdrawn by the requester):"
        )
        if not ok:
            return
        try:
            self.context.write(lambda s, a: withdraw_request(s, a, row.id, reason))
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()

    def _log(self) -> None:
        row = self.current()
        if row is not None:
            RedactionLogDialog(self.context.read(lambda s: redaction_log(s, row.id)), self).exec()
