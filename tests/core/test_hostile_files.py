"""Input that could hurt the machine or the reader is refused plainly: a picture too
large to draw, a file that only starts like a picture, and names built to mislead."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from app.core.db import Database
from app.core.errors import ValidationError
from app.core.files import safe_filename
from app.core.models import User
from app.core.services.evidence import add_evidence_file
from app.core.services.school import check_image
from tests.factories import make_incident


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size (what a decompression bomb looks like up front)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat_data = zlib.compress(b"\x00" * 10)
    idat = b"IDAT" + idat_data
    return (
        b"\x89PNG\r\n\x1a\n"
        + ihdr
        + struct.pack(">I", len(idat_data))
        + idat
        + struct.pack(">I", zlib.crc32(idat))
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def test_a_logo_too_large_to_draw_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(ValidationError, match=r"The logo can.t be used\. That PNG picture is too"):
        check_image("logo", _png_header_only(13_000, 13_000))
    assert check_image("logo", _png(300, 100)) == "image/png"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "isn't one"),
        (_png(40, 40)[:-30], "damaged"),
        (_png_header_only(20_000, 20_000), "too large"),
    ],
    ids=["html-behind-a-png-signature", "cut-off", "bomb"],
)
def test_evidence_that_is_not_what_it_claims_is_refused(
    database: Database, actor: User, content: bytes, said: str
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    with pytest.raises(ValidationError, match=said), database.write(actor) as s:
        add_evidence_file(s, actor, incident.id, "shot.png", content)


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("holiday\u202egnp.exe", ".png", "holiday gnp.png"),
        ("../../etc/passwd", ".png", "_.._etc_passwd.png"),
        ('a<b>:c"d|e?f*.jpg', ".png", "a_b__c_d_e_f_.png"),
        ("Screenshot 2026-11-14 at 09.15.32", ".png", "Screenshot 2026-11-14 at 09.15.32.png"),
        ("\x00\x1b", ".pdf", "SM-2026-0001.pdf"),
    ],
)
def test_a_copy_is_saved_under_a_name_that_tells_the_truth(
    name: str, extension: str, expected: str
) -> None:
    assert safe_filename(name, extension, fallback="SM-2026-0001") == expected
