"""Adding or correcting a person: one form whose fields follow the kind of person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import Conflict, FootprintError, ValidationError
from app.core.services.people import PersonDetails, create_person, update_person
from app.core.vocab import YEAR_GROUPS, PersonKind
from app.ui.context import AppContext
from app.ui.widgets.choices import VocabCombo
from app.ui.widgets.dates import DateField
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label

if TYPE_CHECKING:
    from app.core.models import Person


class PersonDialog(QDialog):
    """Form for one person; `saved_id` holds the id after a successful save."""

    def __init__(
        self,
        context: AppContext,
        *,
        person: Person | None = None,
        kind: PersonKind | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.person_id = person.id if person else None
        self.version = person.version if person else None
        self.saved_id: int | None = None
        self.setWindowTitle("Correct a person's details" if person else "Add a person")

        self.kind = VocabCombo(list(PersonKind), accessible_name="Kind of person")
        self.title = QLineEdit()
        self.given_name = QLineEdit()
        self.family_name = QLineEdit()
        self.year_group = QComboBox()
        self.year_group.addItem("", None)
        for year in YEAR_GROUPS:
            self.year_group.addItem(
                "Reception" if year == "R" else "Nursery" if year == "N" else f"Year {year}", year
            )
        self.class_name = QLineEdit()
        self.date_of_birth = DateField(optional=True)
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().height() * 5)
        self.postcode = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.job_title = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().height() * 4)

        self.form = QFormLayout()
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        rows: list[tuple[str, str, QWidget]] = [
            ("kind", "Kind", self.kind),
            ("title", "Title (Mrs, Mr, Mx, Dr…)", self.title),
            ("given_name", "First name", self.given_name),
            ("family_name", "Surname", self.family_name),
            ("year_group", "Year group", self.year_group),
            ("class_name", "Class", self.class_name),
            ("date_of_birth", "Date of birth", self.date_of_birth),
            ("address", "Postal address", self.address),
            ("postcode", "Postcode", self.postcode),
            ("email", "Email", self.email),
            ("phone", "Phone", self.phone),
            ("job_title", "Job title / who they are", self.job_title),
            ("notes", "Notes", self.notes),
        ]
        self._pupil_rows = {"year_group", "class_name", "date_of_birth"}
        self._rows: dict[str, QWidget] = {}
        for field, text, widget in rows:
            self._rows[field] = add_field_row(self.form, self.errors, field, text, widget)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(QLabel("Names print on letters exactly as typed here."))
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        if person is not None:
            self._load(person)
        elif kind is not None:
            self.kind.set_value(kind)
        self._kind_changed()

    def _load(self, person: Person) -> None:
        self.kind.set_value(person.kind)
        self.title.setText(person.title)
        self.given_name.setText(person.given_name)
        self.family_name.setText(person.family_name)
        self.year_group.setCurrentIndex(max(self.year_group.findData(person.year_group), 0))
        self.class_name.setText(person.class_name or "")
        self.date_of_birth.set_value(person.date_of_birth)
        self.address.setPlainText(person.address)
        self.postcode.setText(person.postcode)
        self.email.setText(person.email)
        self.phone.setText(person.phone)
        self.job_title.setText(person.job_title)
        self.notes.setPlainText(person.notes)

    def _kind_changed(self) -> None:
        pupil = self.kind.value() is PersonKind.PUPIL
        for field in self._pupil_rows:
            self.form.setRowVisible(self._rows[field], pupil)
        self.form.setRowVisible(self._rows["job_title"], not pupil)
        self.adjustSize()

    def details(self) -> PersonDetails:
        """What the form says, stripped of stray spaces at the ends of lines."""
        kind = self.kind.value() or PersonKind.THIRD_PARTY
        pupil = kind is PersonKind.PUPIL
        return PersonDetails(
            kind=kind,
            given_name=self.given_name.text().strip(),
            family_name=self.family_name.text().strip(),
            title=self.title.text().strip(),
            year_group=self.year_group.currentData() if pupil else None,
            class_name=(self.class_name.text().strip() or None) if pupil else None,
            date_of_birth=self.date_of_birth.value() if pupil else None,
            address=self.address.toPlainText().strip(),
            postcode=self.postcode.text().strip().upper(),
            email=self.email.text().strip(),
            phone=self.phone.text().strip(),
            job_title="" if pupil else self.job_title.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def save(self) -> None:
        """Save through the service; on a refusal, say why beside the field and stay open."""
        details = self.details()
        self.errors.clear()
        try:
            if self.person_id is None:
                self.saved_id = self.context.write(lambda s, a: create_person(s, a, details).id)
            else:
                person_id, version = self.person_id, self.version or 0
                self.saved_id = self.context.write(
                    lambda s, a: (
                        update_person(s, a, person_id, details, expected_version=version).id
                    )
                )
        except ValidationError as exc:
            self.errors.show(exc)
            return
        except (Conflict, FootprintError) as exc:
            self.general_error.setText(exc.message)
            self.general_error.show()
            return
        self.accept()
