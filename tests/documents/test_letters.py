"""Letters as a reader sees them: text read back out of the PDF (pypdf)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import cast

from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage

from app.documents.base import Letterhead, escape
from app.documents.letters import LetterContent, LetterDocument

HEAD = Letterhead("Kestrel Vale Primary School", ["Kestrel Way, Elmford EF4 7QX"], "01632 960418")
NAMES = ["Łukasz", "Zoë", "Nguyễn", "Şükrü", "Ольга", "Siobhán O'Neill", "O'Brien & Sons <Ltd>"]
CONTENT = LetterContent(
    letter_date=date(2026, 11, 24),
    reference="SM-2026-0042",
    addressee_name="Mrs A. Byrne",
    address_lines=["12 Oak Road", "Elmford", "EF4 1AB"],
    salutation="Dear Mrs Byrne,",
    subject="Request to remove a social media post",
    paragraphs=[f"A sentence naming {name}." for name in NAMES],
    signatory_name="Ms Harriet Fairbairn",
    signatory_title="Headteacher",
)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_name_prints_as_typed() -> None:
    text = "".join(_pages(LetterDocument(HEAD, CONTENT).render()))
    for name in NAMES:
        assert f"A sentence naming {name}." in text, name
    for field in (
        "Mrs A. Byrne",
        "12 Oak Road",
        "EF4 1AB",
        "24 November 2026",
        "Our reference: SM-2026-0042",
        "Dear Mrs Byrne,",
        "Ms Harriet Fairbairn",
        "Headteacher",
        "Kestrel Vale Primary School",
        "Page 1 of 1",
    ):
        assert field in text, field


def test_markup_in_user_text_is_never_interpreted() -> None:
    assert escape("<b>Bold</b> & 'quoted' \"text\"\nnext") == (
        "&lt;b&gt;Bold&lt;/b&gt; &amp; &#39;quoted&#39; &quot;text&quot;<br/>next"
    )
    hostile = replace(CONTENT, paragraphs=["<font size=40>Big</font> <a href='x'>link</a> &amp;"])
    text = "".join(_pages(LetterDocument(HEAD, hostile).render()))
    assert "<font size=40>Big</font> <a href='x'>link</a> &amp;" in text


def test_a_long_letter_flows_onto_page_two_with_the_footer() -> None:
    long = replace(CONTENT, paragraphs=["word " * 1_000])  # 5,000 characters
    pages = _pages(LetterDocument(HEAD, long).render())
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]
    assert "Our reference SM-2026-0042" in pages[1]
    # Page two carries on: no letterhead, address block or date drawn over the text.
    for first_page_only in ("Kestrel Way", "12 Oak Road", "Our reference:", "24 November 2026"):
        assert first_page_only in pages[0] and first_page_only not in pages[1], first_page_only


def test_a_long_address_keeps_its_postcode_in_the_window() -> None:
    address = [
        "Flat 2B",
        "Old Mill House",
        "12 Long Lane",
        "Little Snoring",
        "Fakenham",
        "Norfolk",
        "NR21 0AA",
    ]
    text = _pages(LetterDocument(HEAD, replace(CONTENT, address_lines=address)).render())[0]
    assert "NR21 0AA" in text and "Fakenham, Norfolk" in text


def test_long_names_shrink_to_fit_and_the_footer_keeps_the_page_number() -> None:
    long_name = "The Very Long Name Church of England Voluntary Aided Primary School " * 3
    head = replace(HEAD, school_name=long_name.strip())
    pdf = LetterDocument(head, CONTENT).render()
    text = _pages(pdf)[0]
    assert "Page 1 of 1" in text
    reader = PdfReader(io.BytesIO(pdf))
    seen: list[float] = []
    reader.pages[0].extract_text(
        visitor_text=lambda t, cm, tm, *_: seen.append(tm[4] + cm[4]) if t.strip() else None
    )
    assert seen and min(seen) > 50  # nothing starts in the left margin or off the page


def test_every_letter_is_marked_confidential_and_its_metadata_names_no_one() -> None:
    named = replace(
        CONTENT, subject="Use of TikTok by Zoë Nguyễn", title="Underage use of a platform"
    )
    pdf = LetterDocument(HEAD, named).render()
    page = _pages(pdf)[0]
    assert page.index("Private and confidential — addressee only") < page.index("Mrs A. Byrne")
    assert "Use of TikTok by Zoë Nguyễn" in page  # the letter itself says who it is about
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    values = " ".join(str(v) for v in meta.values())
    assert "Zoë" not in values and "Nguy" not in values and "Byrne" not in values
    assert meta.title == "Underage use of a platform"


def test_a_reprint_is_identical() -> None:
    assert LetterDocument(HEAD, CONTENT).render() == LetterDocument(HEAD, CONTENT).render()


def test_missing_address_or_a_bad_logo_never_crash() -> None:
    no_address = replace(CONTENT, address_lines=[], delivery_note="By hand")
    page = _pages(LetterDocument(HEAD, no_address).render())[0]
    assert "Mrs A. Byrne\nBy hand" in page and "no postal address" not in page
    broken = replace(HEAD, logo=b"\x89PNG\r\n\x1a\nnot really")
    assert "Page 1 of 1" in _pages(LetterDocument(broken, CONTENT).render())[0]
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, cast(bytes, "PNG"))  # the stubs say bytes; PySide6 takes only str
    with_logo = replace(HEAD, logo=bytes(buffer.data().data()))
    assert "Page 1 of 1" in _pages(LetterDocument(with_logo, CONTENT).render())[0]
