"""A PostgreSQL log on another computer is reached with TLS, or with sslmode=disable said
in so many words; never libpq's silent fallback to plain text (prefer, allow). A server on
this computer (a Unix socket, localhost, 127.x.x.x, ::1) is left as it is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError

from app.core.db import create_db_engine, normalise_url
from app.core.errors import DatabaseError

PASSWORD = "Tr1cky-pa55word"
PG_URL = os.environ.get("FOOTPRINT_TEST_DATABASE_URL", "").strip()


@pytest.fixture(autouse=True)
def _no_libpq_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq reads these when the address leaves them out: none of this PC's own."""
    for name in ("PGHOST", "PGHOSTADDR", "PGSSLMODE"):
        monkeypatch.delenv(name, raising=False)


def refused(url: str) -> str:
    """The message normalise_url refuses `url` with (which must never show the password)."""
    with pytest.raises(DatabaseError) as caught:
        normalise_url(url)
    assert PASSWORD not in caught.value.message
    assert PASSWORD not in str(caught.value)
    return caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://dsl@/footprint",  # no host: libpq's default Unix socket
        "postgresql:///footprint",
        "postgresql://dsl@localhost/footprint",
        "postgresql://dsl@LOCALHOST:5432/footprint",
        "postgresql://dsl@127.0.0.1/footprint",
        "postgresql://dsl@127.0.0.2:5433/footprint",  # all of 127.0.0.0/8
        "postgresql://dsl@127.255.255.254/footprint",
        "postgresql://dsl@[::1]/footprint",
        "postgresql://dsl@[::1]:5432/footprint",
        "postgresql://dsl@[::ffff:127.0.0.1]/footprint",
        "postgresql://dsl@/footprint?host=/var/run/postgresql",
        "postgresql://dsl@/footprint?host=%2Fvar%2Frun%2Fpostgresql&port=5433",
        "postgresql://dsl@/footprint?host=@abstract-socket",
        "postgresql://dsl@localhost,127.0.0.1/footprint",
        "postgresql://dsl@/footprint?host=localhost,::1,/tmp&port=5432,5433,5434",
        "postgresql://dsl@/footprint?host=127.0.0.1:5432&host=localhost:5433",
        "postgresql://dsl@localhost/footprint?hostaddr=127.0.0.1",
        "postgresql+psycopg://footprint@127.0.0.1:54321/postgres",  # what .ci/postgres sets
        f"postgresql://dsl:{PASSWORD}@localhost/footprint?sslmode=prefer",  # local: no matter
        "postgresql://dsl@127.0.0.1/footprint?sslmode=allow",
    ],
)
def test_a_server_on_this_computer_is_left_as_it_is(url: str) -> None:
    parsed = normalise_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert dict(parsed.query) == dict(make_url(url).query)


@pytest.mark.skipif(not PG_URL, reason="no FOOTPRINT_TEST_DATABASE_URL")
def test_the_test_server_address_is_unaffected() -> None:
    assert dict(normalise_url(PG_URL).query) == dict(make_url(PG_URL).query)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://dsl:{PASSWORD}@db.school.local/footprint",
        f"postgres://dsl:{PASSWORD}@db.school.local:5432/footprint",
        "postgresql://dsl@10.0.0.5/footprint",
        "postgresql://dsl@192.168.1.20:5432/footprint",
        "postgresql://dsl@[2001:db8::5]/footprint",
        "postgresql://dsl@128.0.0.1/footprint",  # just outside 127.0.0.0/8
        "postgresql://dsl@localhost.school.local/footprint",
        # Several hosts: every one must be on this computer to count as local.
        "postgresql://dsl@localhost,db.school.local/footprint",
        "postgresql://dsl@/footprint?host=/var/run/postgresql,db.school.local",
        "postgresql://dsl@/footprint?host=127.0.0.1:5432&host=db.school.local:5432",
        # The host parameter is where libpq goes, whatever the address's host says.
        "postgresql://dsl@localhost/footprint?host=db.school.local",
        # hostaddr is the address actually dialled; host then only names the server.
        "postgresql://dsl@localhost/footprint?hostaddr=10.0.0.5",
        "postgresql://dsl@/footprint?host=/var/run/postgresql&hostaddr=10.0.0.5",
    ],
)
def test_a_server_on_the_network_without_sslmode_gets_require(url: str) -> None:
    parsed = normalise_url(url)
    assert parsed.query["sslmode"] == "require"
    assert parsed.password == make_url(url).password  # nothing else changed
    assert parsed.host == make_url(url).host
    for key, value in make_url(url).query.items():
        assert parsed.query[key] == value


def test_require_reaches_psycopg() -> None:
    engine = create_db_engine(f"postgresql://dsl:{PASSWORD}@db.school.local/footprint")
    _args, params = engine.dialect.create_connect_args(engine.url)
    assert params["sslmode"] == "require"
    engine.dispose()


def test_pghost_counts_when_the_address_names_no_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGHOST", "db.school.local")
    assert normalise_url("postgresql://dsl@/footprint").query["sslmode"] == "require"
    monkeypatch.setenv("PGHOST", "/var/run/postgresql")
    assert "sslmode" not in normalise_url("postgresql://dsl@/footprint").query
    monkeypatch.delenv("PGHOST")
    monkeypatch.setenv("PGHOSTADDR", "10.0.0.5")
    assert normalise_url("postgresql://dsl@localhost/footprint").query["sslmode"] == "require"


