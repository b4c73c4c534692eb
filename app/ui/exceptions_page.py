"""The contact exceptions register: declared pupil–adult links, approved and reviewed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today_london
from app.core.errors import FootprintError, ValidationError
from app.core.permissions import DSL_TEAM, Permission
from app.core.services.contact_exceptions import (
    ExceptionDetails,
    ExceptionRow,
    add_exception,
    approve_exception,
    list_exceptions,
    review_exception,
    withdraw_exception,
)
from app.core.timefmt import format_date, parse_date
from app.core.vocab import PersonKind
from app.ui.context import AppContext
from app.ui.people.picker import PersonPicker
from app.ui.widgets.dates import DateField
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label, run_or_explain


class ExceptionDialog(QDialog):
    """Declare a link: the pupil, the adult, how they are related, where they connect."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Declare a pupil–adult social media link")
        self.pupil_id: int | None = None
        self.adult_id: int | None = None
        self.pupil = QPushButton("Choose the pupil…")
        self.adult = QPushButton("Choose the adult…")
        self.relationship = QLineEdit()
        self.relationship.setPlaceholderText("e.g. Aunt, Stepfather, Family friend since birth")
        self.platforms = QLineEdit()
        self.platforms.setPlaceholderText("e.g. Facebook, WhatsApp")
        self.declared_on = DateField(optional=False)
        self.review_on = DateField(optional=True, tick_text="Review by")
        self.review_on.set_value(None)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        for field, text, widget in [
            ("pupil", "Pupil", self.pupil),
            ("adult", "Adult", self.adult),
            ("relationship_label", "Relationship", self.relationship),
            ("platforms", "Platforms", self.platforms),
            ("declared_on", "Declared on", self.declared_on),
            ("review_on", "Review", self.review_on),
            ("notes", "Notes", self.notes),
        ]:
            add_field_row(form, self.errors, field, text, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The headteacher approves each link; it is then reviewed."))
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.pupil.clicked.connect(lambda: self._choose("pupil"))
        self.adult.clicked.connect(lambda: self._choose("adult"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

    def _choose(self, which: str) -> None:
        picker = PersonPicker(
            self.context,
            parent=self,
            title="Choose the pupil" if which == "pupil" else "Choose the adult",
        )
        if which == "pupil":
            picker.kind.set_value(PersonKind.PUPIL)
        else:
            picker.kind.set_value(PersonKind.STAFF)
        if picker.exec() and picker.chosen is not None:
            setattr(self, f"{which}_id", picker.chosen.id)
            getattr(self, which).setText(picker.chosen.name)

    def save(self) -> None:
        self.errors.clear()
        if self.pupil_id is None or self.adult_id is None:
            field = "pupil" if self.pupil_id is None else "adult"
            self.errors.show(ValidationError(field, f"Choose the {field}."))
            return
        details = ExceptionDetails(
            pupil_id=self.pupil_id,
            adult_id=self.adult_id,
            relationship_label=self.relationship.text().strip(),
            declared_on=self.declared_on.value() or today_london(),
            platforms=self.platforms.text().strip(),
            review_on=self.review_on.value(),
            notes=self.notes.toPlainText().strip(),
        )
        try:
            self.context.write(lambda s, a: add_exception(s, a, details))
        except ValidationError as exc:
            self.errors.show(exc)
            return
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            return
        self.accept()


class ExceptionsPage(QWidget):
    """The register; withdrawn entries stay visible, struck through."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.list = QTreeWidget()
        self.list.setAccessibleName("Contact exceptions register")
        self.list.setHeaderLabels(
            [
                "Pupil",
                "Adult",
                "Relationship",
                "Platforms",
                "Declared",
                "Status",
                "Approved by",
                "Review by",
                "Notes",
            ]
        )
        self.list.setRootIsDecorated(False)
        for column, width in enumerate((150, 150, 120, 110, 85, 120, 100, 85)):
            self.list.setColumnWidth(column, width)
        self.add = QPushButton("Declare a link…")
        self.approve = QPushButton("Approve…")
        self.review = QPushButton("Record a review…")
        self.withdraw = QPushButton("Withdraw…")
        intro = QLabel(
            "Pupils may not be social media friends with staff, governors, volunteers or "
            "contractors. Exceptions (for example family) are declared on entry to the school, "
            "approved by the headteacher and reviewed."
        )
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add, self.approve, self.review, self.withdraw):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.add.clicked.connect(self._add)
        self.approve.clicked.connect(self._approve)
        self.review.clicked.connect(self._review)
        self.withdraw.clicked.connect(self._withdraw)
        context.data_changed.connect(self.refresh)
        for button in (self.add, self.review, self.withdraw):
            button.setVisible(context.may(Permission.MANAGE_EXCEPTIONS))
        self.refresh()

    def refresh(self) -> None:
        # The headteacher approves; a DSL only when the school names their account as also
        # the headteacher (Settings → Accounts), which may change while the window is open.
        self.approve.setVisible(self.context.may(Permission.APPROVE_EXCEPTIONS))
        rows = self.context.read(list_exceptions)
        self.list.clear()
        struck = QFont()
        struck.setStrikeOut(True)
        for row in rows:
            item = QTreeWidgetItem(
                [
                    row.pupil_name,
                    row.adult_name,
                    row.relationship_label,
                    row.platforms,
                    format_date(row.declared_on),
                    row.status,
                    row.approval,
                    format_date(row.review_on),
                    (row.withdrawn_reason or row.notes).replace("\n", " "),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row)
            if row.withdrawn_at is not None:
                for column in range(5):
                    item.setFont(column, struck)
            self.list.addTopLevelItem(item)

    def _selected(self) -> ExceptionRow | None:
        item = self.list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _add(self) -> None:
        ExceptionDialog(self.context, self).exec()

    def _ask_date(self, title: str, prompt: str) -> date | None:
        default = today_london() + timedelta(days=365)
        text, ok = QInputDialog.getText(self, title, prompt, text=default.strftime("%d/%m/%Y"))
        if not ok:
            return None
        try:
            return parse_date(text, "review_on")
        except ValidationError as exc:
            QMessageBox.warning(self, title, exc.message)
            return None

    def _approve(self) -> None:
        row = self._selected()
        if row is None:
            return
        prompt = "Approved. Review it by (DD/MM/YYYY):"
        if self.context.role in DSL_TEAM:
            prompt = (
                "You approve as the headteacher (the school's setting for a DSL who is also "
                "the headteacher); the register says so. " + prompt
            )
        review_on = self._ask_date("Approve the link", prompt)
        if review_on is not None:
            self._try(
                lambda: self.context.write(
                    lambda s, a: approve_exception(s, a, row.id, review_on=review_on)
                )
            )

    def _review(self) -> None:
        row = self._selected()
        if row is None:
            return
        next_on = self._ask_date("Record a review", "Still appropriate. Next review by:")
        if next_on is not None:
            self._try(
                lambda: self.context.write(
                    lambda s, a: review_exception(s, a, row.id, next_review_on=next_on)
                )
            )

    def _withdraw(self) -> None:
        row = self._selected()
        if row is None:
            return
        reason, ok = QInputDialog.getText(self, "Withdraw the link", "Why is it ending?")
        if ok and reason.strip():
            self._try(
                lambda: self.context.write(
                    lambda s, a: withdraw_exception(s, a, row.id, reason.strip())
                )
            )

    def _try(self, action: Callable[[], object]) -> None:
        run_or_explain(self, action)
