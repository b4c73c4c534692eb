"""`footprint report governors`: the termly summary as a PDF (and the anonymised rows as
CSV), exactly as the Reports screen makes them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.commands.signing import open_as_user
from app.core.audit import Action
from app.core.errors import FootprintError
from app.core.files import StagedFile, publish_after

EXIT_FAILED = 1
EXIT_USAGE = 2


def run_report(args: argparse.Namespace) -> int:
    from app.core.clock import today_london
    from app.core.services.governors import build_report, find_term, record_report_output
    from app.core.services.governors_commentary import commentary_warnings
    from app.core.services.governors_rows import anonymised_rows, rows_csv
    from app.core.services.letter_values import letterhead
    from app.core.services.school import get_settings
    from app.documents.governors import GovernorsReportDocument

    outputs = [Path(p) for p in (args.out, args.csv) if p]
    if args.csv and Path(args.csv).resolve() == Path(args.out).resolve():
        _say("--out and --csv must be different files.")
        return EXIT_USAGE
    for path in outputs:
        if not path.parent.is_dir():
            _say(f"the folder for {path} does not exist.")
            return EXIT_USAGE
    try:
        log, user_id = open_as_user(args.database, args.user)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    try:
        with log.database.read(user_id) as session:
            term = find_term(session, args.term)
            report = build_report(session, term, suppress=not args.show_small_counts)
            if term.starts_on > today_london():
                _say(f"note: {term.title} hasn't started yet, so the report is empty.")
            for warning in commentary_warnings(session, report.commentary):
                _say(f"note: the commentary saved for this term looks personal: {warning}")
            pdf = GovernorsReportDocument(letterhead(get_settings(session)), report).render()
            rows = rows_csv(anonymised_rows(session, term)) if args.csv else None
            if rows is not None:
                _say(
                    "note: the CSV is for the clerk's analysis, not for publication: it lists "
                    "each incident (no names or details) and small numbers are not hidden in it."
                )
        # The files are written beside their names in the unit of work that records the
        # export, and take their names only once it is committed: a log that can't record
        # it (read-only, full) yields no report, and a file that can't be written leaves
        # no record of an export that didn't happen.
        staged: list[StagedFile] = []

        def export() -> None:
            with log.database.write(user_id) as session:
                record_report_output(
                    session, term.key, Action.EXPORT, csv=rows is not None, by="command"
                )
                staged.append(StagedFile(Path(args.out), pdf))
                if rows is not None:
                    staged.append(StagedFile(Path(args.csv), rows))

        publish_after(staged, export)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE
    except OSError as exc:
        _say(f"the report could not be written ({exc.strerror or exc}).")
        return EXIT_FAILED
    finally:
        log.database.dispose()
    written = f"{args.out}" + (f" and {args.csv}" if args.csv else "")
    noun = "incident" if report.incidents == 1 else "incidents"
    print(f"{report.term_title}: {report.incidents:,} {noun}; written to {written}.")
    return 0


def _say(message: str) -> None:
    print(f"footprint report: {message}", file=sys.stderr)
