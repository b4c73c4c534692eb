"""The CTF writer and the sample school: what is written reads back as the same records."""

from __future__ import annotations

import dataclasses
import io
import time
from datetime import date
from pathlib import Path

import pytest

from app.core.mis_import.ctf import read_ctf
from app.core.mis_import.ctf_write import write_ctf
from app.core.mis_import.records import Position, PupilRecord
from app.core.mis_import.sample import sample_school
from app.core.mis_import.upn import upn_problem

TODAY = date(2026, 9, 4)


def _unplaced(records: list[PupilRecord]) -> list[PupilRecord]:
    return [dataclasses.replace(r, position=Position()) for r in records]


def test_sample_school_shape() -> None:
    pupils, contacts, links = sample_school(300, seed=3)
    assert len(pupils) == 300
    assert all(upn_problem(p.upn or "") is None for p in pupils)
    assert len({p.upn for p in pupils}) == 300
    assert 1.8 <= len(links) / len(pupils) <= 2.4
    # Siblings share parents: fewer people than links.
    assert len(contacts) < len(links)
    assert any(k.parental_responsibility is False for k in links)
    assert {k.priority for k in links} >= {1, 2, 3}
    assert any(p.preferred_given_name for p in pupils)
    assert sample_school(300, seed=3) == (pupils, contacts, links)


@pytest.mark.parametrize(
    ("layout", "sex_tag", "version"), [("bs7666", "Sex", "25.0"), ("lines", "Gender", "19.0")]
)
def test_written_file_reads_back(tmp_path: Path, layout: str, sex_tag: str, version: str) -> None:
    pupils, contacts, links = sample_school(200, seed=2)
    path = tmp_path / "s.xml"
    write_ctf(
        path,
        pupils=pupils,
        contacts=contacts,
        links=links,
        address_layout=layout,
        sex_tag=sex_tag,
        version=version,
    )
    got = read_ctf(path, today=TODAY)
    assert (got.refused, got.warnings, got.schema_version) == ([], [], version)
    assert _unplaced(got.pupils) == pupils
    # The reader's keys have no family number: compare everything else.
    assert len(got.contacts) == len(contacts)
    strip = [dataclasses.replace(c, key="", position=Position()) for c in contacts]
    assert [dataclasses.replace(c, key="", position=Position()) for c in got.contacts] == strip
    new_key = {old.key: new.key for old, new in zip(contacts, got.contacts, strict=True)}
    want = sorted(
        (
            k.pupil_key,
            new_key[k.contact_key],
            k.relationship,
            k.relationship_code,
            k.parental_responsibility,
            k.priority,
        )
        for k in links
    )
    assert (
        sorted(
            (
                k.pupil_key,
                k.contact_key,
                k.relationship,
                k.relationship_code,
                k.parental_responsibility,
                k.priority,
            )
            for k in got.links
        )
        == want
    )


def test_address_as_pupil_is_written_and_read(tmp_path: Path) -> None:
    pupils, contacts, links = sample_school(20, seed=4)
    mum = next(c for c in contacts if c.address == pupils[0].address)
    out = io.StringIO()
    write_ctf(out, pupils=pupils, contacts=contacts, links=links, as_pupil={mum.key})
    assert out.getvalue().count("<AddressAsPupil>true</AddressAsPupil>") == sum(
        1 for k in links if k.contact_key == mum.key
    )
    path = tmp_path / "s.xml"
    path.write_text(out.getvalue(), encoding="utf-8")
    got = read_ctf(path, today=TODAY)
    found = [
        c
        for c in got.contacts
        if c.given_name == mum.given_name and c.family_name == mum.family_name
    ]
    assert [(c.address, c.postcode) for c in found] == [(mum.address, mum.postcode)]


def test_two_thousand_pupils_read_quickly(tmp_path: Path) -> None:
    pupils, contacts, links = sample_school(2000)
    path = tmp_path / "school.xml"
    write_ctf(path, pupils=pupils, contacts=contacts, links=links)
    start = time.perf_counter()
    got = read_ctf(path, today=TODAY)
    seconds = time.perf_counter() - start
    assert (len(got.pupils), len(got.links)) == (2000, len(links))
    assert seconds < 3, seconds
