"""The main window's sections, each built the first time it is needed (shown, or asked
for by a shortcut, a link or a test): a section not yet looked at has run no queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QStackedWidget, QWidget

from app.core.permissions import Permission
from app.ui.context import AppContext
from app.ui.dashboard_page import DashboardPage
from app.ui.exceptions_page import ExceptionsPage
from app.ui.incidents.list_controller import IncidentListController
from app.ui.incidents.list_view import IncidentListView
from app.ui.letters.letters_list import LettersList
from app.ui.people.directory import PeoplePage
from app.ui.reports_page import ReportsPage
from app.ui.retention_page import RetentionPage
from app.ui.settings_page import SettingsPage
from app.ui.subject_access.page import SubjectAccessPage

if TYPE_CHECKING:
    from collections.abc import Callable

(
    DASHBOARD,
    INCIDENTS,
    PEOPLE,
    EXCEPTIONS,
    LETTERS,
    REPORTS,
    SUBJECT_ACCESS,
    SETTINGS,
    RETENTION,
) = range(9)
PAGE_TITLES = (
    "Dashboard",
    "Incidents",
    "People",
    "Exceptions register",
    "Letters",
    "Reports",
    "Subject access",
    "Settings",
    "Retention review",
)
#: What each section needs the account to be allowed.
PAGE_NEEDS = (
    Permission.READ_INCIDENTS,
    Permission.READ_INCIDENTS,
    Permission.READ_PEOPLE,
    Permission.READ_EXCEPTIONS,
    Permission.LETTERS,
    Permission.GOVERNORS_REPORT,
    Permission.SUBJECT_ACCESS,
    Permission.SETTINGS,
    Permission.REVIEW_RETENTION,
)


class Sections:
    """The main window's part that builds its sections (mixed into MainWindow)."""

    context: AppContext
    settings: QSettings
    stack: QStackedWidget
    allowed_pages: list[int]
    built: dict[int, QWidget]
    _lone_view: IncidentListView | None
    _incidents: IncidentListController | None
    open_incident: Callable[[int], None]
    new_incident: Callable[[], None]
    go: Callable[[int], None]
    refresh_title: Callable[[], None]
    _show_filtered: Callable[[dict[str, object]], None]
    _show_person: Callable[[int, str], None]
    _show_due_count: Callable[[], None]

    def page(self, index: int) -> QWidget | None:
        """A section's page, built now if it is the first time it is needed (None for a
        section the account may not use)."""
        if index not in self.allowed_pages:
            return None
        if index not in self.built:
            page = self._build_page(index)
            self.built[index] = page
            stand_in = self.stack.widget(index)
            current = self.stack.currentIndex()
            self.stack.insertWidget(index, page)
            if stand_in is not None:
                self.stack.removeWidget(stand_in)
                stand_in.deleteLater()
            self.stack.setCurrentIndex(current)
        return self.built[index]

    def _build_page(self, index: int) -> QWidget:
        context = self.context
        if index == DASHBOARD:
            board = DashboardPage(context)
            board.open_incident.connect(self.open_incident)
            board.show_incidents.connect(self._show_filtered)
            board.show_exceptions.connect(lambda: self.go(EXCEPTIONS))
            board.show_subject_access.connect(self._show_subject_access)
            board.due_moved.connect(self._show_due_count)
            return board
        if index == INCIDENTS:
            view = self._lone_view or IncidentListView()
            self._lone_view = None
            self._incidents = IncidentListController(context, view)
            header = self.settings.value("incidents/header")  # over the default widths
            if isinstance(header, QByteArray):
                view.table.horizontalHeader().restoreState(header)
            self._incidents.open_requested.connect(self.open_incident)
            self._incidents.new_requested.connect(self.new_incident)
            return view
        if index == PEOPLE:
            people = PeoplePage(context)
            saved = self.settings.value("people/splitter")
            if isinstance(saved, QByteArray):
                people.splitter.restoreState(saved)
            people.open_incident.connect(self.open_incident)
            people.show_incidents_of.connect(self._show_person)
            return people
        if index == EXCEPTIONS:
            return ExceptionsPage(context)
        if index == LETTERS:
            letters = LettersList(context, whole_log=True)
            letters.reload()
            letters.open_incident.connect(self.open_incident)
            context.data_changed.connect(letters.reload)
            return letters
        if index == REPORTS:
            return ReportsPage(context)
        if index == SUBJECT_ACCESS:
            return SubjectAccessPage(context)
        if index == RETENTION:
            retention = RetentionPage(context)
            retention.open_incident.connect(self.open_incident)
            return retention
        settings = SettingsPage(context)
        settings.school.saved.connect(self.refresh_title)
        return settings

    # The sections, built when first asked for (by the navigation, a shortcut or a test).
    @property
    def dashboard(self) -> DashboardPage | None:
        page = self.page(DASHBOARD)
        return page if isinstance(page, DashboardPage) else None

    @property
    def incidents(self) -> IncidentListController | None:
        self.page(INCIDENTS)
        return self._incidents

    @property
    def incident_view(self) -> IncidentListView:
        page = self.page(INCIDENTS)
        if isinstance(page, IncidentListView):
            return page
        if self._lone_view is None:  # a role without the list: an empty one, never shown
            self._lone_view = IncidentListView()
        return self._lone_view

    @property
    def people(self) -> PeoplePage | None:
        page = self.page(PEOPLE)
        return page if isinstance(page, PeoplePage) else None

    @property
    def exceptions(self) -> ExceptionsPage | None:
        page = self.page(EXCEPTIONS)
        return page if isinstance(page, ExceptionsPage) else None

    @property
    def letters(self) -> LettersList | None:
        page = self.page(LETTERS)
        return page if isinstance(page, LettersList) else None

    @property
    def reports(self) -> ReportsPage | None:
        page = self.page(REPORTS)
        return page if isinstance(page, ReportsPage) else None

    @property
    def subject_access(self) -> SubjectAccessPage | None:
        page = self.page(SUBJECT_ACCESS)
        return page if isinstance(page, SubjectAccessPage) else None

    def _show_subject_access(self, request_id: int) -> None:
        """The dashboard's due item for a request: its page, with it chosen."""
        self.go(SUBJECT_ACCESS)
        if self.subject_access is not None:
            self.subject_access.select_request(request_id)

    @property
    def retention(self) -> RetentionPage | None:
        page = self.page(RETENTION)
        return page if isinstance(page, RetentionPage) else None

    @property
    def settings_page(self) -> SettingsPage | None:
        page = self.page(SETTINGS)
        return page if isinstance(page, SettingsPage) else None
