"""The people directory: search, kind filter, add/correct, links, a person's incidents."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError
from app.core.permissions import Permission
from app.core.services.incident_queries import PersonIncidentRow, incidents_for_person
from app.core.services.people import (
    PersonRow,
    family_links,
    find_people,
    get_person,
    link_parent,
    open_person,
    person_row,
    set_no_contact,
    unlink_parent,
    withdraw_person,
)
from app.core.timefmt import format_date
from app.core.vocab import PersonKind
from app.ui.context import AppContext
from app.ui.mis_import.dialog import ImportDialog
from app.ui.people.cp_transfer_dialog import open_transfer_dialog
from app.ui.people.person_dialog import PersonDialog
from app.ui.people.person_facts import detail_facts, list_columns, row_facts
from app.ui.people.picker import PersonPicker
from app.ui.widgets.choices import VocabCombo
from app.ui.widgets.field_errors import run_or_explain

SHOWN_AT_MOST = 500


class PeoplePage(QWidget):
    """Directory on the left, the chosen person's page on the right."""

    open_incident = Signal(int)
    show_incidents_of = Signal(int, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.person_id: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search people by name")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.kind = VocabCombo(list(PersonKind), blank="Everyone", accessible_name="Kind filter")
        self.add = QPushButton("Add a person…")
        self.import_button = QPushButton("Import from MIS…")
        self.import_button.setToolTip(
            "Add and update pupils, parents and staff from a file your MIS exported "
            "(a Common Transfer File or a CSV): you see what would change first"
        )
        self.list = QTreeWidget()
        self.list.setAccessibleName("People")
        self.list.setHeaderLabels(["Name", "Kind", "Class"])
        self.list.setRootIsDecorated(False)
        self.list.setColumnWidth(0, 220)
        self.list.setColumnWidth(1, 100)
        self.count = QLabel()

        self.name = QLabel()
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.name.setFont(font)
        self.facts = QFormLayout()
        self.links = QTreeWidget()
        self.links.setAccessibleName("Family links")
        self.links.setHeaderLabels(["Linked to", "Relationship", "Contact"])
        self.links.setRootIsDecorated(False)
        self.links.setMaximumHeight(110)
        self.incidents = QTreeWidget()
        self.incidents.setAccessibleName("This person's incidents")
        self.incidents.setHeaderLabels(["Seen", "Incident", "Role", "Status", "Summary"])
        self.incidents.setRootIsDecorated(False)
        for column, width in enumerate((85, 115, 110, 110)):
            self.incidents.setColumnWidth(column, width)
        self.edit = QPushButton("Correct details…")
        self.withdraw = QPushButton("Withdraw…")
        self.add_link = QPushButton("Link…")
        self.remove_link = QPushButton("Remove link…")
        self.no_contact = QPushButton("No contact…")
        self.no_contact.setToolTip(
            "Record or lift a restriction (e.g. a court order): no letter about the pupil "
            "goes to this parent or carer"
        )
        self.list_incidents = QPushButton("Show in incident list")
        self.transfer = QPushButton("Child protection file transfer…")
        self.transfer.setToolTip(
            "For a pupil who leaves: every incident as one file for the new school's DSL, "
            "with a receipt slip; the five school days are on the dashboard until it arrives"
        )

        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.kind)
        left.addLayout(top)
        left.addWidget(self.list, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.add)
        left.addLayout(bottom)
        right = QVBoxLayout()
        right.addWidget(self.name)
        right.addLayout(self.facts)
        actions = QHBoxLayout()
        for button in (self.edit, self.withdraw, self.transfer):
            actions.addWidget(button)
        actions.addStretch(1)
        right.addLayout(actions)
        self.links_heading = QLabel("Family links")
        right.addWidget(self.links_heading)
        right.addWidget(self.links)
        link_actions = QHBoxLayout()
        link_actions.addWidget(self.add_link)
        link_actions.addWidget(self.remove_link)
        link_actions.addWidget(self.no_contact)
        link_actions.addStretch(1)
        right.addLayout(link_actions)
        heading = QHBoxLayout()
        heading.addWidget(QLabel("Incidents involving this person, newest first"), 1)
        heading.addWidget(self.list_incidents)
        right.addLayout(heading)
        right.addWidget(self.incidents, 1)
        left_box, right_box = QWidget(), QWidget()
        left_box.setLayout(left)
        right_box.setLayout(right)
        self.splitter = QSplitter()
        self.splitter.addWidget(left_box)
        self.splitter.addWidget(right_box)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([440, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._timer.start)
        self.kind.currentIndexChanged.connect(lambda _index: self.refresh())
        self.list.currentItemChanged.connect(self._chosen)
        self.add.clicked.connect(self.add_person)
        self.import_button.clicked.connect(self.import_from_mis)
        self.edit.clicked.connect(self.edit_person)
        self.withdraw.clicked.connect(self.withdraw_person)
        self.add_link.clicked.connect(self.link)
        self.remove_link.clicked.connect(self.unlink)
        self.no_contact.clicked.connect(self.toggle_no_contact)
        self.transfer.clicked.connect(self.transfer_file)
        self.incidents.itemActivated.connect(
            lambda item, _c: self.open_incident.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )
        self.list_incidents.clicked.connect(
            lambda: (
                self.person_id is not None
                and self.show_incidents_of.emit(self.person_id, self.name.text())
            )
        )
        # A save elsewhere re-shows the same search: not a new one on the trail.
        context.data_changed.connect(lambda: self.refresh(asked=False))
        # Only what the account may use: office staff add people; the DSL corrects them.
        self.add.setVisible(context.may(Permission.ADD_PERSON))
        self.import_button.setVisible(context.may(Permission.IMPORT_PEOPLE))
        for button in (
            self.edit,
            self.withdraw,
            self.add_link,
            self.remove_link,
            self.no_contact,
        ):
            button.setVisible(context.may(Permission.MANAGE_PEOPLE))
        # Office staff see names (to pick people), not family links or other details.
        for widget in (self.links_heading, self.links):
            widget.setVisible(context.may(Permission.READ_PERSON_DETAILS))
        self.transfer.setVisible(context.may(Permission.CASE_FILES))
        self.refresh()

    def refresh(self, asked: bool = True) -> None:
        """Re-run the search, keeping the chosen person if still listed. A search the
        user `asked` for is on the audit trail; re-showing it after a save is not."""
        text, kind = self.search.text(), self.kind.value()
        try:  # the search is on the audit trail (not what was typed), or nothing is listed
            rows = (self.context.look if asked else self.context.read)(
                lambda s: find_people(s, text, kind=kind, limit=SHOWN_AT_MOST + 1, record=asked)
            )
        except FootprintError as exc:
            self.count.setText(exc.message)
            rows = []
        keep = self.person_id
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows[:SHOWN_AT_MOST]:
            item = QTreeWidgetItem(list_columns(row))
            item.setData(0, Qt.ItemDataRole.UserRole, row)
            self.list.addTopLevelItem(item)
            if row.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        more = " (type to narrow)" if len(rows) > SHOWN_AT_MOST else ""
        shown = min(len(rows), SHOWN_AT_MOST)
        self.count.setText(f"{shown:,} {'person' if shown == 1 else 'people'}{more}")
        self.show_person(keep)

    def _chosen(self, item: QTreeWidgetItem | None, _old: object) -> None:
        row: PersonRow | None = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        self.show_person(row.id if row else None)

    def show_person(self, person_id: int | None) -> None:
        """Fill the person's page (or empty it); the look is on the audit trail."""
        details = self.context.may(Permission.READ_PERSON_DETAILS)
        if not details:  # office staff: the name, to pick the right person, and no more
            self._show_name_only(person_id)
            return
        if person_id is not None and person_id != getattr(self, "person_id", None):
            chosen = person_id
            try:
                self.context.look(lambda s: open_person(s, chosen))
            except FootprintError as exc:
                self.count.setText(exc.message)
                person_id = None
        self.person_id = person_id
        for button in (
            self.edit,
            self.withdraw,
            self.add_link,
            self.remove_link,
            self.no_contact,
            self.list_incidents,
        ):
            button.setEnabled(person_id is not None)
        while self.facts.rowCount():
            self.facts.removeRow(0)
        self.links.clear()
        self.incidents.clear()
        self.transfer.setEnabled(False)
        if person_id is None:
            self.name.setText("Choose a person")
            return

        person, links, incidents = self.context.read(
            lambda s: (
                get_person(s, person_id),
                family_links(s, person_id),
                incidents_for_person(s, person_id),
            )
        )
        withdrawn = " (withdrawn)" if person.withdrawn_at else ""
        self.name.setText(person.full_name + withdrawn)
        self.transfer.setEnabled(person.kind is PersonKind.PUPIL)
        for label, value in detail_facts(person):
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(label, text)
        for link in links:
            contact = "No contact — no letters" if link.no_contact else ""
            item = QTreeWidgetItem([link.other_name, link.relationship_label, contact])
            item.setData(0, Qt.ItemDataRole.UserRole, link.link_id)
            item.setData(2, Qt.ItemDataRole.UserRole, link.no_contact)
            self.links.addTopLevelItem(item)
        self._list_incidents(incidents)

    def _show_name_only(self, person_id: int | None) -> None:
        """What office staff see of a person: the directory's line (name, kind, year and
        class), and the incidents they recorded — no details, no family links."""
        self.person_id = person_id
        self.list_incidents.setEnabled(person_id is not None)
        while self.facts.rowCount():
            self.facts.removeRow(0)
        self.links.clear()
        self.incidents.clear()
        if person_id is None:
            self.name.setText("Choose a person")
            return
        row, incidents = self.context.read(
            lambda s: (person_row(s, person_id), incidents_for_person(s, person_id))
        )
        self.name.setText(row.full_name + (" (withdrawn)" if row.withdrawn else ""))
        for label, value in row_facts(row):
            self.facts.addRow(label, QLabel(value))
        self._list_incidents(incidents)

    def _list_incidents(self, incidents: Iterable[PersonIncidentRow]) -> None:
        """The person's incidents, newest first, one line each."""
        for incident in incidents:
            item = QTreeWidgetItem(
                [
                    format_date(incident.seen_at),
                    incident.reference,
                    incident.role.label,
                    "Withdrawn" if incident.withdrawn else incident.status.label,
                    incident.summary.replace("\n", " ")[:200],
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, incident.incident_id)
            self.incidents.addTopLevelItem(item)

    def add_person(self) -> None:
        dialog = PersonDialog(self.context, kind=self.kind.value(), parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.person_id = dialog.saved_id
            self.refresh()

    def import_from_mis(self) -> None:
        """The import window; a successful import refreshes this page (data_changed)."""
        dialog = ImportDialog(self.context, parent=self)
        dialog.exec()
        dialog.deleteLater()

    def transfer_file(self) -> None:
        """The chosen pupil's child protection file transfers, and a new one."""
        if self.person_id is not None:
            open_transfer_dialog(self.context, self.person_id, self)

    def edit_person(self) -> None:
        if self.person_id is None:
            return
        person_id = self.person_id
        person = self.context.read(lambda s: get_person(s, person_id))
        PersonDialog(self.context, person=person, parent=self).exec()

    def withdraw_person(self) -> None:
        if self.person_id is None:
            return
        person_id = self.person_id
        reason, ok = QInputDialog.getText(
            self,
            "Withdraw a person",
            "Why is this person being withdrawn (e.g. entered twice)? Their past "
            "involvement in incidents stays on record.",
        )
        if ok and reason.strip():
            self._try(
                lambda: self.context.write(
                    lambda s, a: withdraw_person(s, a, person_id, reason.strip())
                )
            )

    def link(self) -> None:
        """Link a parent/carer to a pupil (from whichever side is open)."""
        if self.person_id is None:
            return
        person_id = self.person_id
        me = self.context.read(lambda s: get_person(s, person_id))
        pupil_side = me.kind is PersonKind.PUPIL
        picker = PersonPicker(
            self.context,
            parent=self,
            title="Choose the parent or carer" if pupil_side else "Choose the child",
        )
        picker.kind.set_value(PersonKind.PARENT if pupil_side else PersonKind.PUPIL)
        if not picker.exec() or picker.chosen is None:
            return
        relationship, ok = QInputDialog.getText(
            self, "Relationship", "Relationship (e.g. Mother, Father, Carer, Grandparent):"
        )
        if not ok:
            return
        parent_id, child_id = (
            (picker.chosen.id, person_id) if pupil_side else (person_id, picker.chosen.id)
        )
        self._try(
            lambda: self.context.write(
                lambda s, a: link_parent(
                    s, a, parent_id, child_id, relationship_label=relationship.strip()
                )
            )
        )

    def unlink(self) -> None:
        item = self.links.currentItem()
        if item is None:
            return
        link_id = item.data(0, Qt.ItemDataRole.UserRole)
        reason, ok = QInputDialog.getText(self, "Remove a link", "Why is this link wrong?")
        if ok and reason.strip():
            self._try(
                lambda: self.context.write(
                    lambda s, a: unlink_parent(s, a, link_id, reason.strip())
                )
            )

    def toggle_no_contact(self) -> None:
        """Set or lift "no contact" on the chosen link, after saying what it means."""
        item = self.links.currentItem()
        if item is None:
            return
        link_id = item.data(0, Qt.ItemDataRole.UserRole)
        restricted = bool(item.data(2, Qt.ItemDataRole.UserRole))
        question = (
            "Lift the restriction? Letters about the pupil may then go to this parent or "
            "carer again."
            if restricted
            else "Record that this parent or carer must not be contacted about the pupil "
            "(e.g. a court order)? No letter about the pupil will go to them."
        )
        answer = QMessageBox.question(self, "No contact", question)
        if answer is QMessageBox.StandardButton.Yes:
            self._try(
                lambda: self.context.write(
                    lambda s, a: set_no_contact(s, a, link_id, not restricted)
                )
            )

    def _try(self, action: Callable[[], object]) -> None:
        run_or_explain(self, action)
