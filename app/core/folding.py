"""Folding text for search: the same rules for what is stored and what is typed, so
"lukasz" finds "Łukasz" and "zoe" finds "Zoë" on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus a mark.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
    }
)
_TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: "Łukasz Şükrü Zoë" → "lukasz sukru zoe"."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    return "".join(c for c in text if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The folded words (letters and digits) of `text`."""
    return _TOKEN.findall(fold(text))
