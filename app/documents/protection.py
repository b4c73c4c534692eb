"""Password protection of a finished PDF: AES-256 (PDF 2.0's standard security handler,
through pypdf and `cryptography`). The password is used once and kept nowhere."""

from __future__ import annotations

import io

#: Shortest password accepted: the file may travel by email, where anyone holding it can
#: try passwords offline for as long as they like.
MIN_PASSWORD_LENGTH = 10


def protect_pdf(pdf: bytes, password: str) -> bytes:
    """The same document, encrypted with AES-256: it opens only with `password`. The
    document information (title, author) is carried over as reportlab wrote it."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
