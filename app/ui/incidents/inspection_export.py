"""The incident list's "Export for inspection…": the list as filtered and sorted on screen,
every matching incident (not the rows the screen holds), saved as CSV or a landscape PDF
off the GUI thread, with progress and Cancel. The file appears only once the export is
on the audit trail (`services.inspection_export`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.clock import today_london
from app.core.mis_import.records import Cancelled, Progress
from app.core.services.inspection_export import export_inspection_list
from app.core.services.inspection_list import ExportFacts, ExportFormat
from app.ui.background import run_cancellable

if TYPE_CHECKING:
    from app.ui.incidents.list_controller import IncidentListController

_KINDS = {
    ExportFormat.CSV: ("CSV files (*.csv)", ".csv"),
    ExportFormat.PDF: ("PDF files (*.pdf)", ".pdf"),
}


def choose_file(parent: QWidget, title: str, suggested: str, kind: str) -> Path | None:
    """A save dialog; None if the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, kind)
    return Path(path) if path else None


class InspectionExporter(QObject):
    """Runs the export for the list's controller and says how it went under the list."""

    def __init__(self, controller: IncidentListController) -> None:
        super().__init__(controller)
        self.controller = controller
        #: Replaced in tests: the save dialog.
        self.choose_file: Callable[[QWidget, str, str, str], Path | None] = choose_file
        view = controller.view
        view.export_csv.triggered.connect(lambda: self.export(ExportFormat.CSV))
        view.export_pdf.triggered.connect(lambda: self.export(ExportFormat.PDF))

    def export(self, file_format: ExportFormat) -> ExportFacts | None:
        """Ask where, then save the list in `file_format`; the facts, or None."""
        controller, view = self.controller, self.controller.view
        if controller.current_filter() != controller.filter:  # a search still waiting
            controller.apply_filters()
        flt = controller.filter
        sort, descending = controller.model.sorting
        kind, suffix = _KINDS[file_format]
        suggested = f"Referrals and their resolution {today_london():%Y-%m-%d}{suffix}"
        path = self.choose_file(view, "Export for inspection", suggested, kind)
        if path is None:
            return None
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        context = controller.context

        def work(progress: Progress, cancelled: Cancelled) -> ExportFacts:
            return export_inspection_list(
                context.read,
                context.look,
                path,
                flt,
                file_format,
                sort=sort,
                descending=descending,
                by="window",
                progress=progress,
                cancelled=cancelled,
            )

        outcome = run_cancellable(
            view,
            "Exporting the list for inspection…",
            work,
            failure=f"{path.name} could not be saved; nothing was recorded.",
        )
        if outcome.cancelled:
            view.export_message.setText("Export cancelled: nothing was saved.")
            return None
        if outcome.error is not None or outcome.result is None:
            view.export_message.setText(outcome.error or "The list could not be saved.")
            return None
        facts = outcome.result
        noun = "incident" if facts.rows == 1 else "incidents"
        view.export_message.setText(f"Saved {facts.rows:,} {noun} to {path.name}.")
        return facts
