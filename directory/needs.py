"""What a free-text need names: the directory's own terms, the need thesaurus, and typos forgiven.

Three readings, in order:

1. the terms' labels and synonyms (``match_need``): "imprimante 3D" is the 3D printer;
2. the readers other apps register (``register_need_reader``): the requests app registers its need
   thesaurus, so that the search understands the everyday words the routing understands ("tablette",
   "Ameli", "scanner un papier") without the directory depending on it;
3. when neither understood anything, each unknown word is replaced by the nearest word of those
   vocabularies within a typo or two ("decoupe lazer" is "découpe laser"), and the need is read again.
"""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from aiguillage.lib.fuzzy import closest
from aiguillage.lib.text import keywords
from directory.models import Term


class NeedReader(Protocol):
    def terms_for(self, text: str) -> Iterable[tuple[str, str]]:
        """(vocabulary, code) of the terms that answer what the text speaks of."""

    def phrases(self) -> Sequence[str]:
        """The phrases it knows, for typo correction."""


_readers: list[NeedReader] = []


def register_need_reader(reader: NeedReader) -> None:
    if reader not in _readers:
        _readers.append(reader)


@dataclass
class Understanding:
    terms: list[Term]
    # Words that no term explained: a search looks for them in the places' names.
    unmatched: list[str]
    # (typed, read as), when typos were forgiven.
    corrections: list[tuple[str, str]] = field(default_factory=list)


def _phrase_keywords(term: Term) -> tuple[frozenset[str], ...]:
    return _phrases(term.label, term.synonyms)


@functools.lru_cache(maxsize=4096)
def _phrases(label: str, synonyms: str) -> tuple[frozenset[str], ...]:
    """The keyword sets of a term's label and synonyms (the same text always gives the same sets)."""
    lines = [label, *(line.strip() for line in synonyms.splitlines())]
    return tuple(frozenset(words) for words in (keywords(line) for line in lines if line) if words)


def match_need(need: str, terms: list[Term]) -> tuple[list[Term], list[str]]:
    """Terms a free-text need names, and the words no term explained.

    A term matches when every significant word of its label or of one of its
    synonyms is in the need ("imprimante 3D" finds the 3D printer), or when
    the whole need is the start of one of them ("imprimante").
    """
    words = keywords(need)
    if not words:
        return [], []
    wanted = set(words)
    full: list[Term] = []
    partial: list[Term] = []
    explained: set[str] = set()
    for term in terms:
        phrases = _phrase_keywords(term)
        covering = [phrase for phrase in phrases if phrase <= wanted]
        if covering:
            full.append(term)
            for phrase in covering:
                explained |= phrase
        elif any(wanted <= phrase for phrase in phrases):
            partial.append(term)
    if full:
        return full, [word for word in words if word not in explained]
    return partial, [] if partial else words


def _read(need: str, terms: list[Term]) -> tuple[list[Term], list[str]]:
    matched, unmatched = match_need(need, terms)
    by_code = {(term.vocabulary, term.code): term for term in terms}
    found = {term.pk for term in matched}
    from_readers = False
    for reader in _readers:
        for key in reader.terms_for(need):
            term = by_code.get(key)
            if term is not None:
                from_readers = True
                if term.pk not in found:
                    found.add(term.pk)
                    matched.append(term)
    # What the thesaurus understood is not searched for in the places' names as well.
    return matched, [] if from_readers else unmatched


@functools.lru_cache(maxsize=64)
def _vocabulary(lines: tuple[str, ...]) -> tuple[str, ...]:
    """Every keyword of these phrases, once, in order."""
    return tuple(dict.fromkeys(word for line in lines for word in keywords(line)))


def _known_words(terms: list[Term]) -> tuple[str, ...]:
    lines = [line for term in terms for line in (term.label, *term.synonyms.splitlines()) if line.strip()]
    for reader in _readers:
        lines.extend(reader.phrases())
    return _vocabulary(tuple(lines))


def understand(need: str, terms: list[Term]) -> Understanding:
    matched, unmatched = _read(need, terms)
    if matched or not unmatched:
        return Understanding(matched, unmatched)
    vocabulary = _known_words(terms)
    known = set(vocabulary)
    corrections = []
    words = []
    for word in keywords(need):
        nearest = None if word in known or word.isdigit() else closest(word, vocabulary)
        if nearest is not None and nearest != word:
            corrections.append((word, nearest))
        words.append(nearest or word)
    if not corrections:
        return Understanding(matched, unmatched)
    corrected, left = _read(" ".join(words), terms)
    if not corrected:
        return Understanding(matched, unmatched)
    return Understanding(corrected, left, corrections)