def test_a_stricter_check_is_never_weakened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "verify-full")
    assert normalise_url("postgresql://dsl@db/footprint").query["sslmode"] == "verify-full"
    monkeypatch.setenv("PGSSLMODE", "prefer")  # the address's require wins over a weak one
    assert normalise_url("postgresql://dsl@db/footprint").query["sslmode"] == "require"
    monkeypatch.setenv("PGSSLMODE", "disable")  # only the address can say disable
    assert normalise_url("postgresql://dsl@db/footprint").query["sslmode"] == "require"
    monkeypatch.delenv("PGSSLMODE")
    # libpq refuses sslrootcert=system with anything weaker than verify-full.
    parsed = normalise_url("postgresql://dsl@db/footprint?sslrootcert=system")
    assert parsed.query["sslmode"] == "verify-full"


@pytest.mark.parametrize("mode", ["require", "verify-ca", "verify-full", "disable"])
def test_an_explicit_sslmode_is_kept(mode: str) -> None:
    url = f"postgresql://dsl:{PASSWORD}@db.school.local/footprint?sslmode={mode}"
    parsed = normalise_url(url)
    assert parsed.query["sslmode"] == mode
    assert parsed.render_as_string(hide_password=False) == (
        url.replace("postgresql://", "postgresql+psycopg://")
    )


def test_prefer_is_refused_in_plain_words() -> None:
    message = refused(f"postgresql://dsl:{PASSWORD}@db.school.local/footprint?sslmode=prefer")
    assert message == (
        "The PostgreSQL server at db.school.local would be reached without encryption if it "
        "doesn't offer TLS (sslmode=prefer). Safeguarding records must not cross the network "
        "in plain text: use sslmode=require (or verify-full), or sslmode=disable only if the "
        "network itself is protected (for example a VPN)."
    )


def test_allow_is_refused_in_plain_words() -> None:
    message = refused(f"postgresql://dsl:{PASSWORD}@10.0.0.5:5432/footprint?sslmode=allow")
    assert message.startswith(
        "The PostgreSQL server at 10.0.0.5 would be reached without encryption unless it "
        "insists on TLS (sslmode=allow)."
    )
    assert "sslmode=require" in message and "sslmode=disable" in message


def test_the_refusal_names_only_the_hosts_on_the_network() -> None:
    message = refused(
        f"postgresql://dsl:{PASSWORD}@/footprint?host=localhost:5432&host=db1:5432"
        "&host=db2:5433&sslmode=prefer"
    )
    assert message.startswith("The PostgreSQL server at db1, db2 would be reached")


@pytest.mark.parametrize("mode", ["on", "true", "Require", "verify_full", "prefer "])
def test_an_unknown_sslmode_is_refused(mode: str) -> None:
    message = refused(f"postgresql://dsl:{PASSWORD}@db.school.local/footprint?sslmode={mode}")
    assert f"“{mode}” isn't a known sslmode" in message
    assert "verify-full" in message


def test_an_empty_sslmode_is_no_sslmode() -> None:
    parsed = normalise_url("postgresql://dsl@db.school.local/footprint?sslmode=")
    assert parsed.query["sslmode"] == "require"


def test_an_unknown_sslmode_is_refused_on_this_computer_too() -> None:
    assert "isn't a known sslmode" in refused(
        f"postgresql://dsl:{PASSWORD}@localhost/footprint?sslmode=yes"
    )


def test_sslmode_given_twice_is_refused() -> None:
    message = refused(
        f"postgresql://dsl:{PASSWORD}@db.school.local/footprint?sslmode=disable&sslmode=require"
    )
    assert "more than once" in message


def test_sqlite_addresses_are_untouched(tmp_path: os.PathLike[str]) -> None:
    url = f"sqlite:///{tmp_path}/footprint.sqlite3?sslmode=prefer"
    assert dict(normalise_url(url).query) == {"sslmode": "prefer"}


@pytest.mark.skipif(not PG_URL, reason="no FOOTPRINT_TEST_DATABASE_URL")
def test_what_psycopg_says_when_the_server_offers_no_tls() -> None:
    """The throwaway test server (.ci/postgres) has no TLS: the words the start-up's
    explanation of a refused connection looks for are the words psycopg uses."""
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    engine = create_engine(url.update_query_dict({"sslmode": "require"}))
    with pytest.raises(OperationalError) as caught, engine.connect():
        pass
    engine.dispose()
    assert "does not support ssl" in str(caught.value.orig).lower()


def test_the_trail_copy_keeps_its_name_when_sslmode_is_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PC's copy of a shared log's trail head is named from the address; adding
    sslmode=require must not orphan it, and a copy named with an explicit sslmode is
    renamed once to the new name."""
    from app.core import db

    monkeypatch.setattr(db, "default_data_dir", lambda: tmp_path)
    given = make_url("postgresql+psycopg://office@db.school.local/footprint")
    assert db.audit_head_path(normalise_url(given)) == db._head_file(given)
    explicit = make_url("postgresql+psycopg://office@db.school.local/footprint?sslmode=verify-full")
    former = db._head_file(explicit)
    former.write_text("{}")
    moved = db.audit_head_path(normalise_url(explicit))
    assert moved == db._head_file(given) and moved.exists() and not former.exists()


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("connection failed: server does not support SSL, but SSL was required", "TLS"),
        ('FATAL: no pg_hba.conf entry for host "10.0.0.9", no encryption', "sslmode=require"),
        ('root certificate file "/root/.postgresql/root.crt" does not exist', "sslrootcert"),
        ("SSL error: certificate verify failed", "can't be trusted"),
        ('weak sslmode "require" may not be used with sslrootcert=system', "verify-full"),
    ],
)
def test_tls_refusals_are_explained(error: str, words: str) -> None:
    from sqlalchemy.exc import OperationalError

    from app.core.startup import explain_operational_error

    said = explain_operational_error(OperationalError("connect", {}, Exception(error)))
    assert words in said and "reach the PostgreSQL server" not in said
