"""Text normalisation for forgiving look-ups: accents, case, hyphens, "St"/"Ste"."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
STOPWORDS = frozenset(
    "a au aux avec ce ces d de des du en et j je l la le les me mes mon ma pour par sur un une "
    "dans qui que quoi ou où y il elle nous vous on est suis ai veux voudrais besoin faire "
    "cherche trouver utiliser quelqu quelque chose".split()
)


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", ascii_text).strip()


def normalize_name(text: str) -> str:
    """Fold a place or commune name and expand saint abbreviations."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in fold(text).split())


def stem(word: str) -> str:
    """A light French plural stemmer: enough for 'imprimantes' ~ 'imprimante'."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def keywords(text: str) -> list[str]:
    """Significant stemmed words of a free-text query, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in normalize_name(text).split():
        if word in STOPWORDS:
            continue
        seen.setdefault(stem(word), None)
    return list(seen)
