"""The last step of an import: what it would change, before anything is written. The
counts and the file at the top, the whole-school answer, then one tab per kind of change
with its count in the title."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.mis_import.plan import Plan, Suggestion
from app.core.mis_import.records import ImportFile
from app.core.mis_import.wording import counts_sentence, file_description
from app.ui.mis_import import preview_lists as lists

PEOPLE_HEADINGS = ["Name", "Kind", "Where in the file", "Incidents"]
PEOPLE_WIDTHS = (260, 110, 130)

WHOLE_SCHOOL = "This file holds the whole school: anyone it leaves out has left"


class PreviewStep(QWidget):
    """The preview. Emits what the DSL answers; the dialog previews again with it."""

    whole_school_changed = Signal(bool)
    #: (the suggestions chosen, True for "same person")
    decided = Signal(list, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the import would do")
        font = QFont(self.summary.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file = QLabel()
        self.file.setWordWrap(True)
        self.file.setTextFormat(Qt.TextFormat.PlainText)
        self.whole_school = QCheckBox(WHOLE_SCHOOL)
        self.whole_school.setToolTip(
            "Leave it ticked for a full export: pupils the MIS no longer lists are marked "
            "as left (never deleted; they stay on their incidents). Untick it for a file "
            "of some pupils only."
        )
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        self.added = lists.new_tree("New people", PEOPLE_HEADINGS, PEOPLE_WIDTHS)
        self.changed = lists.new_tree("Changed", PEOPLE_HEADINGS, PEOPLE_WIDTHS)
        self.left = lists.new_tree("Leavers", PEOPLE_HEADINGS, PEOPLE_WIDTHS)
        self.links = lists.new_tree(
            "Family links", ["Pupil", "Parent or contact", "Link", "Incidents"], (180, 180, 450)
        )
        self.suggestions = lists.new_tree(
            "Suggestions",
            ["In the file", "Already in Footprint", "Why", "Decision", "Incidents"],
            (170, 170, 170, 230),
        )
        self.suggestions.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.refused = lists.new_tree("Refused rows", ["Where", "Who", "Why"], (90, 200))
        self.warnings = lists.new_tree("Warnings", ["Warning"])
        self.not_in_file = lists.new_tree("Not in the file", PEOPLE_HEADINGS, PEOPLE_WIDTHS)
        self.same = QPushButton("&Same person")
        self.same.setToolTip("The chosen suggestions are people already in Footprint: update them")
        self.different = QPushButton("A &different person")
        self.different.setToolTip("The chosen suggestions are new people: add them")
        self.suggestions_help = QLabel(
            "Each of these may be someone already in Footprint. Nobody is merged unless you "
            "say so: choose a line (or several) and answer."
        )
        self.suggestions_help.setWordWrap(True)
        not_in_file_help = QLabel(
            "People typed into Footprint that the file doesn't mention and no earlier import "
            "brought: left unchanged. Tidy them by hand if they have left or are duplicates."
        )
        not_in_file_help.setWordWrap(True)

        self._tab_of: dict[QWidget, int] = {}
        self._page(self.added)
        self._page(self.changed)
        self._page(self.left)
        self._page(self.links)
        self._page(
            self.suggestions,
            above=self.suggestions_help,
            below=[self.same, self.different],
        )
        self._page(self.refused)
        self._page(self.warnings)
        self._page(self.not_in_file, above=not_in_file_help)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.file)
        layout.addWidget(self.whole_school)
        layout.addWidget(self.tabs, 1)
        self.whole_school.toggled.connect(self.whole_school_changed)
        self.same.clicked.connect(lambda: self._decide(True))
        self.different.clicked.connect(lambda: self._decide(False))
        self.suggestions.itemSelectionChanged.connect(self._enable)
        self._enable()

    def _page(
        self,
        tree: QTreeWidget,
        *,
        above: QWidget | None = None,
        below: list[QPushButton] | None = None,
    ) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        if above is not None:
            box.addWidget(above)
        box.addWidget(tree, 1)
        if below:
            row = QHBoxLayout()
            for button in below:
                row.addWidget(button)
            row.addStretch(1)
            box.addLayout(row)
        self._tab_of[tree] = self.tabs.addTab(page, tree.accessibleName())

    def _title(self, tree: QTreeWidget, title: str) -> None:
        self.tabs.setTabText(self._tab_of[tree], title)

    def show_plan(self, plan: Plan, import_file: ImportFile) -> None:
        """Fill every part of the preview from `plan`."""
        self.summary.setText(counts_sentence(plan.counts()))
        self.file.setText(file_description(import_file))
        self.whole_school.blockSignals(True)
        self.whole_school.setChecked(plan.whole_school)
        self.whole_school.blockSignals(False)
        lists.fill_people(self.added, plan.added)
        lists.fill_changed(self.changed, plan.changed)
        lists.fill_people(self.left, plan.left)
        lists.fill_links(self.links, plan.links_added, plan.links_changed, plan.links_ended)
        lists.fill_suggestions(self.suggestions, plan.suggestions, plan.decisions)
        lists.fill_refused(self.refused, plan.refused)
        lists.fill_lines(self.warnings, plan.warnings)
        lists.fill_people(self.not_in_file, plan.not_in_file)
        links = len(plan.links_added) + len(plan.links_changed) + len(plan.links_ended)
        for tree, title in (
            (self.added, f"New people ({len(plan.added):,})"),
            (self.changed, f"Changed ({len(plan.changed):,})"),
            (self.left, f"Leavers ({len(plan.left):,})"),
            (self.links, f"Family links ({links:,})"),
            (self.suggestions, f"Suggestions ({len(plan.suggestions):,})"),
            (self.refused, f"Refused rows ({len(plan.refused):,})"),
            (self.warnings, f"Warnings ({len(plan.warnings):,})"),
            (self.not_in_file, f"Not in the file ({len(plan.not_in_file):,})"),
        ):
            self._title(tree, title)
        self._enable()

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_tab(self, tree: QTreeWidget) -> None:
        self.tabs.setCurrentIndex(self._tab_of[tree])

    def chosen_suggestions(self) -> list[Suggestion]:
        return [item.data(0, Qt.ItemDataRole.UserRole) for item in self.suggestions.selectedItems()]

    def _decide(self, same: bool) -> None:
        chosen = self.chosen_suggestions()
        if chosen:
            self.decided.emit(chosen, same)

    def _enable(self) -> None:
        chosen = bool(self.suggestions.selectedItems())
        self.same.setEnabled(chosen)
        self.different.setEnabled(chosen)
