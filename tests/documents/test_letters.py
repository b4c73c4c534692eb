"""Letters as a reader sees them: text read back out of the PDF (pypdf)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

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


def test_a_reprint_is_identical() -> None:
    assert LetterDocument(HEAD, CONTENT).render() == LetterDocument(HEAD, CONTENT).render()


def test_missing_address_or_a_bad_logo_never_crash() -> None:
    no_address = replace(CONTENT, address_lines=[])
    assert "(no postal address on record)" in _pages(LetterDocument(HEAD, no_address).render())[0]
    broken = replace(HEAD, logo=b"\x89PNG\r\n\x1a\nnot really")
    assert "Page 1 of 1" in _pages(LetterDocument(broken, CONTENT).render())[0]
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    with_logo = replace(HEAD, logo=bytes(buffer.data()))
    assert "Page 1 of 1" in _pages(LetterDocument(with_logo, CONTENT).render())[0]
