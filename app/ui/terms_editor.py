"""Settings → Term dates: the school's terms and half terms (deadlines count school days,
and the governors' report is by term)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.rules.school_days import Term
from app.core.services.terms import list_terms, save_term
from app.core.timefmt import format_date
from app.ui.context import AppContext
from app.ui.widgets.dates import DateField
from app.ui.widgets.service_dialog import ServiceDialog


class TermDialog(ServiceDialog):
    """Change one term's dates."""

    def __init__(self, context: AppContext, term: Term, parent: QWidget | None = None) -> None:
        super().__init__(context, term.title, parent)
        self.term = term
        self.starts_on = DateField(optional=False)
        self.starts_on.set_value(term.starts_on)
        self.ends_on = DateField(optional=False)
        self.ends_on.set_value(term.ends_on)
        self.half_start = DateField(optional=True, tick_text="Half term from")
        self.half_start.set_value(term.half_term_starts_on)
        self.half_end = DateField(optional=True, tick_text="to")
        self.half_end.set_value(term.half_term_ends_on)
        self.add_row("starts_on", "First day", self.starts_on)
        self.add_row("ends_on", "Last day", self.ends_on)
        self.add_row("half_term_starts_on", "Half term starts", self.half_start)
        self.add_row("half_term_ends_on", "Half term ends", self.half_end)
        self.say(
            "Bank holidays are known already; give the days the school is closed for "
            "half term (first and last weekday)."
        )

    def save(self) -> None:
        term = self.term
        starts, ends = self.starts_on.value(), self.ends_on.value()
        assert starts is not None and ends is not None
        half_start, half_end = self.half_start.value(), self.half_end.value()
        self.run(
            lambda s, a: save_term(
                s,
                a,
                term.academic_year,
                term.name,
                starts_on=starts,
                ends_on=ends,
                half_term_starts_on=half_start,
                half_term_ends_on=half_end,
            )
        )


class TermsEditor(QWidget):
    """The list of terms with an Edit button."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.terms: list[Term] = []
        self.list = QTreeWidget()
        self.list.setAccessibleName("Term dates")
        self.list.setHeaderLabels(["Term", "First day", "Last day", "Half term"])
        self.list.setRootIsDecorated(False)
        for column, width in enumerate((180, 100, 100)):
            self.list.setColumnWidth(column, width)
        self.edit = QPushButton("Change dates…")
        note = QLabel(
            "Usual dates for England are filled in for last, this and next school "
            "year; change them to your school's own."
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(note, 1)
        row.addWidget(self.edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self.edit.clicked.connect(self.change)
        self.list.itemActivated.connect(lambda *_: self.change())
        context.data_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.terms = self.context.read(list_terms)
        self.list.clear()
        for index, term in enumerate(self.terms):
            half = (
                f"{format_date(term.half_term_starts_on)} – {format_date(term.half_term_ends_on)}"
                if term.half_term_starts_on
                else ""
            )
            item = QTreeWidgetItem(
                [term.title, format_date(term.starts_on), format_date(term.ends_on), half]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            self.list.addTopLevelItem(item)

    def change(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            dialog: QDialog = TermDialog(
                self.context, self.terms[item.data(0, Qt.ItemDataRole.UserRole)], self
            )
            dialog.exec()
