"""`python -m bench [GROUP ...]` (or `make bench`): print the figures of a large synthetic
log. Groups: queries, letters, list, report, exports, encryption, import, casefile, startup,
audit (default: all). It ends with issue 16's table: what the user waits for, before the work
and now.

By default the log is the cached SQLite one (`bench.cache`: built the first time, with its
full audit trail) and the figures measure a copy of it in a temporary folder; with
--database the log is built into the (empty) database given instead."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import make_url

# Importing each module registers its figures.
import bench.audit_figures
import bench.casefile_figures
import bench.encryption_figures
import bench.export_figures
import bench.import_figures
import bench.letter_figures
import bench.list_figures
import bench.report_figures
import bench.startup_figures  # noqa: F401
from app.core.startup import open_log
from bench.cache import cache_folder, cached_log, copy_log
from bench.figures import (
    FIGURES,
    Bench,
    Figure,
    describe_machine,
    format_table,
    machine_facts,
    run_figures,
    write_json,
)
from bench.summary import ROWS, format_summary
from bench.synthetic import SyntheticLog, build_synthetic_log, write_full_trail

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
#: Each group's figures are those of one module.
GROUPS = {
    "queries": "bench.figures",
    "letters": "bench.letter_figures",
    "list": "bench.list_figures",
    "report": "bench.report_figures",
    "exports": "bench.export_figures",
    "encryption": "bench.encryption_figures",
    "import": "bench.import_figures",
    "casefile": "bench.casefile_figures",
    # It sets the copy up as a school's log (settings, a DSL's password).
    "startup": "bench.startup_figures",
    # Last: verify reads the copy every other figure has written to.
    "audit": "bench.audit_figures",
}


def build_parser() -> argparse.ArgumentParser:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "groups",
        nargs="*",
        metavar="GROUP",
        help=f"which figures: {', '.join(GROUPS)} (default: all)",
    )
    parser.add_argument(
        "--incidents",
        type=int,
        default=100_000,
        help="default 100,000 (e.g. 1000000 for the million-incident tier; cached apart)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="an empty database to fill (e.g. postgresql://…) instead of the cached SQLite log",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--output", type=Path, help=f"JSON (default {RESULTS}, or latest-GROUP.json beside it)"
    )
    parser.add_argument("--explain", action="store_true", help="print each figure's query plan")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help=f"where the built log is kept (default {cache_folder()}; FOOTPRINT_BENCH_CACHE)",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached log first")
    parser.add_argument(
        "--no-trail", action="store_true", help="build the log without its audit trail"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def chosen_figures(groups: Sequence[str]) -> list[Figure]:
    """The registered figures of the groups named (all of them for none), group by group
    in the order of GROUPS (the encryption figures, the slowest, last)."""
    modules = {GROUPS[group] for group in groups}
    chosen = [f for f in FIGURES if not groups or f.measure.__module__ in modules]
    return sorted(chosen, key=_group_rank)


def _group_rank(item: Figure) -> int:
    modules = list(GROUPS.values())
    module = item.measure.__module__
    return modules.index(module) if module in modules else len(modules)


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or reuse), measure, print, save; 0 when every figure was measured."""
    parser = build_parser()
    args = parser.parse_args(argv)
    unknown = [group for group in args.groups if group not in GROUPS]
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)}: choose from {', '.join(GROUPS)}")
    output: Path = args.output or (
        RESULTS.with_name(f"latest-{'-'.join(args.groups)}.json") if args.groups else RESULTS
    )
    say = _progress(quiet=args.quiet)
    folder = Path(tempfile.mkdtemp(prefix="footprint-bench-"))
    source: Path | None = None
    try:
        if args.database:
            url: str = args.database
            synthetic = _fill(url, args, say)
        else:
            source, synthetic = cached_log(
                args.cache_dir or cache_folder(),
                incidents=args.incidents,
                seed=args.seed,
                trail=not args.no_trail,
                rebuild=args.fresh,
                progress=say,
            )
            copy_log(source, folder / "bench.sqlite3")
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        # Measure on a freshly opened log, as the app would find it at start-up.
        log = open_log(url)
        path = make_url(url).database
        bench = Bench(
            log.database,
            synthetic,
            args.runs,
            Path(path) if path and path != ":memory:" else None,
            source=source,
            scratch=folder,
        )
        # Where a PostgreSQL run finds the SQLite log of the same size to compare with.
        bench.shared |= {"cache_folder": args.cache_dir or cache_folder(), "seed": args.seed}
        try:
            figures = chosen_figures(args.groups)
            say("measuring")
            results = run_figures(bench, figures)
            if args.explain:
                from bench.explain import explain_figures

                print(explain_figures(bench, figures))
        finally:
            bench.close()
            log.database.dispose()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    shown = make_url(url).render_as_string(hide_password=True)
    where = f"a copy of {source}" if source is not None else shown
    trail = f" and {synthetic.trail_entries:,} audit entries" if synthetic.trail_entries else ""
    print(
        f"Footprint bench: {synthetic.incidents:,} incidents, {synthetic.people:,} people, "
        f"{sum(synthetic.rows.values()):,} rows{trail} on {bench.database.engine.dialect.name} "
        f"({where}); timings are medians of {args.runs} runs, each in a fresh session."
    )
    print(describe_machine(machine_facts()))
    print(format_table(results))
    print()
    print(format_summary(ROWS, results, synthetic.incidents))
    write_json(bench, results, output)
    print(f"Saved to {output}")
    return 0 if all(r.measurement is not None for r in results) else 1


def _fill(url: str, args: argparse.Namespace, say: Callable[[str], None]) -> SyntheticLog:
    """Build the synthetic log (and its trail) into the empty database at `url`."""
    log = open_log(url)
    try:
        synthetic = build_synthetic_log(
            log.database, log.user_id, incidents=args.incidents, seed=args.seed, progress=say
        )
        if not args.no_trail:
            say("writing the audit trail")
            write_full_trail(log.database, synthetic)
    finally:
        log.database.dispose()
    return synthetic


def _progress(*, quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:
            print(f"… {message}", file=sys.stderr)

    return say


if __name__ == "__main__":
    sys.exit(main())
