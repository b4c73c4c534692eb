"""Every `footprint` command, run as a real program, ends with a plain sentence and an exit
code, never a traceback: with no terminal, no log, a read-only, cut-short or foreign file,
and nonsense arguments; a missing log is not created and a damaged one is left untouched.
An encrypted log opens with --user and the password, and says plainly when it can't.

Each case starts a Python process (about a second each), with its own home and XDG folders
in a temporary folder and without the tester's FOOTPRINT_* variables. The read-only log is
genuinely read-only for the process: as root (who ignores permission bits) the command runs
as `nobody`, or, when `nobody` can't reach this Python, as root without the capabilities
that override permissions (`setpriv`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.clock import today_london
from app.core.services.accounts import create_first_account
from app.core.services.involvements import add_involvement
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import list_terms
from app.core.services.users import get_user
from app.core.startup import encrypt_opened_log, open_log
from app.core.vocab import InvolvementRole
from tests.factories import make_incident, make_person

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
PASSWORD = "river lantern orchard"


@dataclass(frozen=True)
class Prepared:
    """A small log (one incident, one poster), and a copy of it with an account."""

    folder: Path
    reference: str
    term: str

    def copy(self, name: str, to: Path) -> Path:
        target = to / "footprint.sqlite3"
        for suffix in ("", ".audit-head", ".keys"):
            if (self.folder / f"{name}.sqlite3{suffix}").exists():
                shutil.copyfile(self.folder / f"{name}.sqlite3{suffix}", f"{target}{suffix}")
        return target


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    folder = tmp_path_factory.mktemp("logs")
    log = open_log(f"sqlite:///{folder / 'plain.sqlite3'}")
    with log.database.write(log.user_id) as s:
        actor = get_user(s, log.user_id)
        save_settings(s, actor, SchoolDetails(name="Kestrel Vale Primary School"))
        incident = make_incident(s, actor)
        poster = make_person(
            s, actor, title="Mr", given_name="Dara", family_name="Kelly", address="1 Elm Row"
        )
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        reference = incident.reference
        started = [t for t in list_terms(s) if t.starts_on <= today_london()]
        term = started[-1].key
    log.database.dispose()  # the last connection out folds the WAL into the file
    assert not (folder / "plain.sqlite3-wal").exists()
    for suffix in ("", ".audit-head"):
        shutil.copyfile(folder / f"plain.sqlite3{suffix}", folder / f"accounts.sqlite3{suffix}")
    log = open_log(f"sqlite:///{folder / 'accounts.sqlite3'}")
    with log.database.write(actor) as s:
        create_first_account(s, "Ada Okafor", "aokafor", PASSWORD)
    log.database.dispose()
    for suffix in ("", ".audit-head"):
        shutil.copyfile(folder / f"accounts.sqlite3{suffix}", folder / f"encrypted.sqlite3{suffix}")
    log = open_log(f"sqlite:///{folder / 'encrypted.sqlite3'}")
    encrypted = encrypt_opened_log(log, actor.id, "aokafor", PASSWORD)
    assert encrypted.problem is None and encrypted.log is not None
    encrypted.log.database.dispose()
    shutil.rmtree(folder / "backups")  # the copies share the folder: keep them apart
    return Prepared(folder, reference, term)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


class Runner:
    """Starts `python -m app` in a clean environment, optionally as another user."""

    def __init__(
        self,
        home: Path,
        *,
        user: int | None = None,
        prefix: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ):
        self.home, self.user, self.prefix, self.env = home, user, prefix, env or {}

    def __call__(self, *args: str) -> Run:
        return self.python("-m", "app", *args)

    def python(self, *args: str) -> Run:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTPRINT_")}
        env |= {
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_STATE_HOME": str(self.home / "state"),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_CACHE_HOME": str(self.home / "cache"),
            "PYTHONIOENCODING": "utf-8",
        } | self.env
        done = subprocess.run(
            [*self.prefix, sys.executable, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=ROOT,
            timeout=120,
            user=self.user,
            group=self.user,
            extra_groups=None if self.user is None else [],
        )
        return Run(done.returncode, done.stdout, done.stderr)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def read_only_runner() -> Iterator[Runner]:
    """A runner for whom a file with mode 0444 in a folder with mode 0555 can't be changed.
    Its home is under /tmp, not pytest's folder (which only root may enter)."""
    home = Path(tempfile.mkdtemp(prefix="footprint-ro-home-"))
    try:
        os.chmod(home, 0o755)
        runner = Runner(home)
        if os.geteuid() == 0:
            os.chown(home, NOBODY, NOBODY)
            runner = Runner(home, user=NOBODY)
            if not _starts(runner):  # nobody can't reach this Python (e.g. under /root)
                os.chown(home, 0, 0)
                drop = ("setpriv", "--inh-caps=-all", "--bounding-set=-all", "--")
                runner = Runner(home, prefix=drop)
                if shutil.which("setpriv") is None or not _starts(runner):
                    pytest.skip(
                        "running as root, and neither `nobody` can run this Python nor "
                        "setpriv can drop root's power to ignore file permissions"
                    )
        probe = home / "probe"
        probe.mkdir()
        (probe / "file").write_text("unchanged")
        os.chmod(probe / "file", 0o444)
        os.chmod(probe, 0o555)
        attempt = runner.python("-c", f"open({str(probe / 'file')!r}, 'a').write('x')")
        assert attempt.code != 0 and "PermissionError" in attempt.err, "the runner can write"
        assert (probe / "file").read_text() == "unchanged"
        yield runner
    finally:
        for folder in sorted(home.rglob("*"), reverse=True):
            if folder.is_dir():
                os.chmod(folder, 0o755)
        shutil.rmtree(home, ignore_errors=True)


