"""Footprint's main window: navigation, toolbar, status bar, and the open editors."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
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
from app.ui.due_notice import DueNotice
from app.ui.idle_lock import IdleWatcher, lock_all_windows, stop_watching
from app.ui.incidents.editor import IncidentEditor
from app.ui.incidents.list_controller import IncidentListController
from app.ui.incidents.list_view import IncidentListView
from app.ui.letters.letters_list import LettersList
from app.ui.main_sections import (
    DASHBOARD,
    EXCEPTIONS,
    INCIDENTS,
    LETTERS,
    PAGE_NEEDS,
    PAGE_TITLES,
    PEOPLE,
    REPORTS,
    RETENTION,
    SETTINGS,
    SUBJECT_ACCESS,
    Sections,
)
from app.ui.people.directory import PeoplePage

if TYPE_CHECKING:
    from app.core.db import Database
    from app.core.services.changes import Changes


#: The sections' numbers are imported from here too (Ctrl+1… follows them).
__all__ = [
    "DASHBOARD",
    "EXCEPTIONS",
    "INCIDENTS",
    "LETTERS",
    "PEOPLE",
    "REPORTS",
    "RETENTION",
    "SETTINGS",
    "SUBJECT_ACCESS",
    "MainWindow",
]


class MainWindow(Sections, QMainWindow):
    """The window the DSL lives in; remembers its size and layout between sessions."""

    def __init__(self, database: Database, user_id: int, settings: QSettings | None = None) -> None:
        super().__init__()
        self.context = AppContext(database, user_id)
        self.settings = settings or QSettings()
        self.editors: dict[int | None, IncidentEditor] = {}
        self._shown_before: set[int] = set()

        self.nav = QListWidget()
        self.nav.setAccessibleName("Sections")
        self.nav.addItems(list(PAGE_TITLES))
        # Each section is offered only to a role that may use it (the services refuse the
        # rest anyway), and built the first time it is shown: a section not yet looked at
        # has run none of its queries (Settings' letter preview, the audit trail's lists).
        self.allowed_pages = [i for i, need in enumerate(PAGE_NEEDS) if self.context.may(need)]
        self.built: dict[int, QWidget] = {}
        self._lone_view: IncidentListView | None = None
        self._incidents: IncidentListController | None = None
        self.stack = QStackedWidget()
        for index in range(len(PAGE_TITLES)):
            self.stack.addWidget(QWidget())  # stands in until the section is first shown
            self.nav.item(index).setHidden(index not in self.allowed_pages)
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

        self.nav.currentRowChanged.connect(self._show_page)
        self.context.data_changed.connect(self.refresh_status)
        self.context.changed.connect(self._incidents_changed)

        def show_what_is_due() -> None:
            self.go(DASHBOARD)
            self.notice.hide()

        self.notice.show_me.clicked.connect(show_what_is_due)

        self.locked = False
        self.replacement: MainWindow | None = None
        minutes = self.context.read(find_settings)
        self.idle = IdleWatcher(minutes.idle_lock_minutes if minutes else 10, self)
        self.idle.idle.connect(self.lock)

        self.status_total: int | None = None
        self.resize(1280, 720)
        self._restore_layout()
        self.go(self.allowed_pages[0] if self.allowed_pages else DASHBOARD)
        self.refresh_title()
        self._show_due_count()
        self.notice.announce(self._due_count())
        # The count of the whole log waits until the window is up.
        QTimer.singleShot(0, self._refresh_status_bar)
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

    def _show_page(self, page: int) -> None:
        self.page(page)
        self.stack.setCurrentIndex(page)
        if page == REPORTS and self.reports is not None and page in self._shown_before:
            self.reports.reload()  # term dates may have been changed in Settings
        self._shown_before.add(page)

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
        self._show_due_count()
        self._refresh_status_bar()

    def _show_due_count(self) -> None:
        due = self._due_count()
        self.nav.item(DASHBOARD).setText(f"Dashboard ({due:,} due)" if due else "Dashboard")

    def _due_count(self) -> int:
        board = self.built.get(DASHBOARD)
        return board.due_total if isinstance(board, DashboardPage) else 0

    def _refresh_status_bar(self) -> None:
        user = self.context.read(lambda s: get_user(s, self.context.user_id))
        if self.context.may(Permission.READ_INCIDENTS):
            self.status_total = self.context.read(lambda s: count_incidents(s, IncidentFilter()))
            self._show_status_total()
        self.status_user.setText(f"Signed in as {user.display_name} ({user.role.label})")

    def _show_status_total(self) -> None:
        total = self.status_total or 0
        noun = "incident" if total == 1 else "incidents"
        self.status_count.setText(
            f"{total:,} {noun} you can see"
            if self.context.role not in (UserRole.DSL, UserRole.DEPUTY_DSL)
            else f"{total:,} {noun} in the log"
        )

    def _incidents_changed(self, changes: Changes) -> None:
        """A save that touched only incidents: the list, the count in the status bar and
        the built pages that show incidents move by what it changed (the dashboard
        listens for itself); nothing is counted again."""
        if self.status_total is not None:
            self.status_total += changes.moved("live")
            self._show_status_total()
        if self._incidents is not None:
            self._incidents.refresh()
        people = self.built.get(PEOPLE)
        if isinstance(people, PeoplePage):
            people.refresh(asked=False)
        letters = self.built.get(LETTERS)
        if isinstance(letters, LettersList) and changes.moved("live"):
            letters.reload()  # a withdrawn incident's letters

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
        saved = self.settings.value("main/splitter")
        if isinstance(saved, QByteArray):
            self.splitter.restoreState(saved)  # the sections' own, when they are built

    def save_layout(self) -> None:
        """Remember size, position and column widths for next time."""
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        people = self.built.get(PEOPLE)
        if isinstance(people, PeoplePage):
            self.settings.setValue("people/splitter", people.splitter.saveState())
        view = self.built.get(INCIDENTS)
        if isinstance(view, IncidentListView):
            self.settings.setValue("incidents/header", view.table.horizontalHeader().saveState())
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
