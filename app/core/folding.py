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


#: A search looks at no more than this much of what was typed or pasted …
SEARCH_TEXT_MAX = 1_000
#: … uses at most this many distinct words of it (the first ones typed) …
SEARCH_WORDS_MAX = 10
#: … and at most this many characters of each word.
SEARCH_WORD_MAX = 64


def search_words(text: str) -> list[str]:
    """The words a search looks for: the distinct folded words of `text` in the order
    typed, at most SEARCH_WORDS_MAX of them from its first SEARCH_TEXT_MAX characters, each
    cut to SEARCH_WORD_MAX characters. Every search word matches the start of a word, so
    the cuts keep a search's meaning (it can only find a little more), and no query, however
    long or odd, is too big for the database (SQLite limits a query's depth and a LIKE
    pattern's length; FTS5 and PostgreSQL's tsquery have limits of their own)."""
    words: list[str] = []
    for word in tokens(text[:SEARCH_TEXT_MAX]):
        word = word[:SEARCH_WORD_MAX]
        if word not in words:
            words.append(word)
            if len(words) == SEARCH_WORDS_MAX:
                break
    return words
