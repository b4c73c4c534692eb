"""`python -m bench` (or `make bench`): build a large synthetic log and print its figures."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import make_url

# Importing each module registers its figures.
import bench.letter_figures
import bench.list_figures
import bench.report_figures  # noqa: F401
from app.core.startup import open_log
from bench.figures import FIGURES, Bench, format_table, run_figures, write_json
from bench.synthetic import build_synthetic_log

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def build_parser() -> argparse.ArgumentParser:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--incidents", type=int, default=100_000, help="default 100,000")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="an empty database to fill (e.g. postgresql://…); default: a new SQLite file "
        "in a temporary folder, deleted afterwards",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON (default {RESULTS})")
    parser.add_argument("--explain", action="store_true", help="print each figure's query plan")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Build, measure, print, save; 0 when every figure was measured."""
    args = build_parser().parse_args(argv)
    say = _progress(quiet=args.quiet)
    folder: Path | None = None
    if args.database:
        url: str = args.database
    else:
        folder = Path(tempfile.mkdtemp(prefix="footprint-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        log = open_log(url)
        try:
            synthetic = build_synthetic_log(
                log.database, log.user_id, incidents=args.incidents, seed=args.seed, progress=say
            )
        finally:
            log.database.dispose()
        # Measure on a freshly opened log, as the app would find it at start-up.
        log = open_log(url)
        try:
            path = make_url(url).database
            bench = Bench(log.database, synthetic, args.runs, Path(path) if path else None)
            say("measuring")
            results = run_figures(bench)
            if args.explain:
                from bench.explain import explain_figures

                print(explain_figures(bench, FIGURES))
        finally:
            log.database.dispose()
    finally:
        if folder is not None and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    shown = make_url(url).render_as_string(hide_password=True)
    print(
        f"Footprint bench: {synthetic.incidents:,} incidents, {synthetic.people:,} people, "
        f"{sum(synthetic.rows.values()):,} rows on {bench.database.engine.dialect.name} "
        f"({shown}); timings are medians of {args.runs} runs, each in a fresh session."
    )
    print(format_table(results))
    write_json(bench, results, args.output)
    print(f"Saved to {args.output}")
    return 0 if all(r.measurement is not None for r in results) else 1


def _progress(*, quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:
            print(f"… {message}", file=sys.stderr)

    return say


if __name__ == "__main__":
    sys.exit(main())
