"""Name normalisation shared by the gazetteer, the actor dictionary and the importers."""

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """Case-folded, accent-free, punctuation-free form: 'Ségou' and 'SEGOU ' give 'segou'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def slugify_ascii(name: str) -> str:
    return normalize_name(name).replace(" ", "-")