def _starts(runner: Runner) -> bool:
    try:
        return runner("--version").code == 0
    except OSError:  # the interpreter itself can't be run by that user
        return False


def letter(
    incident: str = "{ref}", template: str = "proper_channels", to: str = "Kelly", **more: str
) -> tuple[str, ...]:
    args = ["letter", "--incident", incident, "--template", template, "--to", to]
    args += ["--out", more.get("out", "{out}/letter.pdf")]
    return (*args, *(["--user", more["user"]] if "user" in more else []))


def report(term: str = "{term}", out: str = "{out}/report.pdf", **more: str) -> tuple[str, ...]:
    args = ("report", "governors", "--term", term, "--out", out)
    return (*args, *(["--user", more["user"]] if "user" in more else []))


def casefile(incident: str = "{ref}", out: str = "{out}/case.pdf", **more: str) -> tuple[str, ...]:
    args: tuple[str, ...] = ("casefile", "--incident", incident, "--variant", "agency")
    args += ("--out", out)
    args += tuple(["--recipient", more["recipient"]] if "recipient" in more else [])
    return (*args, *(["--user", more["user"]] if "user" in more else []))


TRANSFER: tuple[str, ...] = ("transfer", "make", "--pupil", "Nobody", "--school", "Harbour")
TRANSFER += ("--method", "secure_email", "--out", "{out}/file.pdf")
AUDIT = ("audit", "verify")
RETAIN = ("retention", "list")
DISPOSE = ("retention", "dispose", "--incident")
TEMPLATES = ("letter", "--list-templates")
NOWHERE = "/nonexistent/dir/x.pdf"
DAMAGED = "damaged (perhaps cut short"
FOREIGN = "not a Footprint log"
READ_ONLY = "the file or its folder is read-only"
# name: (the log given, arguments, exit code, words expected in what is printed)
CASES: dict[str, tuple[str, tuple[str, ...], int, str]] = {
    "version": ("none", ("--version",), 0, "Footprint "),
    "templates-no-log-anywhere": ("none", TEMPLATES, 0, "request_removal"),
    "letter-made": ("plain", letter(), 0, "written to"),
    "report-made": ("plain", report(), 0, "written to"),
    "audit-intact": ("plain", AUDIT, 0, "The audit trail is intact"),
    "demo-refuses-a-real-log": ("plain", ("demo",), 2, "already holds a school's records"),
    "unknown-command": ("none", ("frobnicate",), 2, "invalid choice"),
    "unknown-option": ("plain", (*letter(), "--colour", "red"), 2, "unrecognized arguments"),
    "term-nonsense": ("plain", report(term="nonsense"), 2, "There is no term “nonsense”"),
    "incident-unknown": ("plain", letter(incident="SM-0000-0000"), 2, "no incident SM-0000-0000"),
    "to-nobody": ("plain", letter(to="Nobody"), 2, "matches nobody"),
    "template-nonsense": ("plain", letter(template="nonsense"), 2, "no letter template"),
    "letter-out-nowhere": ("plain", letter(out=NOWHERE), 2, "does not exist"),
    "report-out-nowhere": ("plain", report(out=NOWHERE), 2, "does not exist"),
    "letter-half-asked": ("plain", ("letter", "--incident", "{ref}"), 2, "also give --template"),
    "database-nonsense": ("none", (*AUDIT, "--database", "mysql://x/y"), 2, "SQLite or PostgreSQL"),
    "no-terminal-letter": ("accounts", letter(user="aokafor"), 2, "no terminal to ask"),
    "no-terminal-report": ("accounts", report(user="aokafor"), 2, "no terminal to ask"),
    "no-user-letter": ("accounts", letter(), 2, "give --user"),
    "accounts-audit": ("accounts", AUDIT, 0, "The audit trail is intact"),
    "accounts-demo": ("accounts", ("demo",), 2, "already holds a school's records"),
    "missing-letter": ("missing", letter(), 2, "There is no log at"),
    "missing-report": ("missing", report(), 2, "There is no log at"),
    "missing-audit": ("missing", AUDIT, 2, "There is no log at"),
    "missing-templates": ("missing", TEMPLATES, 0, "request_removal"),
    "read-only-letter": ("read-only", letter(), 2, READ_ONLY),
    "read-only-report": ("read-only", report(), 2, READ_ONLY),
    "read-only-audit": ("read-only", AUDIT, 2, READ_ONLY),
    "read-only-demo": ("read-only", ("demo",), 2, READ_ONLY),
    "read-only-file-letter": ("read-only-file", letter(), 2, READ_ONLY),
    "read-only-file-report": ("read-only-file", report(), 2, READ_ONLY),
    "truncated-letter": ("truncated", letter(), 2, DAMAGED),
    "truncated-report": ("truncated", report(), 2, DAMAGED),
    "truncated-audit": ("truncated", AUDIT, 2, DAMAGED),
    "truncated-demo": ("truncated", ("demo",), 2, DAMAGED),
    "foreign-letter": ("foreign", letter(), 2, FOREIGN),
    "foreign-report": ("foreign", report(), 2, FOREIGN),
    "foreign-audit": ("foreign", AUDIT, 2, FOREIGN),
    "foreign-demo": ("foreign", ("demo",), 2, FOREIGN),
    "foreign-templates": ("foreign", TEMPLATES, 0, "Footprint's own templates"),
    "casefile-made": ("plain", casefile(recipient="PC Smith"), 0, "written to"),
    "casefile-no-recipient": ("plain", casefile(), 2, "--recipient"),
    "casefile-unknown": ("plain", casefile("SM-0000-0000", recipient="x"), 2, "no incident"),
    "casefile-out-nowhere": ("plain", casefile(out=NOWHERE, recipient="x"), 2, "does not exist"),
    "casefile-out-a-folder": ("plain", casefile(out="{out}", recipient="x"), 2, "is a folder"),
    "no-user-casefile": ("accounts", casefile(recipient="x"), 2, "give --user"),
    "missing-casefile": ("missing", casefile(recipient="x"), 2, "There is no log at"),
    "read-only-casefile": ("read-only", casefile(recipient="x"), 2, READ_ONLY),
    "truncated-casefile": ("truncated", casefile(recipient="x"), 2, DAMAGED),
    "foreign-casefile": ("foreign", casefile(recipient="x"), 2, FOREIGN),
    "transfer-list": ("plain", ("transfer", "list"), 0, "No child protection files"),
    "transfer-no-pupil": ("plain", TRANSFER, 2, "matches no pupil"),
    "missing-transfer": ("missing", TRANSFER, 2, "There is no log at"),
    "read-only-transfer": ("read-only", TRANSFER, 2, READ_ONLY),
    "retention-list": ("plain", RETAIN, 0, "Due for review: 0"),
    "dispose-open": ("plain", (*DISPOSE, "{ref}", "--yes"), 2, "is open"),
    "dispose-unknown": ("plain", (*DISPOSE, "SM-0000-0000"), 2, "no incident SM-0000-0000"),
    "no-user-retention": ("accounts", RETAIN, 2, "give --user"),
    "no-terminal-retention": ("accounts", (*RETAIN, "--user", "aokafor"), 2, "no terminal to ask"),
    "missing-retention": ("missing", RETAIN, 2, "There is no log at"),
    "read-only-retention": ("read-only", RETAIN, 2, READ_ONLY),
    "truncated-retention": ("truncated", RETAIN, 2, DAMAGED),
    "foreign-retention": ("foreign", RETAIN, 2, FOREIGN),
}


