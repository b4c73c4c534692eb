"""Retention review: the incidents whose retention period is over, with the reason; the
DSL disposes of them or keeps them longer (a deputy or the headteacher can't). Legal
holds, the disposal records, and the backups that still hold what was disposed of."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError
from app.core.permissions import Permission
from app.core.services.disposal import (
    DisposalRow,
    dispose_of_incident,
    list_disposals,
    preview_disposal,
)
from app.core.services.legal_holds import HoldRow, lift_hold, list_holds
from app.core.services.retention import ReviewItem, retention_periods, retention_review
from app.core.timefmt import format_date
from app.ui.background import run_with_progress
from app.ui.context import AppContext
from app.ui.retention_dialogs import (
    DisposeDialog,
    HoldDialog,
    KeepDialog,
    PeriodsDialog,
    disposal_done_text,
    offer_to_replace_backups,
)
from app.ui.widgets.field_errors import error_label, run_or_explain

DUE_COLUMNS = ["Reference", "Seen", "Closed", "Review date", "Why", "Legal hold"]
HOLD_COLUMNS = ["Hold", "Covers", "Placed", "Lifted", "Reason"]
DISPOSAL_COLUMNS = ["Reference", "On", "Authorised by", "Rule", "What was erased"]


def _tree(columns: list[str], name: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(columns)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setAccessibleName(name)
    return tree


class RetentionPage(QWidget):
    """The Retention review section; `open_incident` asks the window to open one."""

    open_incident = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.dsl = context.may(Permission.DISPOSE_RECORDS)
        self.items: list[ReviewItem] = []
        self.holds: list[HoldRow] = []
        self.disposals: list[DisposalRow] = []
        self.periods = QLabel()
        self.periods.setWordWrap(True)
        self.change_periods = QPushButton("Change the periods…")
        self.due = _tree(DUE_COLUMNS, "Due for review")
        self.dispose_button = QPushButton("&Dispose of…")
        self.dispose_button.setToolTip(
            "Erase the chosen incident's content for good (the governors' figures are kept)"
        )
        self.keep_button = QPushButton("&Keep until…")
        self.open_button = QPushButton("&Open the incident")
        self.hold_list = _tree(HOLD_COLUMNS, "Legal holds")
        self.place_button = QPushButton("&Place a legal hold…")
        self.lift_button = QPushButton("&Lift the hold…")
        self.disposal_list = _tree(DISPOSAL_COLUMNS, "Disposal records")
        self.backups_button = QPushButton("Check the &backups…")
        self.backups_button.setToolTip(
            "Find the backups made before a disposal, which still hold what it erased"
        )
        self.message = error_label()
        for button in (
            self.change_periods,
            self.dispose_button,
            self.keep_button,
            self.lift_button,
            self.backups_button,
        ):
            button.setVisible(self.dsl)
        self.backups_button.setVisible(self.dsl and context.database.file is not None)

        layout = QVBoxLayout(self)
        intro = QLabel(
            "<b>Retention review.</b> Records whose retention period is over, and why. Only "
            "the DSL disposes of a record or keeps it longer; a legal hold stops disposal."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        periods = QHBoxLayout()
        periods.addWidget(self.periods, 1)
        periods.addWidget(self.change_periods)
        layout.addLayout(periods)
        layout.addWidget(QLabel("Due for review"))
        layout.addWidget(self.due, 3)
        layout.addLayout(self._row(self.dispose_button, self.keep_button, self.open_button))
        layout.addWidget(QLabel("Legal holds"))
        layout.addWidget(self.hold_list, 1)
        layout.addLayout(self._row(self.place_button, self.lift_button))
        layout.addWidget(QLabel("Disposed of"))
        layout.addWidget(self.disposal_list, 2)
        layout.addLayout(self._row(self.backups_button))
        layout.addWidget(self.message)

        self.change_periods.clicked.connect(self.edit_periods)
        self.dispose_button.clicked.connect(self.dispose_selected)
        self.keep_button.clicked.connect(self.keep_selected)
        self.open_button.clicked.connect(self._open_selected)
        self.due.itemDoubleClicked.connect(lambda *_: self._open_selected())
        self.place_button.clicked.connect(self.place_hold)
        self.lift_button.clicked.connect(self.lift_selected)
        self.backups_button.clicked.connect(lambda: self.check_backups())
        # A save anywhere marks the page stale; it reads again when next shown (on a long
        # log the review reads every finished incident that may be due).
        self.stale = False
        context.data_changed.connect(self._data_changed)
        self.reload()

    def _data_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self.stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self.reload()
        super().showEvent(event)

    @staticmethod
    def _row(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        return row

    def reload(self) -> None:
        """Read what is due, the holds and the disposal records again."""
        self.stale = False
        periods, self.items, self.holds, self.disposals = self.context.read(
            lambda s: (retention_periods(s), retention_review(s), list_holds(s), list_disposals(s))
        )
        self.periods.setText(
            f"Safeguarding concerns are kept until the youngest pupil involved is "
            f"{periods.safeguarding_years}; other incidents {periods.years_after_closing} years "
            "after closing. Open incidents are never due."
        )
        self.due.clear()
        for item in self.items:
            row = QTreeWidgetItem(
                [
                    item.reference,
                    format_date(item.seen_on),
                    format_date(item.closed_on) + (" (withdrawn)" if item.withdrawn else ""),
                    format_date(item.review_on),
                    item.rule.reason,
                    "; ".join(item.holds),
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, item.incident_id)
            row.setToolTip(4, item.rule.reason)
            self.due.addTopLevelItem(row)
        self.hold_list.clear()
        for hold in self.holds:
            lifted = (
                f"{format_date(hold.lifted_at)} by {hold.lifted_by}: {hold.lifted_reason}"
                if hold.lifted_at
                else "In place"
            )
            row = QTreeWidgetItem(
                [
                    hold.name,
                    hold.covers,
                    f"{format_date(hold.placed_at)} by {hold.placed_by}",
                    lifted,
                    hold.reason,
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, hold.id)
            self.hold_list.addTopLevelItem(row)
        self.disposal_list.clear()
        for disposal in self.disposals:
            erased = disposal.described
            row = QTreeWidgetItem(
                [
                    disposal.reference,
                    format_date(disposal.disposed_at),
                    disposal.authorised_by,
                    disposal.rule_reason,
                    erased,
                ]
            )
            row.setToolTip(4, erased)
            self.disposal_list.addTopLevelItem(row)
        for tree in (self.due, self.hold_list, self.disposal_list):
            for column in range(tree.columnCount() - 1):
                tree.resizeColumnToContents(column)

    def _chosen(self) -> ReviewItem | None:
        item = self.due.currentItem()
        if item is None:
            self.message.setText("Choose an incident in the list first.")
            self.message.show()
            return None
        incident_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((i for i in self.items if i.incident_id == incident_id), None)

    def _open_selected(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.open_incident.emit(chosen.incident_id)

    def dispose_selected(self) -> None:
        """Show what disposal erases and keeps; on the DSL's confirmation, dispose of it,
        rebuild the file without it, then offer to delete the backups that still hold it."""
        chosen = self._chosen()
        if chosen is None:
            return
        self.message.hide()
        incident_id = chosen.incident_id
        try:
            preview = self.context.look(lambda s: preview_disposal(s, incident_id))
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return
        if preview.refusal:
            self.message.setText(preview.refusal)
            self.message.show()
            return
        dialog = DisposeDialog(preview, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.context.write(lambda s, a: dispose_of_incident(s, a, incident_id))
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return
        scrub, error = run_with_progress(
            self,
            "Rebuilding the log without what was erased…",
            self.context.database.erase_freed_space,
        )
        said = disposal_done_text([preview.reference], scrub or ([error] if error else []))
        if self.context.database.file is not None:
            said += " " + self.check_backups([incident_id], [preview.reference])
        self.message.say_done(said)

    def check_backups(
        self, incident_ids: list[int] | None = None, references: list[str] | None = None
    ) -> str:
        """Name the backups that still hold disposed records and offer to delete them."""
        ids = incident_ids or [d.incident_id for d in self.disposals]
        refs = references or [d.reference for d in self.disposals]
        said = offer_to_replace_backups(self, self.context, ids, refs)
        if incident_ids is None:
            self.message.say_done(said)
        return said

    def keep_selected(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            KeepDialog(self.context, chosen.incident_id, chosen.reference, self).exec()

    def place_hold(self) -> None:
        item = self.due.currentItem()
        HoldDialog(self.context, self, item.text(0) if item is not None else "").exec()

    def lift_selected(self) -> None:
        item = self.hold_list.currentItem()
        if item is None:
            self.message.setText("Choose a hold in the list first.")
            self.message.show()
            return
        hold_id = item.data(0, Qt.ItemDataRole.UserRole)
        reason, ok = QInputDialog.getText(
            self, "Lift the hold", f"Why is “{item.text(0)}” being lifted?"
        )
        if ok and reason.strip():
            run_or_explain(
                self, lambda: self.context.write(lambda s, a: lift_hold(s, a, hold_id, reason))
            )

    def edit_periods(self) -> None:
        current = self.context.read(retention_periods)
        PeriodsDialog(self.context, current, self).exec()
