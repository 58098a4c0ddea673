"""Match keys: names folded so that spellings a journalist would type find each other.

Ja'afari, Jaafari, al-Jaafari and JA’AFARI all fold to `jaafari`; الجعفري folds to `جعفري`.
"""

import re
import unicodedata

_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_DROPPED = re.compile(r"[\u0640'’‘ʼʻʿʾ`´\"“”]")
_SEPARATORS = re.compile(r"[\W_]+")
_LATIN_ARTICLES = {"al", "el"}
_ARABIC_ARTICLE = "ال"


def match_key(text: str) -> str:
    """Fold case, diacritics, apostrophes, hyphens and the al-/el-/ال article away."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = _DROPPED.sub("", bare.casefold().translate(_ARABIC_LETTERS))
    tokens = [token for token in _SEPARATORS.split(folded) if token]
    return " ".join(_strip_article(token) for token in tokens if token not in _LATIN_ARTICLES)


def _strip_article(token: str) -> str:
    if token.startswith(_ARABIC_ARTICLE) and len(token) > len(_ARABIC_ARTICLE) + 1:
        return token[len(_ARABIC_ARTICLE) :]
    return token
