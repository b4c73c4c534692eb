"""Footprint's main window: navigation, toolbar, status bar, and the open editors."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import LONDON, utc_now
from app.core.errors import FootprintError
from app.core.permissions import Permission
from app.core.services.incident_queries import IncidentFilter, count_incidents
from app.core.services.lookups import open_incident
from app.core.services.school import find_settings
from app.core.services.users import get_user
from app.core.vocab import UserRole
from app.ui.accounts import ChangePasswordDialog, SignInDialog
from app.ui.context import AppContext
from app.ui.dashboard_page import DashboardPage
from app.ui.exceptions_page import ExceptionsPage
from app.ui.idle_lock import IdleWatcher, lock_all_windows, stop_watching
from app.ui.incidents.editor import IncidentEditor
from app.ui.incidents.list_controller import IncidentListController
from app.ui.incidents.list_view import IncidentListView
from app.ui.letters.letters_list import LettersList
from app.ui.people.directory import PeoplePage
from app.ui.reports_page import ReportsPage
from app.ui.settings_page import SettingsPage

if TYPE_CHECKING:
    from app.core.db import Database


DASHBOARD, INCIDENTS, PEOPLE, EXCEPTIONS, LETTERS, REPORTS, SETTINGS = range(7)
PAGE_TITLES = (
    "Dashboard",
    "Incidents",
    "People",
    "Exceptions register",
    "Letters",
    "Reports",
    "Settings",
)


class DueNotice(QFrame):
    """A non-modal notice at the top of the window when something is overdue at start."""

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.show_me = QPushButton("Show me")
        self.dismiss = QPushButton("Dismiss")
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.show_me)
        row.addWidget(self.dismiss)
        self.dismiss.clicked.connect(self.hide)
        self.hide()

    def announce(self, count: int) -> None:
        """Say how many things are due or overdue (nothing to say: stay hidden)."""
        if not count:
            self.hide()
            return
        things = "thing is" if count == 1 else "things are"
        self.text.setText(
            f"{count} {things} due or overdue: deletion requests past their "
            "deadline, follow-ups or reviews. They are listed on the dashboard."
        )
        self.setAccessibleName(self.text.text())
        self.show()


class MainWindow(QMainWindow):
    """The window the DSL lives in; remembers its size and layout between sessions."""

    def __init__(self, database: Database, user_id: int, settings: QSettings | None = None) -> None:
        super().__init__()
        self.context = AppContext(database, user_id)
        self.settings = settings or QSettings()
        self.editors: dict[int | None, IncidentEditor] = {}

        self.nav = QListWidget()
        self.nav.setAccessibleName("Sections")
        self.nav.addItems(list(PAGE_TITLES))
        may = self.context.may
        # Each section is built only for a role that may use it (the services refuse the
        # rest anyway); the others are hidden from the navigation.
        self.dashboard = DashboardPage(self.context) if may(Permission.READ_INCIDENTS) else None
        self.incident_view = IncidentListView()
        self.incidents = (
            IncidentListController(self.context, self.incident_view)
            if may(Permission.READ_INCIDENTS)
            else None
        )
        self.people = PeoplePage(self.context) if may(Permission.READ_PEOPLE) else None
        self.exceptions = ExceptionsPage(self.context) if may(Permission.READ_EXCEPTIONS) else None
        self.settings_page = SettingsPage(self.context) if may(Permission.SETTINGS) else None
        self.letters = (
            LettersList(self.context, whole_log=True) if may(Permission.LETTERS) else None
        )
        if self.letters is not None:
            self.letters.reload()
        self.reports = ReportsPage(self.context) if may(Permission.GOVERNORS_REPORT) else None
        self.stack = QStackedWidget()
        pages: list[QWidget | None] = [
            self.dashboard,
            self.incident_view if self.incidents is not None else None,
            self.people,
            self.exceptions,
            self.letters,
            self.reports,
            self.settings_page,
        ]
        for index, page in enumerate(pages):
            self.stack.addWidget(page if page is not None else QWidget())
            self.nav.item(index).setHidden(page is None)
        self.allowed_pages = [i for i, page in enumerate(pages) if page is not None]
        self.notice = DueNotice()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        nav_width = self.nav.sizeHintForColumn(0) + 24
        self.nav.setMaximumWidth(nav_width + 60)
        self.splitter.setSizes([nav_width, 1366 - nav_width])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.notice)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status_count = QLabel()
        self.status_user = QLabel()
        self.statusBar().addWidget(self.status_count, 1)
        self.statusBar().addPermanentWidget(self.status_user)
        self._build_actions()

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.currentRowChanged.connect(self._page_shown)
        if self.incidents is not None:
            self.incidents.open_requested.connect(self.open_incident)
            self.incidents.new_requested.connect(self.new_incident)
        if self.dashboard is not None:
            self.dashboard.open_incident.connect(self.open_incident)
            self.dashboard.show_incidents.connect(self._show_filtered)
            self.dashboard.show_exceptions.connect(lambda: self.go(EXCEPTIONS))
        if self.people is not None:
            self.people.open_incident.connect(self.open_incident)
            self.people.show_incidents_of.connect(self._show_person)
        if self.letters is not None:
            self.letters.open_incident.connect(self.open_incident)
            self.context.data_changed.connect(self.letters.reload)
        if self.settings_page is not None:
            self.settings_page.school.saved.connect(self.refresh_title)
        self.context.data_changed.connect(self.refresh_status)

        def show_what_is_due() -> None:
            self.go(DASHBOARD)
            self.notice.hide()

        self.notice.show_me.clicked.connect(show_what_is_due)

        self.locked = False
        self.replacement: MainWindow | None = None
        minutes = self.context.read(find_settings)
        self.idle = IdleWatcher(minutes.idle_lock_minutes if minutes else 10, self)
        self.idle.idle.connect(self.lock)

        self.resize(1280, 720)
        self._restore_layout()
        self.go(self.allowed_pages[0] if self.allowed_pages else DASHBOARD)
        self.refresh_title()
        self.refresh_status()
        self.notice.announce(self._due_count())
        # A PC left on overnight: what is due changes at midnight, with nothing saved.
        self.midnight = QTimer(self)
        self.midnight.setSingleShot(True)
        self.midnight.timeout.connect(self._new_day)
        self._arm_midnight()

    def _build_actions(self) -> None:
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.new_action = QAction("New incident", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_incident)
        self.find_action = QAction("Search", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.refresh_action = QAction("Refresh", self)
        self.refresh_action.setShortcut(QKeySequence("F5"))
        self.refresh_action.triggered.connect(self.refresh_all)
        self.print_action = QAction("Print", self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_current)
        self.print_action.setToolTip(
            "Print (Ctrl+P): on Letters, reprint the chosen letter; letters are made from an "
            "incident's window"
        )
        self.lock_action = QAction("Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.lock_action.setToolTip("Lock Footprint until your password is typed (Ctrl+L)")
        self.switch_action = QAction("Switch user", self)
        self.switch_action.triggered.connect(self.switch_user)
        self.switch_action.setToolTip("Sign in as someone else (open windows are closed first)")
        self.password_action = QAction("Change password", self)
        self.password_action.triggered.connect(self.change_password)
        self.password_action.setToolTip("Change your own password")
        self.new_action.setVisible(self.context.may(Permission.RECORD_INCIDENT))
        self.new_action.setEnabled(self.context.may(Permission.RECORD_INCIDENT))
        self.find_action.setEnabled(self.context.may(Permission.READ_INCIDENTS))
        for action in (
            self.new_action,
            self.find_action,
            self.refresh_action,
            self.print_action,
            self.lock_action,
            self.switch_action,
            self.password_action,
        ):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if action.toolTip() == action.text():
                action.setToolTip(f"{action.text()} ({keys})")
            toolbar.addAction(action)
        for index, title in enumerate(PAGE_TITLES):
            go = QAction(title, self, shortcut=QKeySequence(f"Ctrl+{index + 1}"))
            go.triggered.connect(lambda _=False, i=index: self.go(i))
            self.addAction(go)

    def print_current(self) -> None:
        """Ctrl+P in the main window: reprint on the Letters page; elsewhere, say where
        letters are made (an incident's own window has Ctrl+P for that)."""
        page = self.stack.currentIndex()
        if page == LETTERS and self.letters is not None and self.letters.current() is not None:
            self.letters.reprint()
            return
        if page == REPORTS and self.reports is not None:
            self.reports.print_report()
            return
        self.statusBar().showMessage(
            "To make a letter, open the incident and press Ctrl+P there. To reprint one, "
            "choose it under Letters.",
            8000,
        )

    # -- navigation --------------------------------------------------------------------
    def go(self, page: int) -> None:
        """Show a section (one the account may use)."""
        if page in self.allowed_pages:
            self.nav.setCurrentRow(page)

    # -- the account -------------------------------------------------------------------
    def lock(self) -> None:
        """Ctrl+L, or idle: cover every Footprint window until the password is typed."""
        if self.locked:
            return
        self.locked = True
        try:
            lock_all_windows(self.context)
        finally:
            self.idle.last_input = utc_now()
            self.locked = False

    def change_password(self) -> None:
        ChangePasswordDialog(self.context, self).exec()

    def switch_user(self) -> None:
        """Sign in as someone else: this window (and its editors, which ask about anything
        unsaved) closes, and a new one opens for them."""
        dialog = SignInDialog(self.context.database, self, title="Switch user")
        if not dialog.exec() or dialog.user_id is None:
            return
        if not self.close():
            return
        self.replacement = MainWindow(self.context.database, dialog.user_id, self.settings)
        self.replacement.show()
        self.deleteLater()

    def _page_shown(self, page: int) -> None:
        if page == REPORTS and self.reports is not None:
            self.reports.reload()  # term dates may have been changed in Settings

    def focus_search(self) -> None:
        """Ctrl+F: the incident search box."""
        self.go(INCIDENTS)
        if self.incidents is not None:
            self.incidents.focus_search()

    def _show_filtered(self, changes: dict[str, object]) -> None:
        self.go(INCIDENTS)
        if self.incidents is not None:
            self.incidents.show_preset(**changes)

    def _show_person(self, person_id: int, name: str) -> None:
        self.go(INCIDENTS)
        if self.incidents is not None:
            self.incidents.show_person(person_id, name)

    # -- editors -----------------------------------------------------------------------
    def new_incident(self) -> None:
        """Ctrl+N: a blank incident editor."""
        self._show_editor(None)

    def open_incident(self, incident_id: int) -> None:
        """Open (or bring forward) an incident's editor (the look is on the audit trail)."""
        if incident_id not in self.editors:
            try:  # the look is on the trail before the window opens, or it doesn't open
                self.context.look(lambda s: open_incident(s, incident_id))
            except FootprintError as exc:
                QMessageBox.information(self, "Footprint", exc.message)
                return
        self._show_editor(incident_id)

    def _show_editor(self, incident_id: int | None) -> IncidentEditor:
        editor = self.editors.get(incident_id)
        if editor is None:
            editor = IncidentEditor(self.context, incident_id, self)
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.editors[incident_id] = editor
            editor.finished.connect(lambda _r, e=editor: self._forget(e))
            editor.saved.connect(lambda new_id, e=editor: self._rekey(e, new_id))
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def _forget(self, editor: IncidentEditor) -> None:
        for key, open_editor in list(self.editors.items()):
            if open_editor is editor:
                del self.editors[key]

    def _rekey(self, editor: IncidentEditor, incident_id: int) -> None:
        """A new incident was saved: its window now belongs to its id."""
        self._forget(editor)
        self.editors[incident_id] = editor

    # -- refreshing --------------------------------------------------------------------
    def refresh_all(self) -> None:
        """F5: read everything again."""
        self.context.data_changed.emit()

    def refresh_title(self) -> None:
        settings = self.context.read(find_settings)
        self.setWindowTitle(f"Footprint — {settings.name}" if settings else "Footprint")

    def refresh_status(self) -> None:
        """Status bar, and the count of due and overdue items beside "Dashboard"."""
        due = self._due_count()
        self.nav.item(DASHBOARD).setText(f"Dashboard ({due} due)" if due else "Dashboard")
        self._refresh_status_bar()

    def _due_count(self) -> int:
        return len(self.dashboard.due_items) if self.dashboard is not None else 0

    def _refresh_status_bar(self) -> None:
        user = self.context.read(lambda s: get_user(s, self.context.user_id))
        if self.context.may(Permission.READ_INCIDENTS):
            total = self.context.read(lambda s: count_incidents(s, IncidentFilter()))
            self.status_count.setText(
                f"{total:,} {'incident' if total == 1 else 'incidents'} you can see"
                if self.context.role not in (UserRole.DSL, UserRole.DEPUTY_DSL)
                else f"{total:,} {'incident' if total == 1 else 'incidents'} in the log"
            )
        self.status_user.setText(f"Signed in as {user.display_name} ({user.role.label})")

    def _arm_midnight(self) -> None:
        now = utc_now().astimezone(LONDON)
        tomorrow = datetime.combine(now.date() + timedelta(days=1), time(0, 1), tzinfo=LONDON)
        self.midnight.start(int((tomorrow - now).total_seconds() * 1000))

    def _new_day(self) -> None:
        """A new day at the school: read everything again and say what is now due."""
        self.refresh_all()
        self.notice.announce(self._due_count())
        self._arm_midnight()

    # -- layout memory -----------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("main/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitters = [("main/splitter", self.splitter)]
        if self.people is not None:
            splitters.append(("people/splitter", self.people.splitter))
        for key, splitter in splitters:
            saved = self.settings.value(key)
            if isinstance(saved, QByteArray):
                splitter.restoreState(saved)
        header = self.settings.value("incidents/header")
        if isinstance(header, QByteArray):
            self.incident_view.table.horizontalHeader().restoreState(header)

    def save_layout(self) -> None:
        """Remember size, position and column widths for next time."""
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        if self.people is not None:
            self.settings.setValue("people/splitter", self.people.splitter.saveState())
        self.settings.setValue(
            "incidents/header", self.incident_view.table.horizontalHeader().saveState()
        )
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        for editor in self.findChildren(IncidentEditor):
            # An editor with unsaved changes asks; "Cancel" keeps everything open.
            if editor.isVisible() and not editor.close():
                event.ignore()
                return
        self.save_layout()
        stop_watching(self.idle)  # a closed window never locks the app again
        event.accept()