@pytest.mark.parametrize("name", CASES)
def test_a_command_answers_in_plain_words(
    name: str, prepared: Prepared, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    situation, args, expected_code, expected_words = CASES[name]
    runner = Runner(tmp_path / "home")
    out = tmp_path / "out"
    out.mkdir()
    log: Path | None = None
    if situation in ("plain", "accounts", "truncated", "foreign"):
        (tmp_path / "log").mkdir()
        log = prepared.copy(situation if situation == "accounts" else "plain", tmp_path / "log")
        if situation == "truncated":
            os.truncate(log, log.stat().st_size // 2)
        elif situation == "foreign":
            log.write_bytes(bytes(range(256)) * 256)
    elif situation == "missing":
        log = tmp_path / "no-such-folder" / "footprint.sqlite3"
    elif situation.startswith("read-only"):
        runner = request.getfixturevalue("read_only_runner")
        log, out = _read_only_log(prepared, runner, situation, request)
    before = _sha(log) if log is not None and log.exists() else None
    database = ("--database", f"sqlite:///{log}") if log is not None else ()
    fill = {"ref": prepared.reference, "term": prepared.term, "out": str(out)}
    result = runner(*(a.format(**fill) for a in args), *database)

    shown = result.out + result.err
    assert result.code == expected_code, shown
    assert "Traceback" not in shown and "Error:" not in shown, shown
    assert expected_words in shown, shown
    if result.code != 0:
        assert result.err.strip() and result.out == "", shown
    if situation == "missing":  # a mistyped address starts nothing
        assert not log.parent.exists()  # type: ignore[union-attr]
    if situation == "none":
        assert not (tmp_path / "home" / "data" / "Footprint" / "footprint.sqlite3").exists()
    if situation in ("read-only", "read-only-file", "truncated", "foreign"):
        assert log is not None and _sha(log) == before  # not changed by a byte
        assert not any(out.iterdir()), "nothing is written for a log that can't be used"


def _read_only_log(
    prepared: Prepared, runner: Runner, situation: str, request: pytest.FixtureRequest
) -> tuple[Path, Path]:
    """A copy of the log the runner may read but not change (in a folder it can't write,
    or, for "read-only-file", one it can); and a folder it may write the output to."""
    folder = Path(tempfile.mkdtemp(prefix="footprint-ro-log-"))
    request.addfinalizer(lambda: _remove(folder))
    log = prepared.copy("plain", folder)
    out = Path(tempfile.mkdtemp(prefix="footprint-ro-out-"))
    request.addfinalizer(lambda: _remove(out))
    for path in (log, Path(f"{log}.audit-head")):
        os.chmod(path, 0o444)
    if situation == "read-only-file":
        os.chmod(folder, 0o755)
        if runner.user is not None:
            os.chown(folder, runner.user, runner.user)
    else:
        os.chmod(folder, 0o555)
    os.chmod(out, 0o755)
    if runner.user is not None:
        os.chown(out, runner.user, runner.user)
    return log, out


def _remove(folder: Path) -> None:
    os.chmod(folder, 0o755)
    shutil.rmtree(folder, ignore_errors=True)


BACKUP = ("backup", "create", "--user", "aokafor")
# An encrypted log: name, (password given, arguments, exit code, words expected)
ENCRYPTED: dict[str, tuple[str | None, tuple[str, ...], int, str]] = {
    "no-user": (PASSWORD, letter(), 2, "This log is encrypted: give --user"),
    "wrong-password": ("not it at all", report(user="aokafor"), 2, "don't open this log"),
    "unknown-user": (PASSWORD, report(user="nobody"), 2, "don't open this log"),
    "no-terminal": (None, report(user="aokafor"), 2, "no terminal to ask"),
    "report-made": (PASSWORD, report(user="aokafor"), 0, "written to"),
    "letter-made": (PASSWORD, letter(user="aokafor"), 0, "written to"),
    "audit-intact": (PASSWORD, (*AUDIT, "--user", "aokafor"), 0, "The audit trail is intact"),
    "audit-no-user": (PASSWORD, AUDIT, 2, "give --user"),
    "backup-made": (PASSWORD, BACKUP, 0, "Backed up to"),
    "demo": (PASSWORD, ("demo",), 2, "is encrypted"),
    "key-file-missing": (PASSWORD, report(user="aokafor"), 2, "not a Footprint log"),
    "key-file-foreign": (PASSWORD, report(user="aokafor"), 2, "not a Footprint key file"),
}


@pytest.mark.parametrize("name", ENCRYPTED)
def test_an_encrypted_log_answers_in_plain_words(
    name: str, prepared: Prepared, tmp_path: Path
) -> None:
    password, args, expected_code, expected_words = ENCRYPTED[name]
    runner = Runner(
        tmp_path / "home", env={"FOOTPRINT_PASSWORD": password} if password is not None else {}
    )
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "log").mkdir()
    log = prepared.copy("encrypted", tmp_path / "log")
    keys = Path(f"{log}.keys")
    if name == "key-file-missing":
        keys.unlink()
    elif name == "key-file-foreign":
        keys.write_text('{"format": "something else"}')
    before = _sha(log)
    fill = {"ref": prepared.reference, "term": prepared.term, "out": str(out)}
    result = runner(*(a.format(**fill) for a in args), "--database", f"sqlite:///{log}")

    shown = result.out + result.err
    assert result.code == expected_code, shown
    assert "Traceback" not in shown and "Error:" not in shown, shown
    assert expected_words in shown, shown
    if result.code != 0:
        assert result.err.strip() and result.out == "", shown
        assert _sha(log) == before and not any(out.iterdir())
