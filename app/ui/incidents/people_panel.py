"""People on the incident: those saved, plus additions and removals waiting for Save."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.services.incident_form import NewInvolvement, PendingChanges, Removal
from app.core.services.involvements import InvolvementRow
from app.ui.context import AppContext
from app.ui.people.picker import PersonPicker
from app.ui.widgets.field_errors import error_label

NOT_SAVED = "not saved yet"


class PeoplePanel(QWidget):
    """List with Add person… and Remove…; `changed` fires when something is staged."""

    changed = Signal()

    def __init__(
        self, context: AppContext, pending: PendingChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.pending = pending
        self.saved: list[InvolvementRow] = []
        self._staged_names: list[tuple[str, str]] = []  # (name, kind label) per pending add
        self.list = QTreeWidget()
        self.list.setAccessibleName("People on this incident")
        self.list.setHeaderLabels(["Name", "Kind", "Role", ""])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.add_button = QPushButton("Add person…")
        self.add_button.setToolTip("Choose someone from the directory, or add a new person")
        self.remove_button = QPushButton("Remove…")
        self.error = error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_person)
        self.remove_button.clicked.connect(self.remove_selected)
        for column, width in enumerate((240, 110, 130)):
            self.list.setColumnWidth(column, width)

    def show_rows(self, saved: list[InvolvementRow]) -> None:
        """Show what is stored, plus what is staged."""
        self.saved = saved
        self.list.clear()
        removed = {r.id for r in self.pending.involvement_removals}
        for row in saved:
            item = QTreeWidgetItem(
                [
                    row.person_name,
                    row.person_kind.label,
                    row.role.label,
                    "removed when saved" if row.id in removed else "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, ("saved", row.id))
            if row.id in removed:
                font = QFont()
                font.setStrikeOut(True)
                for column in range(3):
                    item.setFont(column, font)
            self.list.addTopLevelItem(item)
        for index, (new, (name, kind)) in enumerate(
            zip(self.pending.involvements, self._staged_names, strict=True)
        ):
            item = QTreeWidgetItem([name, kind, new.role.label, NOT_SAVED])
            item.setData(0, Qt.ItemDataRole.UserRole, ("pending", index))
            font = QFont()
            font.setItalic(True)
            item.setFont(3, font)
            self.list.addTopLevelItem(item)

    def add_person(self) -> None:
        """Choose a person and their role; staged until Save."""
        picker = PersonPicker(
            self.context, title="Add a person to this incident", ask_role=True, parent=self
        )
        if not picker.exec() or picker.chosen is None or picker.chosen.role is None:
            return
        chosen = picker.chosen
        role = chosen.role
        assert role is not None
        self.pending.involvements.append(NewInvolvement(chosen.id, role))
        self._staged_names.append((chosen.name, chosen.kind.label))
        self.show_rows(self.saved)
        self.changed.emit()

    def remove_selected(self) -> None:
        """Unstage an addition, or stage a removal (with a reason) of a saved person."""
        item = self.list.currentItem()
        if item is None:
            return
        where, key = item.data(0, Qt.ItemDataRole.UserRole)
        if where == "pending":
            del self.pending.involvements[key]
            del self._staged_names[key]
        else:
            if any(r.id == key for r in self.pending.involvement_removals):
                return
            reason, ok = QInputDialog.getText(
                self,
                "Remove from this incident",
                f"Why is {item.text(0)} being removed? (The record keeps them, marked removed.)",
            )
            if not ok or not reason.strip():
                return
            self.pending.involvement_removals.append(Removal(key, reason.strip()))
        self.show_rows(self.saved)
        self.changed.emit()

    def forget_staged(self) -> None:
        """After a save: the staged names are now saved rows."""
        self._staged_names.clear()
