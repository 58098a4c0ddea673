"""Match keys: names folded so that spellings a journalist would type find each other.

Ja'afari, Jaafari, al-Jaafari and JA’AFARI all fold to `jaafari`; الجعفري folds to `جعفري`.
"""

import re
import unicodedata

# Text is stored without these (app.core.schemas): Unicode's default-ignorable characters of the
# first plane (zero-width spaces, word joiners, the byte-order mark, the soft hyphen, variation
# selectors, fillers) and the bidirectional controls. They change how text looks, never what it
# says, and a hidden one makes a look-alike name (or reverses one on screen). The zero-width
# joiner and non-joiner (U+200C, U+200D) stay: Persian, Kurdish and Urdu need them to shape
# their words. Spelled as a JSON Schema pattern's character class, which documents the rule.
INVISIBLE = (
    "\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b\\u200e\\u200f"
    "\\u202a-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff0-\\ufff8"
)
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def without_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_DROPPED = re.compile(r"[\u0640'’‘ʼʻʿʾ`´\"“”]")
_SEPARATORS = re.compile(r"[\W_]+")
_LATIN_ARTICLES = {"al", "el"}
_ARABIC_ARTICLE = "ال"


def match_key(text: str) -> str:
    """Fold case, diacritics, apostrophes, hyphens and the al-/el-/ال article away, and every
    invisible character: a hidden one must not make a look-alike name, nor split a word."""
    decomposed = unicodedata.normalize("NFKD", without_invisible(text))
    bare = "".join(char for char in decomposed if not _invisible_or_combining(char))
    folded = _DROPPED.sub("", bare.casefold().translate(_ARABIC_LETTERS))
    tokens = [token for token in _SEPARATORS.split(folded) if token]
    return " ".join(_strip_article(token) for token in tokens if token not in _LATIN_ARTICLES)


def _invisible_or_combining(char: str) -> bool:
    """A combining mark, or a formatting character: the joiners, and those beyond the first
    plane (tags, shorthand controls) that stored text may keep."""
    return unicodedata.combining(char) != 0 or unicodedata.category(char) == "Cf"


def _strip_article(token: str) -> str:
    if token.startswith(_ARABIC_ARTICLE) and len(token) > len(_ARABIC_ARTICLE) + 1:
        return token[len(_ARABIC_ARTICLE) :]
    return token


# Transliteration variants collapse to one consonant skeleton: Douma and Duma, Hezbollah and
# Hizballah, Ja'afari and Jafari, Alloush and Aloush.
_DIGRAPHS = (("ph", "f"), ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"),
             ("dh", "d"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"))  # fmt: skip
_VOWELS = frozenset("aeiouyw")
SKELETON_MARK = "~"


def skeleton(key: str) -> str:
    """The consonant skeleton of a folded key, word by word (Arabic words are kept whole)."""
    return " ".join(_skeleton_word(word) for word in key.split())


def _skeleton_word(word: str) -> str:
    if not word.isascii():
        return word
    if len(word) > 2 and word[-1] == "h" and word[-2] in _VOWELS:
        word = word[:-1]  # a silent final h: Hezbollah, Hezbolla; Fatah, Fateh
    for digraph, letter in _DIGRAPHS:
        word = word.replace(digraph, letter)
    head = "a" if word[0] in _VOWELS else word[0]
    letters = [head, *(letter for letter in word[1:] if letter not in _VOWELS)]
    collapsed = [letter for i, letter in enumerate(letters) if i == 0 or letter != letters[i - 1]]
    return "".join(collapsed)


def search_terms(text: str) -> set[str]:
    """The terms a name is found by: every run of its words to the end, folded, and the same
    runs of its skeleton (marked with `~`). A query matches a term it is a prefix of (folded) or
    equal to a whole-word prefix of (skeleton)."""
    key = match_key(text)
    return set(_word_suffixes(key)) | {
        SKELETON_MARK + suffix for suffix in _word_suffixes(skeleton(key))
    }


# Runs of words starting with these find nothing a journalist would look for.
_FUNCTION_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to"})
# Shorter queries are matched exactly: their skeletons would match too much (US and ISIS).
SKELETON_MIN_LETTERS = 4


def _word_suffixes(key: str) -> list[str]:
    words = key.split()
    return [
        " ".join(words[i:]) for i in range(len(words)) if i == 0 or words[i] not in _FUNCTION_WORDS
    ]
