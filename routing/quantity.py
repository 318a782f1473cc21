"""Quantities of pieces in free French text: "300 t-shirts", "1 000 flyers", "deux cents mugs", "une centaine de".

A number counts as a quantity only when a noun follows it (or a word such as "série" or "commande" comes before
it), and that noun is not a unit, a date, a duration or people: "30 élèves", "à 20 km", "en 2025", "le 12 juin",
"20 €" and postcodes are not production runs. Vague amounts ("plusieurs centaines") give no number: the thesaurus
recognises them as phrases.
"""

import re
from dataclasses import dataclass

from routing.words import Token

_UNIT_WORDS = """euro eur ttc ht km m cm mm kg g mg l ml cl h heure min minute mn seconde sec jour semaine mois an
    annee fois point pourcent pct go mo ko to mega giga pixel dpi w watt v volt degre page merci numero rue avenue
    bd boulevard chemin route allee place impasse bis ter"""
_PEOPLE_WORDS = """personne gen eleve enfant jeune adulte participant stagiaire salarie employe agent adherent senior
    habitant usager beneficiaire collegue membre client famille classe groupe equipe ado adolescent etudiant
    apprenti patient resident benevole parent"""
_MONTHS = "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
_NOT_COUNTED = frozenset((_UNIT_WORDS + " " + _PEOPLE_WORDS + " " + _MONTHS).split())
# Words that announce a quantity even when no noun follows: "une série de 50".
_CUES = frozenset("serie commande lot quantite tirage volume exemplaire".split())
# Words before a year: "en 2025", "depuis 2019".
_YEAR_CUES = frozenset(
    ("en depuis annee avant apres fin debut ici pour printemps ete automne hiver " + _MONTHS).split()
)
_SKIPPED_BEFORE_NOUN = frozenset(("de", "d"))
_VAGUE = frozenset(("plusieurs", "des", "quelques", "de", "nombreuse", "nombreux"))
_RANGE_GAP = re.compile(r"\s*(?:-|–|à|a|ou|et)\s*", re.IGNORECASE)
_THOUSANDS_GAP = re.compile(r"[ \u00a0\u202f.]")

_UNITS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
}
_APPROXIMATE = {
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "millier": 1000,
}
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_APPROXIMATE) | {"cent", "mille"}


@dataclass(frozen=True)
class Count:
    """A quantity found in the text, with the span of the words that say it."""

    value: int
    start: int
    end: int


def find_counts(text: str, tokens: list[Token]) -> list[Count]:
    counts: list[Count] = []
    i = 0
    while i < len(tokens):
        found = _digits_at(text, tokens, i) or _words_at(tokens, i)
        if found is None:
            i += 1
            continue
        value, last = found
        if _counts_as_quantity(text, tokens, i, last, value):
            counts.append(Count(value, tokens[i].start, tokens[last].end))
        i = last + 1
    return counts


def _digits_at(text: str, tokens: list[Token], i: int) -> tuple[int, int] | None:
    """A number written in digits starting at token i ("300", "1 000", "2.500"): its value and last token."""
    token = tokens[i]
    if not token.is_number or (token.folded.startswith("0") and len(token.folded) > 1):
        return None
    if i > 0 and tokens[i - 1].is_number and text[tokens[i - 1].end : token.start] in (".", ","):
        return None  # the decimals of a number already read
    digits = token.folded
    last = i
    while (
        last + 1 < len(tokens)
        and len(digits) <= 6
        and tokens[last + 1].is_number
        and len(tokens[last + 1].folded) == 3
        and _THOUSANDS_GAP.fullmatch(text[tokens[last].end : tokens[last + 1].start])
        and (last > i or len(token.folded) <= 3)
    ):
        last += 1
        digits += tokens[last].folded
    after = text[tokens[last].end : tokens[last + 1].start] if last + 1 < len(tokens) else ""
    if after in (".", ",") and last + 1 < len(tokens) and tokens[last + 1].is_number:
        return None  # a decimal number is a measure, not a count of pieces
    return int(digits), last


def _number_word(token: Token) -> str:
    # "deux" is no plural of "deu", but "cents" and "centaines" are plurals.
    return token.folded if token.folded in _NUMBER_WORDS else token.normal


def _words_at(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """A number written in French words starting at token i ("deux cents", "une centaine"): value and last token."""
    if _number_word(tokens[i]) not in _NUMBER_WORDS:
        return None
    if i > 0 and tokens[i - 1].folded in _VAGUE and _number_word(tokens[i]) in _APPROXIMATE:
        return None  # "plusieurs centaines": no number to give
    total = current = 0
    last = i
    j = i
    while j < len(tokens):
        word = _number_word(tokens[j])
        if word == "et" and j > i and j + 1 < len(tokens) and _number_word(tokens[j + 1]) in _NUMBER_WORDS:
            j += 1
            continue
        if word not in _NUMBER_WORDS:
            break
        if word == "mille":
            total += (current or 1) * 1000
            current = 0
        elif word == "cent":
            current = (current or 1) * 100
        elif word in _APPROXIMATE:
            current = (current or 1) * _APPROXIMATE[word]
        elif word == "vingt" and j > i and tokens[j - 1].folded == "quatre":
            current += 80 - 4
        else:
            current += _UNITS[word]
        last = j
        j += 1
    value = total + current
    if value < 2:
        return None  # "un", "une": an article far more often than a quantity
    if tokens[i].folded == "neuf" and last == i and i > 0 and not tokens[i - 1].is_function_word:
        return None  # "un ordinateur neuf"
    if tokens[i].folded == "cent" and i > 0 and tokens[i - 1].folded == "pour":
        return None  # "pour cent"
    return value, last


def _counts_as_quantity(text: str, tokens: list[Token], first: int, last: int, value: int) -> bool:
    sentence = tokens[first].sentence
    previous = _previous_word(tokens, first)
    cued = previous is not None and previous.normal in _CUES and previous.sentence == sentence
    if len(tokens[first].folded) == 4 and 1900 <= value <= 2100 and previous is not None:
        if previous.folded in _YEAR_CUES:
            return False
    follower = _follower(text, tokens, last)
    if follower is None or follower.sentence != sentence:
        return cued
    if follower.is_number or follower.is_function_word:
        return cued and not follower.is_number
    if {follower.normal, follower.folded, follower.folded.removesuffix("s")} & _NOT_COUNTED:
        return False
    if len(tokens[first].folded) == 5 and text[follower.start].isupper():
        return False  # a postcode before its commune
    return True


def _previous_word(tokens: list[Token], first: int) -> Token | None:
    j = first - 1
    while j >= 0 and tokens[j].folded in _SKIPPED_BEFORE_NOUN:
        j -= 1
    return tokens[j] if j >= 0 else None


def _follower(text: str, tokens: list[Token], last: int) -> Token | None:
    """The word a number applies to: after a range ("200 à 300") and "de", if only spaces stand between."""
    j = last + 1
    while j < len(tokens):
        gap = text[tokens[j - 1].end : tokens[j].start]
        if tokens[j].is_number and _RANGE_GAP.fullmatch(gap):
            j += 1  # the upper bound of a range: what follows it follows both
            continue
        if tokens[j].normal in ("a", "ou", "et") and j + 1 < len(tokens) and tokens[j + 1].is_number:
            j += 2  # "200 à 300": skip the word and the upper bound
            continue
        if gap.strip() not in ("", "'", "’"):
            return None  # "20 €", "20 %", "14:30", "(300)": a symbol or punctuation ends the phrase
        if tokens[j].folded in _SKIPPED_BEFORE_NOUN:
            j += 1
            continue
        return tokens[j]
    return None
