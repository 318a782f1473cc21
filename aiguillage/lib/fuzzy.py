"""Typo tolerance against a known list of words or names: the edit distance of rapidfuzz.

The distance counts insertions, deletions, substitutions and the swap of two neighbours ("lusy" is one
edit from "luzy", "lazer" from "laser"). Short words forgive nothing: "ia" must not become "la".
"""

from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

# Words shorter than this are matched exactly; from DOUBLE_TYPO_LENGTH on, two edits are forgiven.
MIN_TYPO_LENGTH = 4
DOUBLE_TYPO_LENGTH = 8


def typo_allowance(length: int) -> int:
    """How many edits a word (or a name) of this length forgives."""
    if length < MIN_TYPO_LENGTH:
        return 0
    return 1 if length < DOUBLE_TYPO_LENGTH else 2


def near_matches(text: str, choices: Sequence[str], *, limit: int = 10) -> list[tuple[int, int]]:
    """``(index in choices, distance)`` of the choices within the allowance of ``text``, nearest first.

    Ties keep the order of ``choices``: callers list their preferred candidates first.
    """
    allowance = typo_allowance(len(text))
    if not allowance or not choices:
        return []
    found = process.extract(text, choices, scorer=OSA.distance, score_cutoff=allowance, limit=None)
    ranked = sorted((int(distance), int(index)) for _, distance, index in found)
    return [(index, distance) for distance, index in ranked[:limit]]


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The nearest choice within the allowance of ``word`` (the first listed among equals), or None."""
    found = near_matches(word, choices, limit=1)
    return choices[found[0][0]] if found else None
