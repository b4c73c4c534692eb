"""What the import window does, without its widgets: read the chosen file and preview it
off the GUI thread, preview again with another answer, save a CSV mapping, apply.

The readers and the service are reached through their modules (not names imported from
them), so a test can put a fake in their place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.mis_import import csv_files, ctf
from app.core.mis_import.plan import Plan
from app.core.mis_import.records import Cancelled, ImportFile, Progress
from app.core.services import mis_import as service
from app.ui.background import Outcome, run_cancellable
from app.ui.context import AppContext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

#: The kinds of CSV the window offers, as a DSL knows them.
CSV_KINDS = {"pupils": "Pupils and their contacts", "staff": "Staff"}


@dataclass
class Choice:
    """The file chosen and how to read it."""

    path: Path
    source: str  # "ctf" or "csv"
    kind: str = "pupils"
    columns: dict[str, str] = field(default_factory=dict)
    mapping_name: str = ""


def source_of(path: Path) -> str:
    """ "csv" for a .csv or .txt file, else "ctf" (a CTF is .xml, or .ctf from some MIS)."""
    return "csv" if path.suffix.lower() in (".csv", ".txt") else "ctf"


class ImportController:
    """One import, from choosing the file to applying it."""

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        self.context = context
        self.parent = parent
        self.choice: Choice | None = None
        self.import_file: ImportFile | None = None
        self.plan: Plan | None = None
        self.whole_school = False
        self.decisions: dict[str, int] = {}

    # -- CSV mappings -----------------------------------------------------------------
    def sniff(self, path: Path) -> csv_files.CsvSample:
        """The headings and first rows (quick: the start of the file only)."""
        return csv_files.sniff_csv(path)

    def saved_mappings(self, kind: str) -> list[service.SavedMapping]:
        return self.context.read(lambda s: service.list_mappings(s, kind))

    def save_mapping(self, name: str, kind: str, columns: dict[str, str]) -> None:
        self.context.write(lambda s, a: service.save_mapping(s, a, name, kind, columns))

    # -- reading and previewing -------------------------------------------------------
    def read_and_preview(self, choice: Choice) -> Outcome[tuple[ImportFile, Plan, bool]]:
        """Read the file, then preview it with the checkbox's first answer and no
        decisions. Cancel or an error leaves what was previewed before as it was."""

        def work(progress: Progress, cancelled: Cancelled) -> tuple[ImportFile, Plan, bool]:
            # Reading is the first half of the bar, matching the second.
            def reading(done: int, total: int) -> None:
                progress(done, 2 * total)

            def matching(done: int, total: int) -> None:
                progress(total + done, 2 * total)

            if choice.source == "ctf":
                import_file = ctf.read_ctf(choice.path, progress=reading, cancelled=cancelled)
            else:
                import_file = csv_files.read_csv(
                    choice.path,
                    choice.columns,
                    choice.kind,
                    mapping_name=choice.mapping_name,
                    progress=reading,
                    cancelled=cancelled,
                )
            whole = self.context.read(lambda s: service.holds_whole_school(s, import_file))
            plan = self._preview(import_file, whole, {}, matching, cancelled)
            return import_file, plan, whole

        outcome = run_cancellable(
            self.parent, f"Reading {choice.path.name} and comparing it with the log…", work
        )
        if outcome.result is not None:
            self.choice = choice
            self.import_file, self.plan, self.whole_school = outcome.result
            self.decisions = {}
        return outcome

    def preview_again(
        self, *, whole_school: bool | None = None, decisions: dict[str, int] | None = None
    ) -> Outcome[Plan]:
        """Preview the same file with another answer (the whole-school checkbox, the
        suggestions); kept only if it finishes."""
        import_file = self.import_file
        assert import_file is not None
        whole = self.whole_school if whole_school is None else whole_school
        chosen = dict(self.decisions if decisions is None else decisions)

        def work(progress: Progress, cancelled: Cancelled) -> Plan:
            return self._preview(import_file, whole, chosen, progress, cancelled)

        outcome = run_cancellable(self.parent, "Comparing the file with the log…", work)
        if outcome.result is not None:
            self.plan, self.whole_school, self.decisions = outcome.result, whole, chosen
        return outcome

    def _preview(
        self,
        import_file: ImportFile,
        whole_school: bool,
        decisions: dict[str, int],
        progress: Progress,
        cancelled: Cancelled,
    ) -> Plan:
        return self.context.read(
            lambda s: service.preview_import(
                s,
                import_file,
                whole_school=whole_school,
                decisions=decisions,
                progress=progress,
                cancelled=cancelled,
            )
        )

    # -- applying ---------------------------------------------------------------------
    def apply(self) -> Outcome[service.ImportResult]:
        """Apply the plan previewed, in one transaction (no Cancel: it all happens or
        none of it). The screens are told once back on the GUI thread."""
        import_file, plan = self.import_file, self.plan
        assert import_file is not None and plan is not None

        def work(_progress: Progress, _cancelled: Cancelled) -> service.ImportResult:
            return self.context.write(
                lambda s, a: service.apply_import(s, a, import_file, plan), announce=False
            )

        outcome = run_cancellable(
            self.parent,
            "Applying the import…",
            work,
            cancellable=False,
            failure="The import could not be applied; nothing in the log was changed.",
        )
        if outcome.result is not None:
            self.context.data_changed.emit()
        return outcome
