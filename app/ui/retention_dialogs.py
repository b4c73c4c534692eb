"""The Retention review's dialogs: disposing of an incident (what it erases and keeps,
confirmed with a tick), keeping it longer, placing a legal hold, the school's periods,
and the backups that still hold what was disposed of."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today_london
from app.core.errors import FootprintError
from app.core.rules.retention import YEARS_RANGE, RetentionSettings
from app.core.services.disposal import DisposalPreview
from app.core.services.legal_holds import place_hold
from app.core.services.retention import keep_longer, set_retention_periods
from app.core.timefmt import format_date
from app.ui.background import run_with_progress
from app.ui.context import AppContext
from app.ui.widgets.dates import DateField
from app.ui.widgets.service_dialog import ServiceDialog


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class DisposeDialog(QDialog):
    """What disposing of one incident erases and keeps; Dispose is enabled only once the
    DSL ticks that they understand it can't be undone."""

    def __init__(self, preview: DisposalPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Dispose of {preview.reference}")
        counts = preview.counts
        erased = [p for p in preview.people if p.erased]
        kept = [p for p in preview.people if not p.erased]
        lines = [
            f"<p><b>{preview.reference}</b>: {_escape(preview.item.rule.reason)}</p>",
            "<p>This erases, for good: the summary, link, account and notes; "
            f"{_n(counts['timeline entries'], 'timeline entry', 'timeline entries')}; "
            f"{_n(counts['evidence items'], 'evidence item', 'evidence items')} "
            f"({_n(counts['stored files'], 'stored file', 'stored files')}); "
            f"{_n(counts['letters'], 'letter', 'letters')}; the wording of its requests and "
            "escalations; who was involved; and their values on the audit trail. Backups "
            "made before still hold it until they are deleted: Footprint offers to do that "
            "next.</p>",
        ]
        if erased:
            names = ", ".join(
                _escape(f"{p.name or '(no name)'} ({p.kind.label.lower()})") for p in erased
            )
            lines.append(f"<p>These people are on no other record and are erased: {names}.</p>")
        if kept:
            names = "; ".join(_escape(f"{p.name} — {p.kept_because}") for p in kept)
            lines.append(f"<p>Kept in the log, but no longer linked to it: {names}.</p>")
        lines.append(
            "<p>Kept: the reference, dates, platform, categories, severity, status and "
            "outcome, and each role with the pupil's year group, for the governors' figures; "
            "and a disposal record of what was done, when and by whom.</p>"
        )
        self.summary = QLabel("".join(lines))
        self.summary.setWordWrap(True)
        self.understood = QCheckBox("I understand this can't be undone")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.dispose_button = self.buttons.addButton(
            "Dispose of it", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.dispose_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.understood)
        layout.addWidget(self.buttons)
        self.understood.toggled.connect(self.dispose_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(560)


class KeepDialog(ServiceDialog):
    """Keep an incident past its review date: until when, and why."""

    def __init__(self, context: AppContext, incident_id: int, reference: str, parent: QWidget):
        super().__init__(context, f"Keep {reference} longer", parent)
        self.incident_id = incident_id
        self.until = DateField(optional=False)
        self.until.set_value(today_london() + timedelta(days=365))
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("e.g. A sibling's case is still open (don't name anyone)")
        self.say(
            "The reason stays on record after the incident itself is disposed of: say why "
            "without naming anyone."
        )
        self.add_row("keep_until", "Keep until", self.until)
        self.add_row("reason", "Because", self.reason)

    def save(self) -> None:
        until = self.until.value() or today_london()
        reason = self.reason.toPlainText()
        incident_id = self.incident_id
        self.run(lambda s, a: keep_longer(s, a, incident_id, until, reason))


class HoldDialog(ServiceDialog):
    """Place a legal hold on every record, or on the incidents named."""

    def __init__(self, context: AppContext, parent: QWidget, references: str = "") -> None:
        super().__init__(context, "Place a legal hold", parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Independent inquiry")
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.every = QCheckBox("Every record in the log")
        self.references = QLineEdit(references)
        self.references.setPlaceholderText("e.g. SM-2019-0004, SM-2020-0011")
        self.say(
            "Nothing a hold covers can be disposed of until the DSL lifts it. The name and "
            "reason stay on record: don't name anyone."
        )
        self.add_row("hold_name", "Name", self.name)
        self.add_row("hold_reason", "Reason", self.reason)
        self.add_row("hold_all", "Covers", self.every)
        self.add_row("hold_incidents", "Or the incidents", self.references)
        self.every.toggled.connect(lambda on: self.references.setEnabled(not on))

    def save(self) -> None:
        name, reason = self.name.text(), self.reason.toPlainText()
        every = self.every.isChecked()
        references = [r for r in self.references.text().replace(";", ",").split(",") if r]
        self.run(
            lambda s, a: place_hold(s, a, name, reason, covers_all=every, references=references)
        )


class PeriodsDialog(ServiceDialog):
    """The school's retention periods (IRMS's, unless the school chooses otherwise)."""

    def __init__(self, context: AppContext, current: RetentionSettings, parent: QWidget) -> None:
        super().__init__(context, "Retention periods", parent)
        self.safeguarding = QSpinBox()
        self.after_closing = QSpinBox()
        for box, value in (
            (self.safeguarding, current.safeguarding_years),
            (self.after_closing, current.years_after_closing),
        ):
            box.setRange(YEARS_RANGE.start, YEARS_RANGE.stop - 1)
            box.setSuffix(" years")
            box.setValue(value)
        self.say(
            "The IRMS toolkit for schools: a child protection record until the child is 25; "
            "other records a few years after they are closed (Footprint's default: 6)."
        )
        self.add_row(
            "safeguarding_years",
            "Safeguarding concern: from the youngest pupil's birth",
            self.safeguarding,
        )
        self.add_row("years_after_closing", "Any other incident: after closing", self.after_closing)

    def save(self) -> None:
        safeguarding, after = self.safeguarding.value(), self.after_closing.value()
        self.run(
            lambda s, a: set_retention_periods(
                s, a, safeguarding_years=safeguarding, years_after_closing=after
            )
        )


def offer_to_replace_backups(
    parent: QWidget, context: AppContext, incident_ids: list[int], references: list[str]
) -> str:
    """The backups made before a disposal still hold what it erased: name them and, at the
    DSL's word, back up now and delete them (on the trail). Returns what happened, in
    words ("" when there was nothing to do)."""
    from app.core.backups import backups_holding_disposed, replace_backups
    from app.core.services.backups import record_disposed_backups_removed

    log_path, keys = context.database.file, context.database.keys
    if log_path is None:
        return "A PostgreSQL log's backups are its server's: ask whoever runs it to prune them."
    holding, error = run_with_progress(
        parent,
        "Looking for disposed records in the backups…",
        lambda: backups_holding_disposed(log_path, incident_ids, keys),
    )
    if holding is None:
        return f"The backups could not be searched. {error}"
    unreadable = (
        f" {len(holding.unreadable)} backup(s) could not be opened to check."
        if holding.unreadable
        else ""
    )
    if not holding.files:
        return "No backup holds the disposed records." + unreadable
    names = "\n".join(path.name for path in holding.files[:12])
    more = f"\n… and {len(holding.files) - 12} more" if len(holding.files) > 12 else ""
    answer = QMessageBox.question(
        parent,
        "Disposed records are still in earlier backups",
        f"{len(holding.files)} backup(s) made before the disposal still hold what it erased "
        f"(encrypted):\n\n{names}{more}\n\nDelete them now? A new backup is made first, "
        "without it. If they are kept, rotation removes the last of them within 12 months."
        + unreadable,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return f"{len(holding.files)} backup(s) still hold the disposed records (kept)."
    files: list[Path] = holding.files
    done, error = run_with_progress(
        parent,
        "Backing up, then deleting those backups…",
        lambda: replace_backups(log_path, files, keys),
    )
    if done is None:
        return f"The backups were not deleted. {error}"
    try:
        context.look(
            lambda s: record_disposed_backups_removed(
                s, done.removed, done.made.path.name, references
            )
        )
    except FootprintError as exc:
        return f"Deleted, but the deletion was not recorded: {exc.message}"
    left = f" These could not be deleted: {', '.join(done.left)}." if done.left else ""
    return (
        f"Backed up to {done.made.path.name}, then deleted {len(done.removed)} earlier "
        f"backup(s) that held the disposed records.{left}"
    )


def disposal_done_text(references: list[str], scrub: list[str]) -> str:
    """What the page says once disposals are committed and the file rebuilt."""
    done = f"Disposed of {', '.join(references)} on {format_date(today_london())}."
    return " ".join([done, *scrub])
