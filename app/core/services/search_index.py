"""Search-as-you-type over incidents: SQLite FTS5, or a tsvector on PostgreSQL.

Both index the same thing: a "document" per incident of folded tokens (reference,
summary, link, account and the names of everyone involved), written by the services
whenever one of those changes. Folding happens here in Python, identically for the
document and the query, so "lukasz" finds "Łukasz" and "zoe" finds "Zoë" on both
databases without extensions. Each query word matches as a prefix; a query uses at
most its first `SEARCH_WORDS_MAX` distinct words.

How the matches are fetched for a page of the list depends on how many there are
(`SearchPlan`, chosen in `search_plan`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    table,
)
from sqlalchemy.orm import Session

from app.core.folding import fold, search_words, tokens
from app.core.models import Incident, Involvement, Person

__all__ = [
    "SearchPlan",
    "ensure_built",
    "fold",
    "matching_ids",
    "rebuild",
    "refresh",
    "refresh_for_person",
    "tokens",
]

#: The index, outside the models' metadata: alembic's autogenerate leaves it alone.
sqlite_index = table("incident_search", column("rowid", Integer), column("body", Text))
pg_index = table(
    "incident_search",
    column("incident_id", Integer),
    column("body", Text),
    column("document"),
)


class SearchPlan(StrEnum):
    """How a page of matches is fetched, by how many incidents match (SQLite).

    Measured on the 100,000-incident bench log: fetching the matches through the index
    and sorting them costs ~4 µs a match ("s": 150 ms); walking the list's sort index
    from the top keeping the rows whose id is in the match set costs ~0.25 µs a match
    (building the set) plus ~0.2 µs a row walked (200 / share of the log that matches);
    checking each walked row's own document costs ~4 µs a row walked, nothing per match.
    """

    #: Few matches: fetch them all and sort them.
    SORT = "sort"
    #: Many: walk the sort index, keeping ids in the match set.
    WALK = "walk"
    #: Most of the log: walk the sort index, checking each row's document.
    CHECK = "check"


def matching_ids(
    session: Session, query: str, plan: SearchPlan = SearchPlan.SORT
) -> ColumnElement[bool] | None:
    """A condition on Incident.id for incidents whose document matches every word of
    `query` as a prefix; None when the query has no words. Only the query's first few
    distinct words count (see `search_words`), so no query is too big for the index.
    The plan only changes how SQLite finds the same rows (the list's query sorts them)."""
    words = search_words(query)
    if not words:
        return None
    if _dialect(session) == "postgresql":
        tsquery = " & ".join(f"'{w}':*" for w in words)
        ids: Any = select(pg_index.c.incident_id).where(
            pg_index.c.document.op("@@")(func.to_tsquery("simple", tsquery))
        )
        return Incident.id.in_(ids)
    if plan is SearchPlan.CHECK:
        # The document is the folded words joined by single spaces, so "a word starts
        # with w" is " w" occurring in " " + document: what the prefix query matches.
        body = literal(" ") + sqlite_index.c.body
        return exists().where(
            sqlite_index.c.rowid == Incident.id,
            and_(*(func.instr(body, " " + w) > 0 for w in words)),
        )
    ids = select(sqlite_index.c.rowid).where(fts_match(words))
    if plan is SearchPlan.WALK:
        # "+ 0": the id is then no index key, so SQLite walks the ORDER BY's index and
        # looks each id up in the match set, instead of fetching every match to sort.
        return (Incident.id + 0).in_(ids)
    return Incident.id.in_(ids)


def fts_match(words: Sequence[str]) -> ColumnElement[bool]:
    match = " AND ".join(f'"{w}"*' for w in words)
    return column("incident_search").op("MATCH")(match)


def refresh(session: Session, incident_ids: Iterable[int]) -> None:
    """Rewrite the documents of these incidents from what is stored now."""
    ids = sorted(set(incident_ids))
    if not ids:
        return
    session.flush()
    documents = build_documents(session, ids)
    target = pg_index if _dialect(session) == "postgresql" else sqlite_index
    key = target.c.incident_id if target is pg_index else target.c.rowid
    session.execute(delete(target).where(key.in_(ids)))
    rows = [{key.name: i, "body": body} for i, body in documents.items()]
    session.execute(insert(target), rows)


def refresh_for_person(session: Session, person_id: int) -> None:
    """A person's name changed: rewrite every incident they are (or were) on."""
    ids = session.scalars(
        select(Involvement.incident_id).where(Involvement.person_id == person_id)
    ).all()
    reported = session.scalars(select(Incident.id).where(Incident.reported_by_id == person_id))
    refresh(session, [*ids, *reported])


def rebuild(session: Session, batch: int = 2_000) -> int:
    """Rebuild the whole index (after a bulk import); returns how many incidents."""
    all_ids = list(session.scalars(select(Incident.id).order_by(Incident.id)))
    for start in range(0, len(all_ids), batch):
        refresh(session, all_ids[start : start + batch])
    return len(all_ids)


def ensure_built(session: Session) -> int:
    """Build the index if the log holds incidents but the index is empty (a log from
    before search existed, or a bulk import); returns how many were indexed."""
    target = pg_index if _dialect(session) == "postgresql" else sqlite_index
    has_incidents = session.scalars(select(Incident.id).limit(1)).first() is not None
    if not has_incidents or session.execute(select(target.c.body).limit(1)).first():
        return 0
    return rebuild(session)


def build_documents(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The folded search text of each incident."""
    parts: dict[int, list[str]] = {}
    for row in session.execute(
        select(
            Incident.id,
            Incident.reference,
            Incident.summary,
            Incident.url,
            Incident.account_handle,
            Person.given_name,
            Person.family_name,
        )
        .outerjoin(Person, Person.id == Incident.reported_by_id)
        .where(Incident.id.in_(ids))
    ):
        parts[row.id] = [
            row.reference,
            row.summary,
            row.url,
            row.account_handle,
            row.given_name or "",
            row.family_name or "",
        ]
    for incident_id, given, family in session.execute(
        select(Involvement.incident_id, Person.given_name, Person.family_name)
        .join(Person, Person.id == Involvement.person_id)
        .where(Involvement.incident_id.in_(ids), Involvement.withdrawn_at.is_(None))
    ):
        parts[incident_id] += [given, family]
    return {i: " ".join(tokens(" ".join(p))) for i, p in parts.items()}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
