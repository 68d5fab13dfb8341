"""Name normalisation shared by the gazetteer, the actor dictionary and the importers."""

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """Case-folded, accent-free, punctuation-free form: 'Ségou' and 'SEGOU ' give 'segou'."""
    if name.isascii():  # nothing to decompose (most names): three times faster
        return _NON_WORD.sub(" ", name.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def slugify_ascii(name: str) -> str:
    return normalize_name(name).replace(" ", "-")


MAX_ID = 2**63 - 1
"""The largest primary key (a 64-bit signed integer column)."""


def parse_id(value) -> int | None:
    """A record number typed or sent by a user, or None when it is not one: ASCII digits only,
    1 to MAX_ID. (``str.isdigit()`` also accepts '³', which ``int()`` then refuses with an error,
    and '١', which it reads as 1.)"""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
