"""Matching a search against the library's texts: the directory's folding, prefixes and bounded typos.

Pure Python, no Django: every searchable row keeps its title and body as folded, stemmed words
(``folded_words``); a query matches a row when each of its words is found there, exactly, as the start of
a longer word, or within a typo or two on long words. Titles weigh more than bodies, exact more than fuzzy.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from aiguillage.lib.text import keywords
from routing.words import typo_allowance, within_distance

# A query word this long may be the start of a longer word ("secur" finds "securiser").
MIN_PREFIX_LENGTH = 4
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
EXACT, PREFIX, TYPO = 1.0, 0.7, 0.5


def folded_words(text: str) -> str:
    """The text as the search stores it: significant words, folded and stemmed, space-separated."""
    return " ".join(keywords(text))


def query_words(text: str) -> list[str]:
    return keywords(text)


def _word_match(word: str, candidates: Iterable[str]) -> float:
    best = 0.0
    allowance = typo_allowance(len(word))
    for candidate in candidates:
        if candidate == word:
            return EXACT
        if len(word) >= MIN_PREFIX_LENGTH and candidate.startswith(word):
            best = max(best, PREFIX)
        elif allowance and best < TYPO and within_distance(word, candidate, allowance):
            best = TYPO
    return best


@dataclass(frozen=True)
class Scored:
    key: tuple[str, int]
    score: float


def score(words: list[str], title: str, body: str) -> float:
    """How well a row answers the query; 0 when one of the query's words is found nowhere."""
    if not words:
        return 0.0
    title_words = title.split()
    body_words = body.split()
    total = 0.0
    for word in words:
        in_title = _word_match(word, title_words) * TITLE_WEIGHT
        in_body = _word_match(word, body_words) * BODY_WEIGHT
        best = max(in_title, in_body)
        if best == 0:
            return 0.0
        total += best
    return total / len(words)


def rank(words: list[str], rows: Iterable[tuple[tuple[str, int], str, str]]) -> list[Scored]:
    """Rows (key, title, body) that match every word, best first; equal scores keep their given order."""
    found = [Scored(key, value) for key, title, body in rows if (value := score(words, title, body)) > 0]
    return sorted(found, key=lambda item: -item.score)
