"""The Subject access page's small dialogs: a new request, an extension, the day it was
answered, and the redaction log of the packs made (read here; never sent)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today_london
from app.core.errors import FootprintError, ValidationError
from app.core.rules.subject_access import response_due
from app.core.services.subject_access import (
    RedactionLogRow,
    SubjectAccessRow,
    create_request,
    extend_request,
    record_response,
)
from app.core.timefmt import format_date, format_datetime
from app.ui.context import AppContext
from app.ui.people.picker import PersonPicker
from app.ui.widgets.dates import DateField
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label


class _FormDialog(QDialog):
    """A form whose Save runs a service call; a refusal shows beside its field."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self, intro: str) -> None:
        layout = QVBoxLayout(self)
        words = QLabel(intro)
        words.setWordWrap(True)
        layout.addWidget(words)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        raise NotImplementedError

    def run(self, work: object) -> bool:
        """Run the write; True when done (the dialog then closes)."""
        self.errors.clear()
        try:
            self.context.write(work)  # type: ignore[arg-type]
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            return False
        self.accept()
        return True


class NewRequestDialog(_FormDialog):
    """Record a subject access request: about whom, who asked, when it arrived."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "New subject access request", parent)
        self.person_id: int | None = None
        self.person = QPushButton("Choose the person…")
        self.requester = QLineEdit()
        self.requester.setPlaceholderText("As they gave it")
        self.relationship = QLineEdit()
        self.relationship.setPlaceholderText("e.g. the pupil's mother; herself; a solicitor")
        self.received = DateField(optional=False)
        self.due = QLabel()
        for field, text, widget in [
            ("person", "About", self.person),
            ("requester_name", "Asked by", self.requester),
            ("requester_relationship", "Who they are to the person", self.relationship),
            ("received_on", "Received on", self.received),
        ]:
            add_field_row(self.form, self.errors, field, text, widget)
        self.form.addRow("Answer due by", self.due)
        self.finish_layout(
            "The school must answer within one calendar month of receiving the request "
            "(the ICO's rule; school holidays do not pause it). Check who is asking, and "
            "that they may ask for this person's information, before the pack is made."
        )
        self.person.clicked.connect(self._choose)
        self.received.changed.connect(self._show_due)
        self._show_due()

    def _show_due(self) -> None:
        received = self.received.value()
        self.due.setText(format_date(response_due(received)) if received else "")

    def _choose(self) -> None:
        picker = PersonPicker(self.context, parent=self, title="Whose information is asked for")
        if picker.exec() and picker.chosen is not None:
            self.person_id = picker.chosen.id
            self.person.setText(picker.chosen.name)

    def save(self) -> None:
        if self.person_id is None:
            self.errors.show(ValidationError("person", "Choose whose information is asked for."))
            return
        person_id, received = self.person_id, self.received.value() or today_london()
        name, relationship = self.requester.text(), self.relationship.text()
        self.run(
            lambda s, a: create_request(
                s,
                a,
                person_id,
                requester_name=name,
                requester_relationship=relationship,
                received_on=received,
            )
        )


class ExtendDialog(_FormDialog):
    """Extend a complex request by one or two further months, with why."""

    def __init__(
        self, context: AppContext, row: SubjectAccessRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "Extend the time to answer", parent)
        self.row = row
        self.months = QComboBox()
        self.months.addItem("One further month", 1)
        self.months.addItem("Two further months", 2)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        add_field_row(self.form, self.errors, "extension_months", "Extend by", self.months)
        add_field_row(self.form, self.errors, "extension_reason", "Why it is complex", self.reason)
        self.finish_layout(
            "Only a complex request may be extended, by up to two further months, and the "
            "requester must be told, with the reason, within the first month "
            f"(by {format_date(response_due(row.received_on))})."
        )

    def save(self) -> None:
        months, reason, request_id = (
            self.months.currentData(),
            self.reason.toPlainText(),
            self.row.id,
        )
        self.run(lambda s, a: extend_request(s, a, request_id, months=months, reason=reason))


class AnsweredDialog(_FormDialog):
    """The day the request was answered (it then leaves the dashboard)."""

    def __init__(
        self, context: AppContext, row: SubjectAccessRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "Record the answer", parent)
        self.row = row
        self.responded = DateField(optional=False)
        add_field_row(self.form, self.errors, "responded_on", "Answered on", self.responded)
        made = (
            f"The last pack was made on {format_datetime(row.pack_made_at)} (SHA-256 "
            f"{row.pack_sha256})."
            if row.pack_made_at
            else "No pack has been made for this request."
        )
        self.finish_layout(f"{made} The request was due by {format_date(row.due_on)}.")

    def save(self) -> None:
        day, request_id = self.responded.value() or today_london(), self.row.id
        self.run(lambda s, a: record_response(s, a, request_id, responded_on=day))


class RedactionLogDialog(QDialog):
    """Every line of the redaction logs of a request's packs: kept in the log, never sent."""

    def __init__(self, rows: list[RedactionLogRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Redaction log (kept here, never sent)")
        self.list = QTreeWidget()
        self.list.setAccessibleName("Redaction log")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["Pack made", "What", "Where", "Found", "Shown as", "Why"])
        for column, width in enumerate((120, 90, 220, 150, 140)):
            self.list.setColumnWidth(column, width)
        for row in rows:
            item = QTreeWidgetItem(
                [
                    f"{format_datetime(row.made_at)} ({row.pack_sha256[:8]})",
                    row.action.label,
                    row.location,
                    row.removed,
                    row.replaced_by,
                    row.reason,
                ]
            )
            self.list.addTopLevelItem(item)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"{len(rows):,} lines. This log stays in Footprint; it is never sent.")
        )
        layout.addWidget(self.list, 1)
        layout.addWidget(close)
        self.resize(1000, 520)
