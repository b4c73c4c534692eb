"""The audit trail's figures (issue 16): `footprint audit verify` as the DSL runs it,
against a plain hash scan of the same trail, and the one-time trail baseline; each in a
process of its own (`bench.child`), so its time is the whole command's and its peak memory
its own. Importing this module registers them (the "audit" group).

They run once each, not `bench.runs` times: at 100,000 incidents verify takes most of a
minute. Verify runs last of all the groups, on the copy every other figure has written
to (letters, saves, a school's settings), so it also checks that the bench's own work
leaves a log whose trail checks out."""

from __future__ import annotations

import re

from bench.child import Finished, run_child
from bench.figures import Bench, Measurement, figure, not_applicable

_RUNS: dict[str, Finished] = {}


def _url(bench: Bench) -> str | None:
    return f"sqlite:///{bench.database_path}" if bench.database_path is not None else None


def _plain(bench: Bench) -> Finished:
    url = _url(bench)
    assert url is not None
    if "plain" not in _RUNS:
        _RUNS["plain"] = run_child(["-m", "bench.audit_child", "plain", url])
    return _RUNS["plain"]


def _verify(bench: Bench) -> Finished:
    url = _url(bench)
    assert url is not None
    if "verify" not in _RUNS:
        # The plain scan first, so both read a file the page cache already holds.
        _plain(bench)
        run = run_child(["-m", "app", "audit", "verify", "--database", url])
        if "intact" not in run.output:
            raise RuntimeError(f"verify did not find the trail intact: {run.output[-300:]}")
        _RUNS["verify"] = run
    return _RUNS["verify"]


@figure("Audit: `audit verify`, whole command (baseline a plain hash scan of the trail)")
def audit_verify(bench: Bench) -> Measurement:
    """The command a DSL runs, from start to exit, against hashing every entry's stored
    fields (no chain, no records: the least any verify can cost)."""
    if _url(bench) is None:
        return not_applicable("measured on a SQLite log (the command's own process)")
    _RUNS.clear()  # a new run measures afresh (the tests run the bench more than once)
    run, plain = _verify(bench), _plain(bench)
    return Measurement(
        run.seconds,
        "s",
        baseline=plain.seconds,
        note=f"one run each; peak {run.peak_mb:.0f} MB (plain scan {plain.peak_mb:.0f} MB)",
        details={"peak_mb": run.peak_mb, "plain_peak_mb": plain.peak_mb},
    )


@figure("Audit: `audit verify`, peak memory (baseline the plain scan's)")
def audit_verify_memory(bench: Bench) -> Measurement:
    """The command's peak resident set, against the plain scan's (the interpreter, the
    libraries and SQLite's page cache: what any reader of the trail holds)."""
    if _url(bench) is None:
        return not_applicable("measured on a SQLite log (the command's own process)")
    run, plain = _verify(bench), _plain(bench)
    return Measurement(run.peak_mb, "MB", baseline=plain.peak_mb, note="goal < 300 MB, flat")


@figure("Audit: one-time trail baseline, written and rolled back (peak memory in the note)")
def trail_baseline(bench: Bench) -> Measurement:
    """What an older log's first start after the upgrade does once: every record put on
    the trail, in chunks (rolled back here, so the log is left as it was); against the
    plain hash scan's time."""
    url = _url(bench)
    if url is None:
        return not_applicable("measured on a SQLite log (a process of its own)")
    run, plain = run_child(["-m", "bench.audit_child", "baseline", url]), _plain(bench)
    written = re.search(r"(\d+) entries", run.output)
    entries = int(written.group(1)) if written else 0
    return Measurement(
        run.seconds,
        "s",
        baseline=plain.seconds,
        note=f"one run; {entries:,} entries; peak {run.peak_mb:.0f} MB (goal < 300 MB)",
        details={"peak_mb": run.peak_mb},
    )
