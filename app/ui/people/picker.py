"""Choosing a person from the directory (with a role, when adding to an incident), or
quickly adding a new one."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError
from app.core.services.people import PersonRow, find_people, person_row
from app.core.vocab import InvolvementRole, PersonKind
from app.ui.context import AppContext
from app.ui.people.person_dialog import PersonDialog
from app.ui.widgets.choices import VocabCombo


@dataclass(frozen=True)
class PickedPerson:
    """Who was chosen (and in which role, when a role was asked for)."""

    id: int
    name: str
    kind: PersonKind
    role: InvolvementRole | None


def describe(row: PersonRow) -> str:
    """ "Zoë Okafor — Pupil, 3 Oak"."""
    extra = row.kind.label
    if row.kind is PersonKind.PUPIL and (row.class_name or row.year_group):
        extra += f", {row.class_name or 'Year ' + (row.year_group or '')}"
    return f"{row.full_name} — {extra}"


class PersonPicker(QDialog):
    """Search the directory as you type; Enter or double-click chooses."""

    def __init__(
        self,
        context: AppContext,
        *,
        title: str = "Choose a person",
        ask_role: bool = False,
        role: InvolvementRole | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.chosen: PickedPerson | None = None
        self.setWindowTitle(title)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of a name")
        self.search.setAccessibleName("Search people")
        self.kind = VocabCombo(list(PersonKind), blank="Anyone", accessible_name="Kind of person")
        self.results = QListWidget()
        self.results.setAccessibleName("Matching people")
        self.role = VocabCombo(list(InvolvementRole), accessible_name="Role in this incident")
        if role is not None:
            self.role.set_value(role)
        self.role.setVisible(ask_role)
        self.new_person = QPushButton("New person…")
        self.new_person.setToolTip("Add someone who is not in the directory yet")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Choose")
        self.ok.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.kind)
        bottom = QHBoxLayout()
        if ask_role:
            role_label = QLabel("Role:")
            role_label.setBuddy(self.role)
            bottom.addWidget(role_label)
            bottom.addWidget(self.role)
        bottom.addStretch(1)
        bottom.addWidget(self.new_person)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.results, 1)
        layout.addLayout(bottom)
        layout.addWidget(buttons)
        self.resize(520, 420)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._timer.start)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.results.currentItemChanged.connect(
            lambda item, _old: self.ok.setEnabled(item is not None)
        )
        self.results.itemActivated.connect(lambda _item: self.accept())
        self.search.returnPressed.connect(self._choose_first)
        self.new_person.clicked.connect(self._add_new)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.refresh()

    def refresh(self) -> None:
        """List up to 200 matches for what is typed."""
        text, kind = self.search.text(), self.kind.value()
        try:  # the search is on the audit trail (not what was typed), or nothing is listed
            rows = self.context.look(lambda s: find_people(s, text, kind=kind, limit=200))
        except FootprintError:
            rows = []
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(describe(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)

    def _choose_first(self) -> None:
        if self.results.count():
            self.accept()

    def _add_new(self) -> None:
        dialog = PersonDialog(self.context, kind=self.kind.value(), parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            person_id = dialog.saved_id
            person = self.context.read(lambda s: person_row(s, person_id))
            self.chosen = PickedPerson(
                person.id,
                person.full_name,
                person.kind,
                self.role.value() if self.role.isVisible() else None,
            )
            super().accept()

    def accept(self) -> None:
        """Remember the highlighted person (and role)."""
        item = self.results.currentItem()
        if item is None:
            return
        row: PersonRow = item.data(Qt.ItemDataRole.UserRole)
        role = self.role.value() if not self.role.isHidden() else None
        self.chosen = PickedPerson(row.id, row.full_name, row.kind, role)
        super().accept()
