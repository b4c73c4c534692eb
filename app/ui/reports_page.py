"""Reports: the governors' termly summary — choose the term, write the commentary, preview,
print, save the PDF, export the anonymised rows. The work runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import audit
from app.core.clock import today_london
from app.core.errors import FootprintError
from app.core.files import StagedFile, publish_after
from app.core.permissions import Permission
from app.core.rules.school_days import Term
from app.core.services.governors import build_report, record_report_output, report_terms
from app.core.services.governors_commentary import (
    COMMENTARY_MAX,
    commentary_warnings,
    latest_commentary,
    save_commentary,
)
from app.core.services.governors_rows import anonymised_rows, rows_csv
from app.core.services.letter_values import letterhead
from app.core.services.school import get_settings
from app.documents.governors import GovernorsReportDocument
from app.ui.background import run_with_progress
from app.ui.context import AppContext
from app.ui.letters.letter_dialog import choose_printer
from app.ui.letters.pdf_pages import PagesView, print_pdfs
from app.ui.widgets.field_errors import error_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def choose_file(parent: QWidget, title: str, suggested: str, kind: str) -> Path | None:
    """A save dialog; None if the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, kind)
    return Path(path) if path else None


class ReportsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        #: Replaced in tests: the print dialog and the save dialog.
        self.choose_printer: Callable[[QWidget], object] = choose_printer
        self.choose_file: Callable[[QWidget, str, str, str], Path | None] = choose_file
        #: Commentary typed for each term and not yet used, so changing term loses nothing.
        self.drafts: dict[str, str] = {}
        self._shown_term: str | None = None

        self.term = QComboBox()
        self.suppress = QCheckBox("Show counts of 1 or 2 as “fewer than 3” (recommended)")
        self.suppress.setChecked(True)
        self.commentary = QPlainTextEdit()
        self.commentary.setTabChangesFocus(True)
        self.can_comment = context.may(Permission.REPORT_COMMENTARY)
        self.commentary.setReadOnly(not self.can_comment)
        self.commentary.setPlaceholderText(
            "A few sentences for governors: trends, what the school has done, what is next."
        )
        warning = QLabel(
            "<b>Governors receive the commentary exactly as typed.</b> Don't name pupils, "
            "parents or staff, and don't describe an incident in a way that could be "
            "recognised."
        )
        warning.setWordWrap(True)
        if not self.can_comment:
            warning.setText("The commentary is written by the Designated Safeguarding Lead.")
        rows_note = QLabel(
            "The exported rows are for the clerk's analysis, not for publication: they list "
            "each incident (no names or details) and small numbers are not hidden in them."
        )
        rows_note.setWordWrap(True)
        self.warnings = error_label()
        self.message = error_label()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.save_commentary_button = QPushButton("Save co&mmentary")
        self.save_commentary_button.setToolTip(
            "Keep the commentary for this term (Preview doesn't save it; printing or saving "
            "the report keeps the commentary it was made with)"
        )
        self.save_commentary_button.setVisible(self.can_comment)
        self.preview_button = QPushButton("Pre&view")
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("&Save PDF…")
        self.export_button = QPushButton("&Export rows (CSV)…")
        self.export_button.setToolTip(
            "One anonymised row per incident: term, week, categories, platform, who posted, "
            "severity, status, outcome, school days to removal, escalations"
        )
        self.preview = PagesView()

        form = QFormLayout()
        term_caption = QLabel("&Term")
        term_caption.setBuddy(self.term)
        form.addRow(term_caption, self.term)
        form.addRow(self.suppress)
        commentary_caption = QLabel("&Commentary from the DSL")
        commentary_caption.setBuddy(self.commentary)
        self.term.setAccessibleName("Term")
        self.commentary.setAccessibleName("Commentary from the DSL")
        buttons = QHBoxLayout()
        for button in (
            self.preview_button,
            self.print_button,
            self.save_button,
            self.export_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("<b>Governors' termly summary</b> — counts and categories only"))
        column.addLayout(form)
        column.addWidget(commentary_caption)
        column.addWidget(warning)
        column.addWidget(self.commentary, 1)
        column.addWidget(self.warnings)
        commentary_buttons = QHBoxLayout()
        commentary_buttons.addWidget(self.save_commentary_button)
        commentary_buttons.addStretch(1)
        column.addLayout(commentary_buttons)
        column.addLayout(buttons)
        column.addWidget(rows_note)
        column.addWidget(self.message)
        column.addWidget(self.status)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 1)
        split.setSizes([420, 620])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self._check = QTimer(self, singleShot=True, interval=500)
        self._check.timeout.connect(self.check_commentary)
        self.commentary.textChanged.connect(self._check.start)
        self.term.currentIndexChanged.connect(self._term_changed)
        self.suppress.toggled.connect(lambda _on: self._clear_preview())
        self.save_commentary_button.clicked.connect(self.keep_commentary)
        self.preview_button.clicked.connect(self.make_preview)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_pdf)
        self.export_button.clicked.connect(self.export_csv)
        self.preview.show_message("Choose a term and press Preview.")
        self.reload()

    # -- choosing -------------------------------------------------------------------------
    def reload(self) -> None:
        """Terms that have started, newest first (the current one is marked)."""
        terms: list[Term] = self.context.read(report_terms)
        shown = [self.term.itemData(i) for i in range(self.term.count())]
        if shown and shown == terms:
            return  # unchanged: keep the commentary being typed
        current = self.term.currentData()
        if self._shown_term is not None:
            self.drafts[self._shown_term] = self.commentary.toPlainText()
            self._shown_term = None
        self.term.blockSignals(True)
        self.term.clear()
        today = today_london()
        for term in terms:
            running = " (in progress)" if term.starts_on <= today <= term.ends_on else ""
            self.term.addItem(f"{term.title}{running}", term)
        self.term.blockSignals(False)
        index = next(
            (i for i in range(self.term.count()) if current and self.term.itemData(i) == current),
            0,
        )
        self.term.setCurrentIndex(index)
        self._term_changed()

    @property
    def chosen(self) -> Term | None:
        term = self.term.currentData()
        return term if isinstance(term, Term) else None

    def _term_changed(self) -> None:
        if self._shown_term is not None:
            self.drafts[self._shown_term] = self.commentary.toPlainText()
        term = self.chosen
        self._shown_term = term.key if term else None
        if term is None:
            text = ""
        elif term.key in self.drafts:
            text = self.drafts[term.key]
        else:
            text = self.context.read(lambda s: latest_commentary(s, term.key))
        self.commentary.blockSignals(True)
        self.commentary.setPlainText(text)
        self.commentary.blockSignals(False)
        self.check_commentary()
        self._clear_preview()
        for button in (
            self.save_commentary_button,
            self.preview_button,
            self.print_button,
            self.save_button,
            self.export_button,
        ):
            button.setEnabled(term is not None)
        if term is None:
            self.preview.show_message("There are no term dates yet: add them in Settings.")

    def _clear_preview(self) -> None:
        """What is shown no longer matches the choices: say so rather than mislead."""
        term = self.chosen
        if term is not None:
            self.preview.show_message(f"Press Preview to see the report for {term.title}.")
        self.status.clear()

    def check_commentary(self) -> list[str]:
        text = self.commentary.toPlainText()
        found = self.context.read(lambda s: commentary_warnings(s, text)) if text.strip() else []
        length = len(text.strip())
        lines = []
        if found:
            lines.append("Check the commentary before it goes to governors: " + " ".join(found))
        if length > COMMENTARY_MAX:
            lines.append(
                f"The commentary is {length:,} characters long: shorten it to "
                f"{COMMENTARY_MAX:,} or fewer."
            )
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))
        if length <= COMMENTARY_MAX and self.message.text().startswith("The commentary"):
            self.message.hide()
        return found

    # -- making -------------------------------------------------------------------------
    def _report(self) -> bytes | None:
        """The PDF for what is chosen, made now from the log as it is (off the GUI
        thread). Nothing is saved here: a preview never keeps the commentary; printing or
        saving the report keeps it once the printer or file is chosen."""
        term = self.chosen
        if term is None:
            return None
        commentary = self.commentary.toPlainText().strip()
        suppress = self.suppress.isChecked()
        self.message.hide()
        if len(commentary) > COMMENTARY_MAX:
            self._fail(
                f"The commentary is {len(commentary):,} characters long: shorten it to "
                f"{COMMENTARY_MAX:,} or fewer."
            )
            return None

        def work() -> bytes:
            report, head = self.context.read(
                lambda s: (
                    build_report(s, term, suppress=suppress, commentary=commentary),
                    letterhead(get_settings(s)),
                )
            )
            return GovernorsReportDocument(head, report).render()

        pdf, error = run_with_progress(self, f"Making the report for {term.title}…", work)
        if error is not None or pdf is None:
            self._fail("The report could not be made. " + (error or ""))
            return None
        return pdf

    def _save_commentary(self, term: Term, commentary: str) -> bool:
        """Keep the commentary for `term` (a new version if it changed); False, with the
        reason shown, if it was refused. Nothing to do for a role that can't comment."""
        if not self.can_comment:
            return True
        try:
            self.context.write(lambda s, a: save_commentary(s, a, term.key, commentary))
        except FootprintError as exc:
            self._fail(exc.message)
            return False
        self.drafts.pop(term.key, None)
        return True

    def _keep_what_goes_out(self) -> bool:
        """The report is being printed or saved: keep the commentary it carries, so the
        term's record says what governors were given (the status says so)."""
        term = self.chosen
        return term is not None and self._save_commentary(
            term, self.commentary.toPlainText().strip()
        )

    def commentary_unsaved(self) -> bool:
        """Whether the commentary shown differs from the one kept for the term."""
        term = self.chosen
        if term is None or not self.can_comment:
            return False
        text = self.commentary.toPlainText().strip()
        return text != self.context.read(lambda s: latest_commentary(s, term.key))

    def keep_commentary(self) -> None:
        """The Save commentary button: the only way the commentary is kept without
        printing or saving the report."""
        term = self.chosen
        if term is None:
            return
        commentary = self.commentary.toPlainText().strip()
        self.message.hide()
        if len(commentary) > COMMENTARY_MAX:
            self._fail(
                f"The commentary is {len(commentary):,} characters long: shorten it to "
                f"{COMMENTARY_MAX:,} or fewer."
            )
            return
        if self._save_commentary(term, commentary):
            self._say(f"The commentary for {term.title} is saved.")

    def _fail(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _say(self, text: str) -> None:
        self.message.hide()
        self.status.setText(text)

    def _confirm_commentary(self) -> bool:
        found = self.check_commentary()
        if not found or len(self.commentary.toPlainText().strip()) > COMMENTARY_MAX:
            return True  # nothing to confirm, or refused with its own message
        answer = QMessageBox.warning(
            self,
            "Check the commentary",
            "The commentary goes to governors exactly as typed, and it looks personal:\n\n"
            + "\n".join(found)
            + "\n\nUse it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def make_preview(self) -> None:
        pdf = self._report()
        if pdf is not None:
            self.preview.show_pdfs([pdf])
            unsaved = (
                " The commentary is not saved: press Save commentary to keep it."
                if self.commentary_unsaved()
                else ""
            )
            self._say(
                f"Preview of {self.chosen.title if self.chosen else ''}: "
                f"{len(self.preview.page_labels)} pages.{unsaved}"
            )

    def print_report(self) -> None:
        if not self._confirm_commentary():
            return
        pdf = self._report()
        if pdf is None:
            return
        printer = self.choose_printer(self)
        if printer is None or not self._keep_what_goes_out():
            return
        term_key = self._term_key()

        try:  # on the trail (committed) before it goes to the printer
            self.context.look(lambda s: record_report_output(s, term_key, audit.Action.PRINT))
            pages = print_pdfs(printer, [pdf])  # type: ignore[arg-type]
        except FootprintError as exc:
            self._fail(exc.message)
            return
        except OSError as exc:
            self._fail(f"The report did not print: {exc}")
            return
        self._say(f"Printed {pages} pages{self._kept()}.")

    def save_pdf(self) -> None:
        term = self.chosen
        if term is None or not self._confirm_commentary():
            return
        pdf = self._report()
        if pdf is None:
            return
        path = self.choose_file(
            self, "Save the report", f"Governors summary {term.key}.pdf", "PDF files (*.pdf)"
        )
        if path is None or not self._keep_what_goes_out():
            return
        self._write(path, pdf)

    def export_csv(self) -> None:
        term = self.chosen
        if term is None:
            return
        path = self.choose_file(
            self, "Export anonymised rows", f"Governors rows {term.key}.csv", "CSV files (*.csv)"
        )
        if path is None:
            return

        def work() -> bytes:
            return rows_csv(self.context.read(lambda s: anonymised_rows(s, term)))

        data, error = run_with_progress(
            self, "Exporting the rows…", work, failure="The rows could not be exported."
        )
        if error is not None or data is None:
            self._fail(error or "The rows could not be exported.")
            return
        self._write(path, data)

    def _write(self, path: Path, data: bytes) -> None:
        kind = "csv" if path.suffix.lower() == ".csv" else "pdf"
        term_key = self._term_key()

        staged: list[StagedFile] = []

        def work(session: Session) -> None:  # the file appears once this is committed
            record_report_output(session, term_key, audit.Action.EXPORT, file=kind)
            staged.append(StagedFile(path, data))

        try:
            publish_after(staged, lambda: self.context.look(work))
        except FootprintError as exc:
            self._fail(exc.message)
            return
        except OSError as exc:
            self._fail(f"{path.name} could not be saved ({exc.strerror or exc}).")
            return
        self._say(f"Saved {path.name}{self._kept() if kind == 'pdf' else ''}.")

    def _kept(self) -> str:
        """Said after printing or saving: the commentary that went out is kept."""
        if not self.can_comment or not self.commentary.toPlainText().strip():
            return ""
        return "; the commentary in it is saved for the term"

    def _term_key(self) -> str:
        return self.chosen.key if self.chosen else ""
