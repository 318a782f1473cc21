"""Words of free French text: tokens that remember where they stand in the original, normal forms, typo distance.

Everything here is about the French people type into a form: accents and case are dropped, plurals and
feminine past participles fold onto one form, and a bounded edit distance forgives typos on long words only,
so that a two-letter word never turns into another one ("ia" is not "la").
"""

import re
from functools import lru_cache
from typing import NamedTuple

from aiguillage.lib.text import fold

_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_BREAK = re.compile(r"[!?;\n]|\.(?:\s|$)")

# Articles, prepositions, pronouns, possessives and auxiliaries: they never justify a category on their own,
# and a typo never turns a word into one of them. "t" is left out on purpose: it is the "t" of "t-shirt".
FUNCTION_WORDS = frozenset(
    """a ai as au aux avec avez avoir avons c ce ces cet cette d dans de des du elle elles en est et etre il ils
    ete j je l la le les leur leurs lui m ma me mes moi mon n ne nos notre nous on ont ou par pour qu que qui s sa se
    ses son sont sur suis ta te tes toi ton tu un une vos votre vous y""".split()
)

# Words shorter than this are only ever matched exactly.
MIN_TYPO_LENGTH = 6
# Words at least this long forgive two typos instead of one.
MIN_DOUBLE_TYPO_LENGTH = 11


class Token(NamedTuple):
    """A word of the original text: its span, its folded (ASCII, lower-case) and normal forms, its sentence."""

    position: int
    start: int
    end: int
    folded: str
    normal: str
    sentence: int
    is_function_word: bool
    is_number: bool


def normal_form(folded: str) -> str:
    """Fold plurals and feminine past participles onto one form: "brodees" and "brode" both give "brode"."""
    if len(folded) >= 4 and folded[-1] in "sx" and not folded[-2].isdigit():
        folded = folded[:-1]
    if len(folded) >= 4 and folded.endswith("ee"):
        folded = folded[:-1]
    return folded


@lru_cache(maxsize=16384)
def _fold_word(word: str) -> tuple[str, str, bool, bool]:
    # fold() turns what it cannot transliterate into spaces; inside one word they are just dropped.
    folded = word.lower() if word.isascii() else fold(word).replace(" ", "")
    return folded, normal_form(folded), folded in FUNCTION_WORDS, folded.isdigit()


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    sentence = 0
    previous_end = 0
    for found in _TOKEN.finditer(text):
        folded, normal, is_function_word, is_number = _fold_word(found.group())
        if not folded:
            continue
        start, end = found.span()
        if tokens and _SENTENCE_BREAK.search(text, previous_end, start):
            sentence += 1
        tokens.append(Token(len(tokens), start, end, folded, normal, sentence, is_function_word, is_number))
        previous_end = end
    return tokens


def typo_allowance(length: int) -> int:
    """How many edits a word of this length forgives."""
    if length < MIN_TYPO_LENGTH:
        return 0
    return 1 if length < MIN_DOUBLE_TYPO_LENGTH else 2


def deletions(word: str, depth: int) -> set[str]:
    """The word and every string made from it by removing up to ``depth`` letters.

    Two words within ``depth`` edits share at least one of these (the principle of a deletion index), which turns
    a fuzzy look-up into a few exact ones; candidates are then checked with ``within_distance``.
    """
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {piece[:i] + piece[i + 1 :] for piece in frontier for i in range(len(piece))}
        found |= frontier
    return found


def within_distance(a: str, b: str, limit: int) -> bool:
    """Whether a and b are at most ``limit`` edits apart (insert, delete, substitute, swap two neighbours)."""
    if abs(len(a) - len(b)) > limit:
        return False
    if a == b:
        return True
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return False
        previous_previous, previous = previous, current
    return previous[len(b)] <= limit
