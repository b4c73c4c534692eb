"""The incident list's model: rows arrive page by page from a source; no database here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.core.clock import today_london
from app.core.services.incident_queries import IncidentRow, IncidentSort, PageCursor
from app.core.timefmt import format_date
from app.core.vocab import Category, Platform

Index = QModelIndex | QPersistentModelIndex

#: Custom roles: the incident's id (to open it) and the raw row.
IncidentIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    """One column: its header, how it sorts in SQL, and text as wide as its usual content
    (the view sizes columns from these, never by measuring rows)."""

    title: str
    sort: IncidentSort
    sample: str


COLUMNS = (
    Column("Reference", IncidentSort.REFERENCE, "SM-2026-0000 ⚑"),
    Column("Seen", IncidentSort.SEEN_AT, "00/00/0000"),
    Column("Platform", IncidentSort.PLATFORM, "X (Twitter)"),
    Column("Categories", IncidentSort.CATEGORIES, "Complaint shared on social media"),
    Column("Poster", IncidentSort.POSTER, "Siobhán O'Neill-Nguyễn"),
    Column("Target(s)", IncidentSort.TARGETS, "Siobhán O'Neill-Nguyễn"),
    Column("Severity", IncidentSort.SEVERITY, "Critical"),
    Column("Status", IncidentSort.STATUS, "Awaiting removal"),
    Column("Next action due", IncidentSort.NEXT_ACTION_DUE, "00/00/0000 (overdue)"),
)
SEVERITY_COLUMN = 6
DUE_COLUMN = 8

#: A page source: (after, limit, sort, descending) → rows. The controller supplies it.
PageSource = Callable[[PageCursor | None, int, IncidentSort, bool], list[IncidentRow]]


def platform_text(row: IncidentRow) -> str:
    """ "Other" shows the name the DSL typed."""
    if row.platform is Platform.OTHER and row.platform_other:
        return row.platform_other
    return row.platform.label


class IncidentTableModel(QAbstractTableModel):
    """Shows incident rows as a window onto the whole list: pages arrive as the view
    scrolls (canFetchMore/fetchMore down, `fetch_before` up) and pages far from the view
    are dropped, so what is held stays bounded however long the log. `go_to_end` asks
    for the last page from the other end of the sort (keyset both ways), never for
    everything before it."""

    PAGE_SIZE = 200
    #: The most rows held at once; a page beyond it drops one from the far end.
    WINDOW_PAGES = 5

    #: Rows were dropped above (negative) or added above (positive) the rows kept: the
    #: view shifts its scroll position by as much, so what is on screen stays put.
    shifted_above = Signal(int)

    def __init__(self, source: PageSource, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._rows: list[IncidentRow] = []
        self._more_after = False
        self._more_before = False
        self._sort = IncidentSort.SEEN_AT
        self._descending = True

    @property
    def sorting(self) -> tuple[IncidentSort, bool]:
        """The order the list is in: (column, descending)."""
        return self._sort, self._descending

    # -- loading -----------------------------------------------------------------------
    def reload(self) -> None:
        """Start again from the first page (after a filter, sort or data change)."""
        self._reset_to(self._source(None, self.PAGE_SIZE, self._sort, self._descending))
        self._more_before = False

    def go_to_end(self) -> None:
        """Show the last page: the first page of the reverse order, turned round."""
        page = self._source(None, self.PAGE_SIZE, self._sort, not self._descending)
        self._reset_to(page[::-1])
        self._more_before = len(page) == self.PAGE_SIZE
        self._more_after = False

    def set_source(self, source: PageSource) -> None:
        """Show another selection of incidents (new filters)."""
        self._source = source
        self.reload()

    def at_start(self) -> bool:
        """Whether the first row held is the first of the list."""
        return not self._more_before

    def at_end(self) -> bool:
        """Whether the last row held is the last of the list."""
        return not self._more_after

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more_after

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more_after or not self._rows:
            return
        after = self._rows[-1].cursor
        page = self._source(after, self.PAGE_SIZE, self._sort, self._descending)
        self._more_after = len(page) == self.PAGE_SIZE
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        excess = len(self._rows) - self.PAGE_SIZE * self.WINDOW_PAGES
        if excess > 0:  # the rows furthest above go
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            del self._rows[:excess]
            self.endRemoveRows()
            self._more_before = True
            self.shifted_above.emit(-excess)

    def can_fetch_before(self) -> bool:
        """Whether rows before the first held were dropped (scrolling up brings them)."""
        return self._more_before

    def fetch_before(self) -> None:
        """The page before the first row held (the reverse order after it, turned round)."""
        if not self._more_before or not self._rows:
            return
        before = self._rows[0].cursor
        page = self._source(before, self.PAGE_SIZE, self._sort, not self._descending)
        self._more_before = len(page) == self.PAGE_SIZE
        if not page:
            return
        self.beginInsertRows(QModelIndex(), 0, len(page) - 1)
        self._rows[:0] = page[::-1]
        self.endInsertRows()
        self.shifted_above.emit(len(page))
        excess = len(self._rows) - self.PAGE_SIZE * self.WINDOW_PAGES
        if excess > 0:  # the rows furthest below go
            keep = len(self._rows) - excess
            self.beginRemoveRows(QModelIndex(), keep, len(self._rows) - 1)
            del self._rows[keep:]
            self.endRemoveRows()
            self._more_after = True

    def _reset_to(self, page: list[IncidentRow]) -> None:
        self.beginResetModel()
        self._rows = list(page)
        self._more_after = len(page) == self.PAGE_SIZE
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the database: remember the order and reload."""
        self._sort = COLUMNS[column].sort
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # -- reading -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def row_at(self, row: int) -> IncidentRow:
        """The row shown on line `row`."""
        return self._rows[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == IncidentIdRole:
            return row.id
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.FontRole and (
            row.withdrawn or (column == DUE_COLUMN and row.overdue)
        ):
            font = QFont()
            font.setStrikeOut(row.withdrawn)
            font.setBold(not row.withdrawn)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.withdrawn:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None

    @staticmethod
    def _text(row: IncidentRow, column: int) -> str:
        if column == 0:
            return row.reference + (" ⚑" if row.safeguarding_concern else "")
        if column == 1:
            return format_date(row.seen_at)
        if column == 2:
            return platform_text(row)
        if column == 3:
            return ", ".join(Category(c).label for c in row.categories)
        if column == 4:
            return ", ".join(row.posters)
        if column == 5:
            return ", ".join(row.targets)
        if column == SEVERITY_COLUMN:
            return row.severity.label
        if column == 7:
            return "Withdrawn" if row.withdrawn else row.status.label
        if column == DUE_COLUMN:
            due = row.next_action_due
            if due is None:
                return ""
            if due == today_london():
                return format_date(due) + " (due today)"  # bold too, when it is work to do
            return format_date(due) + (" (overdue)" if row.overdue else "")
        return ""

    @staticmethod
    def _tooltip(row: IncidentRow, column: int) -> str | None:
        if column == 0 and row.safeguarding_concern:
            return f"{row.reference}: a safeguarding concern"
        if column == 3:
            return "\n".join(Category(c).label for c in row.categories) or None
        if column in (4, 5):
            names = row.posters if column == 4 else row.targets
            return "\n".join(names) or None
        return None
