"""Highlighted passages for full-text hits, the same on every engine."""

import html
import re

from app.core.dialect import matching_words
from app.core.names import match_key

SNIPPET_WORDS = 30
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def snippet(query_text: str, *texts: str | None) -> str | None:
    """The passage of the first text that matches the query, its matches in `<mark>`."""
    words = matching_words(query_text)
    for text in texts:
        spans = [m for m in _WORD.finditer(text or "") if _matches(m.group(), words)]
        if spans:
            return _passage(text or "", spans)
    return None


def _matches(word: str, query_words: list[str]) -> bool:
    return any(
        part.startswith(query_words_)
        for part in match_key(word).split()
        for query_words_ in query_words
    )


def _passage(text: str, spans: list[re.Match[str]]) -> str:
    every_word = list(_WORD.finditer(text))
    first = next(i for i, w in enumerate(every_word) if w.start() == spans[0].start())
    start_word = max(first - SNIPPET_WORDS // 3, 0)
    end_word = min(start_word + SNIPPET_WORDS, len(every_word)) - 1
    start = every_word[start_word].start() if start_word else 0
    end = every_word[end_word].end() if end_word < len(every_word) - 1 else len(text)
    marked, cursor = [], start
    for span in spans:
        if start <= span.start() and span.end() <= end:
            marked += [
                html.escape(text[cursor : span.start()]),
                f"<mark>{html.escape(span.group())}</mark>",
            ]
            cursor = span.end()
    marked.append(html.escape(text[cursor:end]))
    return ("…" if start else "") + "".join(marked) + ("…" if end < len(text) else "")
