"""The preview's lists, filled from a Plan. Each is one tree of plain items (no widget per
row), so a first import of 2,000 pupils and 4,000 contacts still scrolls smoothly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QTreeWidget, QTreeWidgetItem

from app.core.mis_import.plan import LinkPlan, PersonPlan, Suggestion
from app.core.mis_import.records import Refusal
from app.core.mis_import.wording import change_text, incidents_note, restriction_text

SAME = "Same person as {name}"
DIFFERENT = "A different person (added as new)"


def new_tree(name: str, headings: list[str], widths: tuple[int, ...] = ()) -> QTreeWidget:
    """A flat, quick list (uniform rows) with these headings."""
    tree = QTreeWidget()
    tree.setAccessibleName(name)
    tree.setHeaderLabels(headings)
    tree.setUniformRowHeights(True)
    tree.setRootIsDecorated(False)  # the lists with groups under them turn it on
    tree.setAlternatingRowColors(True)
    for column, width in enumerate(widths):
        tree.setColumnWidth(column, width)
    return tree


def warning_brush() -> QBrush:
    """A warning colour readable on the window's background (light or dark)."""
    dark = QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
    return QBrush(QColor("#ffb74d" if dark else "#8a4b00"))


def _mark_incidents(item: QTreeWidgetItem, column: int, on_incidents: int) -> None:
    """Someone on an incident is pointed out: the words, in bold (not colour alone)."""
    note = incidents_note(on_incidents)
    if note:
        item.setText(column, note)
        font = QFont(item.font(column))
        font.setBold(True)
        item.setFont(column, font)
        item.setToolTip(column, f"This person is {note}: check the change before applying.")


def _where(person: PersonPlan) -> str:
    return str(person.position) if person.position is not None else ""


def fill_people(tree: QTreeWidget, people: list[PersonPlan]) -> None:
    """Name, kind, where in the file, and whether they are on incidents."""
    tree.clear()
    items = []
    for person in people:
        item = QTreeWidgetItem([person.name, person.kind.label, _where(person), ""])
        _mark_incidents(item, 3, person.on_incidents)
        items.append(item)
    tree.addTopLevelItems(items)


def fill_changed(tree: QTreeWidget, people: list[PersonPlan]) -> None:
    """Each person changed, with each field's change under them ("Class: 5B → 6H")."""
    tree.clear()
    tree.setRootIsDecorated(True)
    items = []
    for person in people:
        item = QTreeWidgetItem([person.name, person.kind.label, _where(person), ""])
        _mark_incidents(item, 3, person.on_incidents)
        for change in person.changes:
            item.addChild(QTreeWidgetItem([change_text(change)]))
        items.append(item)
    tree.addTopLevelItems(items)
    # Spanning works only once an item is in the tree: a change ("Address: …, … → …")
    # takes the whole row rather than being cut short at the Name column.
    for item in items:
        for index in range(item.childCount()):
            child = item.child(index)
            if child is not None:
                child.setFirstColumnSpanned(True)
    # A few people open; thousands stay folded (opening them all is slow, and long).
    if len(items) <= 200:
        tree.expandAll()


def fill_links(
    tree: QTreeWidget, added: list[LinkPlan], changed: list[LinkPlan], ended: list[LinkPlan]
) -> None:
    """The links added, changed and ended, each group under its heading with its count;
    a "no contact" restriction this import adds stands out by icon, words and colour."""
    tree.clear()
    tree.setRootIsDecorated(True)
    icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
    for heading, links in (("Added", added), ("Changed", changed), ("Ended", ended)):
        group = QTreeWidgetItem([f"{heading} ({len(links):,})"])
        group.setFirstColumnSpanned(True)
        font = QFont(group.font(0))
        font.setBold(True)
        group.setFont(0, font)
        children = []
        for link in links:
            description = link.description
            if link.changes:
                description = "; ".join(change_text(c) for c in link.changes)
            item = QTreeWidgetItem([link.pupil_name, link.contact_name, description, ""])
            _mark_incidents(item, 3, link.on_incidents)
            if link.adds_no_contact:
                item.setIcon(2, icon)
                item.setText(2, restriction_text(link))
                item.setToolTip(
                    2,
                    "This import adds a “no contact” restriction: letters about the pupil "
                    f"will not go to this person. ({description})",
                )
                for column in range(4):
                    item.setForeground(column, warning_brush())
            children.append(item)
        group.addChildren(children)
        tree.addTopLevelItem(group)
        group.setExpanded(len(links) <= 500)


def fill_suggestions(
    tree: QTreeWidget, suggestions: list[Suggestion], decisions: dict[str, int]
) -> None:
    """Each possible match, why, and what has been decided (different, until the DSL says)."""
    tree.clear()
    items = []
    for suggestion in suggestions:
        same = decisions.get(suggestion.record_key) == suggestion.person_id
        decision = SAME.format(name=suggestion.person_name) if same else DIFFERENT
        item = QTreeWidgetItem(
            [suggestion.record_name, suggestion.person_name, suggestion.why, decision, ""]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, suggestion)
        _mark_incidents(item, 4, suggestion.on_incidents)
        items.append(item)
    tree.addTopLevelItems(items)


def fill_refused(tree: QTreeWidget, refused: list[Refusal]) -> None:
    """Where each refused row is, who it seems to be, and why."""
    tree.clear()
    items = []
    for refusal in refused:
        item = QTreeWidgetItem([str(refusal.position).capitalize(), refusal.who, refusal.reason])
        item.setToolTip(2, refusal.reason)
        items.append(item)
    tree.addTopLevelItems(items)


def fill_lines(tree: QTreeWidget, lines: list[str]) -> None:
    tree.clear()
    items = []
    for line in lines:
        item = QTreeWidgetItem([line])
        item.setToolTip(0, line)
        items.append(item)
    tree.addTopLevelItems(items)
