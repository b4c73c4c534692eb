"""The incident editor's Details tab: every field of the incident, laid out for 1366×768."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.vocab import (
    Audience,
    Category,
    IncidentOutcome,
    IncidentStatus,
    Platform,
    PrejudiceType,
    Severity,
)
from app.ui.widgets.choices import VocabCombo
from app.ui.widgets.dates import DateTimeField
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label


class TriState(QComboBox):
    """Not known / Yes / No, for facts that may not be known yet."""

    def __init__(self, unknown: str = "Not known") -> None:
        super().__init__()
        self.addItem(unknown, None)
        self.addItem("Yes", True)
        self.addItem("No", False)

    def value(self) -> bool | None:
        data = self.currentData()
        return data if isinstance(data, bool) else None

    def set_value(self, value: bool | None) -> None:
        self.setCurrentIndex({None: 0, True: 1, False: 2}[value])


class DetailsForm(QWidget):
    """Layout of the incident's fields; `errors` maps service field names to messages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)

        # When and who
        self.seen_at = DateTimeField(optional=False)
        self.happened_at = DateTimeField(optional=True)
        self.reported_at = DateTimeField(optional=True)
        self.reported_by = QLineEdit()
        self.reported_by.setReadOnly(True)
        self.reported_by.setPlaceholderText("Nobody chosen")
        self.reported_by.setAccessibleName("Reported by")
        self.choose_reporter = QPushButton("Choose…")
        self.choose_reporter.setAccessibleName("Choose who reported it")
        self.clear_reporter = QPushButton("Clear")
        self.clear_reporter.setAccessibleName("Clear who reported it")
        # Where
        self.platform = VocabCombo(list(Platform))
        self.platform_other = QLineEdit()
        self.platform_other.setPlaceholderText("Name of the platform")
        self.audience = VocabCombo(list(Audience), blank="Not known")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…")
        self.account_handle = QLineEdit()
        self.account_handle.setPlaceholderText("@account or profile name")
        self.still_live = TriState()
        # What
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText(
            "What was posted, where and by whom — factually. Describe offensive content; "
            "don't copy it."
        )
        self.categories = QListWidget()
        for category in Category:
            item = QListWidgetItem(category.label)
            item.setData(Qt.ItemDataRole.UserRole, str(category))  # Qt keeps a plain string
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.categories.addItem(item)
        # Only with "prejudice-based" ticked, and then it must be chosen.
        self.prejudice_type = VocabCombo(
            list(PrejudiceType), blank="Choose the type…", accessible_name="Type of prejudice"
        )
        self.severity = VocabCombo(list(Severity))
        self.safeguarding_concern = QCheckBox("This is a safeguarding concern")
        # Restricted: the DSL team and the case manager named here (KCSIE Part 4).
        self.dsl_only = QCheckBox(
            "Restricted (e.g. an allegation about staff): only the DSL team and the case manager"
        )
        self.case_manager = QComboBox()
        self.case_manager.setAccessibleName("Case manager")
        self.case_manager.setToolTip(
            "The headteacher for an allegation about staff; the chair of governors when it "
            "concerns the headteacher. They can open this incident."
        )
        self.case_manager.addItem("None named", None)
        self.access = QLabel()
        self.access.setWordWrap(True)
        self.access.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.access.setAccessibleName("Who can see this incident")
        self.parent_informed = TriState("Not yet decided")
        self.parent_informed_at = DateTimeField(optional=True)
        self.parent_informed_by = QLineEdit()
        self.parent_informed_by.setPlaceholderText("Who told the parent")
        self.parent_not_informed_reason = QLineEdit()
        self.parent_not_informed_reason.setPlaceholderText("Why the parent has not been told")
        # Outcome
        self.status = VocabCombo(list(IncidentStatus))
        self.outcome = VocabCombo(list(IncidentOutcome), blank="—")
        self.outcome_rationale = QPlainTextEdit()
        self.outcome_rationale.setTabChangesFocus(True)
        self.outcome_rationale.setPlaceholderText("Why this outcome (needed to close)")

        reporter = QHBoxLayout()
        reporter.setContentsMargins(0, 0, 0, 0)
        reporter.addWidget(self.reported_by, 1)
        reporter.addWidget(self.choose_reporter)
        reporter.addWidget(self.clear_reporter)
        reporter_box = QWidget()
        reporter_box.setLayout(reporter)

        left = QFormLayout()
        self._row(left, "seen_at", "Seen by the school", self.seen_at)
        self._row(left, "happened_at", "Posted", self.happened_at)
        self._row(left, "reported_at", "Reported", self.reported_at)
        self._row(left, "reported_by_id", "Reported by", reporter_box, self.choose_reporter)
        self._row(left, "platform", "Platform", self.platform)
        self._row(left, "platform_other", "Other platform", self.platform_other)
        self._row(left, "audience", "Where it was posted", self.audience)
        self._row(left, "url", "Link", self.url)
        self._row(left, "account_handle", "Account", self.account_handle)
        self._row(left, "still_live", "Still live?", self.still_live)
        self._row(left, "severity", "Severity", self.severity)
        self._row(left, "safeguarding_concern", "", self.safeguarding_concern)
        self._row(left, "dsl_only", "", self.dsl_only)
        self._case_manager_row = add_field_row(
            left, self.errors, "case_manager_id", "Case manager", self.case_manager
        )
        self._left = left
        left.addRow("Who can see it", self.access)

        right = QFormLayout()
        self._row(right, "categories", "Categories", self.categories)
        self._row(right, "prejudice_type", "Type of prejudice", self.prejudice_type)
        self._row(right, "parent_informed", "Parent informed?", self.parent_informed)
        self._row(right, "parent_informed_at", "When", self.parent_informed_at)
        self._row(right, "parent_informed_by", "Told by", self.parent_informed_by)
        self._row(right, "parent_not_informed_reason", "Why not", self.parent_not_informed_reason)
        self._row(right, "status", "Status", self.status)
        self._row(right, "outcome", "Outcome", self.outcome)
        self._row(right, "outcome_rationale", "Rationale", self.outcome_rationale)

        columns = QGridLayout()
        columns.addLayout(left, 0, 0)
        columns.addLayout(right, 0, 1)
        columns.setColumnStretch(0, 1)
        columns.setColumnStretch(1, 1)
        summary_box = QGroupBox("Factual summary")
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary)
        summary_error = error_label()
        summary_layout.addWidget(summary_error)
        self.summary.setAccessibleName("Factual summary")
        self.errors.add("summary", self.summary, summary_error)

        # Its retention rule and review date (Retention review): small print, read only.
        self.retention = QLabel()
        self.retention.setWordWrap(True)
        self.retention.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retention.setAccessibleName("Retention")
        small = self.retention.font()
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        self.retention.setFont(small)
        self.retention.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(summary_box, 1)
        layout.addWidget(self.retention)
        layout.addWidget(self.general_error)
        self.categories.setMinimumHeight(self.fontMetrics().height() * 7)
        self.summary.setMinimumHeight(self.fontMetrics().height() * 4)
        self.outcome_rationale.setMaximumHeight(self.fontMetrics().height() * 4)

        self._set_tab_order()
        self.platform.currentIndexChanged.connect(self._platform_changed)
        self.parent_informed.currentIndexChanged.connect(self._parent_changed)
        self.categories.itemChanged.connect(self._categories_changed)
        self.dsl_only.toggled.connect(self._restricted_changed)
        self._platform_changed()
        self._parent_changed()
        self._categories_changed()
        self._restricted_changed()

    def _row(
        self,
        form: QFormLayout,
        field: str,
        text: str,
        widget: QWidget,
        focus: QWidget | None = None,
    ) -> None:
        add_field_row(form, self.errors, field, text, widget, focus=focus)

    def _set_tab_order(self) -> None:
        """Tab follows the form as it reads: down the left column, down the right, then
        the summary (creation order would differ)."""
        chain: list[QWidget] = [
            *self.seen_at.focus_chain(),
            *self.happened_at.focus_chain(),
            *self.reported_at.focus_chain(),
            self.choose_reporter,
            self.clear_reporter,
            self.platform,
            self.platform_other,
            self.audience,
            self.url,
            self.account_handle,
            self.still_live,
            self.severity,
            self.safeguarding_concern,
            self.dsl_only,
            self.case_manager,
            self.categories,
            self.prejudice_type,
            self.parent_informed,
            *self.parent_informed_at.focus_chain(),
            self.parent_informed_by,
            self.parent_not_informed_reason,
            self.status,
            self.outcome,
            self.outcome_rationale,
            self.summary,
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _platform_changed(self) -> None:
        other = self.platform.value() is Platform.OTHER
        self.platform_other.setEnabled(other)
        if not other:
            self.platform_other.clear()

    def hide_restriction(self) -> None:
        """For a role that can't restrict an incident: only who can see it stays."""
        self.dsl_only.hide()
        self._left.setRowVisible(self._case_manager_row, False)

    def _restricted_changed(self) -> None:
        self.case_manager.setEnabled(self.dsl_only.isChecked())

    def set_case_manager_choices(self, choices: list[tuple[int, str]]) -> None:
        """The accounts that may be named (id, "Name (Role)"), after "None named"."""
        for user_id, text in choices:
            if self.case_manager.findData(user_id) < 0:
                self.case_manager.addItem(text, user_id)

    def set_case_manager(self, user_id: int | None, text: str = "") -> None:
        """Show the named case manager (added to the list if it isn't a choice now, e.g.
        an account since deactivated: the DSL then names another)."""
        if user_id is not None and self.case_manager.findData(user_id) < 0:
            self.case_manager.addItem(text or "An account no longer listed", user_id)
        self.case_manager.setCurrentIndex(max(self.case_manager.findData(user_id), 0))

    def case_manager_id(self) -> int | None:
        """The case manager chosen, for a restricted incident only."""
        data = self.case_manager.currentData()
        return data if self.dsl_only.isChecked() and isinstance(data, int) else None

    def _parent_changed(self) -> None:
        informed = self.parent_informed.value()
        self.parent_informed_at.setEnabled(informed is True)
        self.parent_informed_by.setEnabled(informed is True)
        self.parent_not_informed_reason.setEnabled(informed is False)

    def _categories_changed(self) -> None:
        """The type of prejudice is asked for only when "prejudice-based" is ticked."""
        prejudice = Category.PREJUDICE_BASED in self.checked_categories()
        self.prejudice_type.setEnabled(prejudice)
        if not prejudice:
            self.prejudice_type.set_value(None)

    def checked_categories(self) -> frozenset[Category]:
        """The ticked categories."""
        return frozenset(
            Category(self.categories.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.categories.count())
            if self.categories.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_categories(self, chosen: frozenset[Category]) -> None:
        """Tick exactly `chosen`."""
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            state = Category(item.data(Qt.ItemDataRole.UserRole)) in chosen
            item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
