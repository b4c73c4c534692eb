"""Settings → Audit: the trail, filtered by who, what record and when, and the same check
as `footprint audit verify`, run in the background with a progress bar and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.audit import Cancelled, Checkpoint, Progress, Verification
from app.core.services.audit_log import (
    AuditRow,
    account_names,
    audit_entries,
    audited_tables,
    record_name,
    verify_trail,
)
from app.core.timefmt import format_datetime
from app.ui.background import run_cancellable
from app.ui.context import AppContext
from app.ui.widgets.dates import DateField
from app.ui.widgets.field_errors import error_label


class AuditPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[AuditRow] = []
        self.user = QComboBox()
        self.user.setAccessibleName("Who")
        self.table = QComboBox()
        self.table.setAccessibleName("Kind of record")
        self.record = QLineEdit()
        self.record.setPlaceholderText("number")
        self.record.setAccessibleName("Record number")
        self.record.setMaximumWidth(90)
        self.since = DateField(optional=True, tick_text="From")
        self.until = DateField(optional=True, tick_text="To")
        self.show_button = QPushButton("&Show")
        self.verify_button = QPushButton("&Verify the trail")
        self.checkpoint = QLineEdit()
        self.checkpoint.setPlaceholderText("a printed checkpoint, e.g. 1234:4f3a 9c12 0b7e 55d1")
        self.checkpoint.setAccessibleName("Checkpoint to prove (optional)")
        self.checkpoint.setToolTip(
            "The checkpoint printed on a governors' report (or by footprint audit checkpoint): "
            "the check then proves nothing before it has been changed or removed since"
        )
        self.checkpoint.setMinimumWidth(260)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.problems = error_label()
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Audit trail")
        self.tree.setHeaderLabels(["#", "When", "Who", "What", "Record", "Changes"])
        self.tree.setRootIsDecorated(False)
        for column, width in enumerate((60, 130, 140, 70, 160)):
            self.tree.setColumnWidth(column, width)
        filters = QHBoxLayout()
        for label, widget in (("Who", self.user), ("Record", self.table)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.record)
        filters.addWidget(self.since)
        filters.addWidget(self.until)
        filters.addWidget(self.show_button)
        filters.addStretch(1)
        checks = QHBoxLayout()
        checks.addWidget(self.checkpoint)
        checks.addWidget(self.verify_button)
        checks.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addLayout(checks)
        layout.addWidget(self.problems)
        self.show_button.clicked.connect(self.reload)
        self.verify_button.clicked.connect(self.verify)
        self.record.returnPressed.connect(self.reload)
        self.checkpoint.returnPressed.connect(self.verify)
        self._fill_choices()
        self.reload()

    def _fill_choices(self) -> None:
        users, tables = self.context.read(lambda s: (account_names(s), audited_tables(s)))
        self.user.addItem("Anyone", None)
        for user_id, name in users:
            self.user.addItem(name, user_id)
        self.table.addItem("Any record", None)
        for table in tables:
            self.table.addItem(record_name(table), table)

    def reload(self) -> None:
        record_text = self.record.text().strip()
        record_id = int(record_text) if record_text.isdigit() else None
        user_id, table = self.user.currentData(), self.table.currentData()
        since, until = self.since.value(), self.until.value()
        self.rows = self.context.read(
            lambda s: audit_entries(
                s, user_id=user_id, table_name=table, record_id=record_id, since=since, until=until
            )
        )
        self.tree.clear()
        for row in self.rows:
            item = QTreeWidgetItem(
                [
                    str(row.id),
                    format_datetime(row.at),
                    row.user,
                    row.action,
                    row.record,
                    row.changes,
                ]
            )
            item.setToolTip(5, row.changes)
            self.tree.addTopLevelItem(item)

    def verify(self) -> None:
        head = self.context.database.audit_head
        typed = self.checkpoint.text().strip()
        try:
            checkpoints = (Checkpoint.parse(typed),) if typed else ()
        except ValueError as exc:
            self.result.clear()
            self.problems.setText(str(exc))
            self.problems.show()
            return

        def work(progress: Progress, cancelled: Cancelled) -> Verification:
            return self.context.read(
                lambda s: verify_trail(s, head, checkpoints, progress=progress, cancelled=cancelled)
            )

        # In the background, with how far it has got: a long trail takes a while, and the
        # check only reads, so stopping it half-way loses nothing.
        outcome = run_cancellable(self, "Checking the audit trail…", work)
        if outcome.cancelled:
            self.result.setText("The check was stopped before it finished.")
            self.problems.hide()
            return
        result = outcome.result
        if outcome.error is not None or not isinstance(result, Verification):
            self.result.setText(outcome.error or "The check could not be run.")
            return
        newest = (
            f" The newest entry is checkpoint {result.checkpoint}." if result.checkpoint else ""
        )
        if result.ok:
            proved = f" It still holds checkpoint {checkpoints[0]}." if checkpoints else ""
            self.result.setText(
                f"The trail is intact: {result.entries:,} entries checked, and every record "
                f"matches it.{proved}{newest}"
            )
            if result.notes:
                self.problems.say_done("\n".join(result.notes))
            else:
                self.problems.hide()
        else:
            self.result.setText(f"The trail is NOT intact ({result.entries:,} entries read).")
            self.problems.setText("\n".join(result.problems))
            self.problems.show()
