"""The options of `footprint import` (kept apart from the work, so that building the
command line stays quick)."""

from __future__ import annotations

import argparse

from app.core.mis_import.kinds import KINDS

HELP = """`footprint import ctf FILE` and `footprint import csv FILE --mapping NAME`: read an
export from the school's MIS, print what importing it would change, and apply it only
with --apply (an account that may import: the DSL or a deputy).

Possible matches (a pupil with the same name and date of birth as someone typed by hand)
can't be answered at a terminal: --apply refuses while there are any, unless
--new-for-suggestions says to add them all as new people; answer them one by one in the
window (People → Import from MIS…).

Exit codes: 0 previewed (or applied), 1 the file can't be read, the log changed since the
preview, or --apply refused because of possible matches; 2 could not start (no log, not
signed in, no permission, no such mapping)."""


def add_import_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`footprint import ctf|csv …` on the shared parser."""
    parser = commands.add_parser(
        "import",
        help="preview (and with --apply, make) an import of pupils, contacts and staff "
        "from the school's MIS",
    )
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    ctf_parser = kinds.add_parser(
        "ctf",
        parents=[common],
        help="a Common Transfer File (XML) exported from the MIS",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ctf_parser.add_argument("file", metavar="FILE", help="the CTF (.xml)")
    whole = ctf_parser.add_mutually_exclusive_group()
    whole.add_argument(
        "--whole-school",
        dest="whole_school",
        action="store_true",
        default=None,
        help="the file holds every pupil: anyone the MIS kept who is not in it has left "
        "(the default, unless the CTF says it is partial)",
    )
    whole.add_argument(
        "--partial",
        dest="whole_school",
        action="store_false",
        help="the file holds only some pupils: nobody is marked as left",
    )
    csv_parser = kinds.add_parser(
        "csv",
        parents=[common],
        help="a CSV export, read with a mapping saved in the window",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    csv_parser.add_argument("file", metavar="FILE", help="the CSV file")
    csv_parser.add_argument(
        "--mapping",
        required=True,
        metavar="NAME",
        help="the name of a mapping saved in the window (People → Import from MIS…)",
    )
    csv_parser.add_argument(
        "--kind",
        choices=list(KINDS),
        help="what the file holds (default: what the mapping was saved for)",
    )
    csv_parser.add_argument(
        "--whole-school",
        action="store_true",
        default=False,
        help="the file holds everyone of its kind: anyone the MIS kept who is not in it has left",
    )
    for sub in (ctf_parser, csv_parser):
        sub.add_argument(
            "--apply",
            action="store_true",
            help="make the changes previewed (without it, nothing is written)",
        )
        sub.add_argument(
            "--new-for-suggestions",
            action="store_true",
            help="with --apply: add every possible match as a new person (without it, "
            "--apply refuses while there are possible matches; answer them in the window)",
        )
        sub.add_argument("--user", metavar="NAME", help="your user name (the DSL or a deputy)")
