"""Pictures checked before anything decodes them: the size in pixels is read from the
file's header (a 13,000 × 13,000 logo would cost gigabytes to draw on every letter), and
the whole file must parse as the kind its first bytes claim (a PNG signature followed by
a web page is refused, not kept to be shown)."""

from __future__ import annotations

import io
import warnings

from PIL import Image

#: Evidence: a full-page phone screenshot is about 4 million pixels; a photo 12 to 50.
MAX_EVIDENCE_PIXELS = 60_000_000
#: A logo or signature on a letter: a few hundred pixels wide is plenty.
MAX_LETTER_PICTURE_PIXELS = 16_000_000

_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


class PictureRefused(ValueError):
    """Why a picture can't be kept, in a sentence (`str(exc)`)."""


def check_picture(content: bytes, media_type: str, *, max_pixels: int) -> tuple[int, int]:
    """(width, height) of a picture that is what it claims and small enough to draw;
    PictureRefused with the reason otherwise. Nothing is decoded before the size is known."""
    kind = media_type.split("/")[1].upper()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as header:
                width, height = header.size
                found = header.format
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PictureRefused(_too_big(kind, None, max_pixels)) from None
        except Exception:
            raise PictureRefused(
                f"That file starts like a {kind} picture but isn't one: it may be damaged or "
                "disguised, so it can't be kept."
            ) from None
        if found != _FORMATS.get(media_type):
            raise PictureRefused(f"That file starts like a {kind} picture but isn't one.")
        if width * height > max_pixels:
            raise PictureRefused(_too_big(kind, (width, height), max_pixels))
        try:
            with Image.open(io.BytesIO(content)) as whole:
                whole.verify()  # reads it all through: cut-off or doctored files fail
        except Exception:
            raise PictureRefused(
                f"That {kind} picture is damaged or has something else inside it, so it "
                "can't be kept. Take the screenshot again, or save a fresh copy."
            ) from None
    return width, height


def _too_big(kind: str, size: tuple[int, int] | None, max_pixels: int) -> str:
    shown = f" ({size[0]:,} × {size[1]:,} pixels)" if size else ""
    return (
        f"That {kind} picture is too large{shown}: at most {max_pixels / 1_000_000:.0f} "
        "million pixels can be kept. Save a smaller copy."
    )
