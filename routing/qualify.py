"""Qualification: the need categories that a free French text speaks of, with the words that justify each.

A category carries synonyms (phrases) and stems (word beginnings). How a synonym matches:

- one word ("arnaque"): that word, its plural or feminine, or a typo of it if it is long enough;
- several words ("intelligence artificielle", "scanner 3d"): all of their significant words in one sentence, in
  any order, with at most ``MAX_GAP`` other significant words between them, so that "scanner les pieds de mes
  clients en 3D" is a 3D scan; two words also match written as one ("chatgpt" for "chat gpt") and one synonym
  word written as two ("chat gpt" for "chatgpt");
- one significant word with function words ("en série", "mon fils"): that exact sequence, as "série" alone or
  "fils" alone would say too little;
- a word ending with ``*`` ("imprim* 3d") matches every word that begins with it, as stems do.

A number of pieces at or above the production threshold ("broder 300 t-shirts") adds the categories flagged
``production_run``, with the number as evidence.
"""

import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from routing.quantity import find_counts
from routing.words import FUNCTION_WORDS, Token, deletions, normal_form, tokenize, typo_allowance, within_distance

DEFAULT_THESAURUS = Path(__file__).resolve().parent / "data" / "thesaurus.json"
DEFAULT_PRODUCTION_THRESHOLD = 20
MAX_GAP = 3
MIN_STEM_LENGTH = 4
_CODE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
_PATTERN_WORD = re.compile(r"[^\W_]+\*?")
# Evidence words separated by no more than this many function words read as one piece: "protéger mes données".
_MAX_FUNCTION_WORDS_IN_EVIDENCE = 2
_PUNCTUATION = re.compile(r"[^\w\s'’-]")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    synonyms: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()
    services: frozenset[str] = frozenset()
    equipment: frozenset[str] = frozenset()
    production_run: bool = False


@dataclass(frozen=True)
class Match:
    category: Category
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Qualification:
    matches: tuple[Match, ...]
    quantity: int | None

    @property
    def categories(self) -> tuple[Category, ...]:
        return tuple(match.category for match in self.matches)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(match.category.code for match in self.matches)

    @property
    def is_empty(self) -> bool:
        """Nothing recognised: the request is "à qualifier" by a person."""
        return not self.matches


def category_problems(category: Category) -> tuple[str, ...]:
    """What is wrong with a category, in French, for the form where coordinators edit the thesaurus."""
    problems: list[str] = []
    if not _CODE.fullmatch(category.code):
        problems.append(f"Le code « {category.code} » doit être en minuscules ASCII, chiffres et « _ ».")
    if not category.label.strip():
        problems.append("Le libellé est obligatoire.")
    for stem in category.stems:
        if len(_fold_pattern(stem).rstrip("*")) < MIN_STEM_LENGTH:
            problems.append(f"La racine « {stem} » est trop courte (au moins {MIN_STEM_LENGTH} lettres).")
    for synonym in category.synonyms:
        words = _pattern_words(synonym)
        if not words or all(word in FUNCTION_WORDS for word in words):
            problems.append(f"Le synonyme « {synonym} » ne contient aucun mot significatif.")
        elif any(word.endswith("*") and len(word) - 1 < MIN_STEM_LENGTH for word in words):
            problems.append(f"Le synonyme « {synonym} » a une racine trop courte (au moins {MIN_STEM_LENGTH} lettres).")
    if not category.services and not category.equipment:
        problems.append("Indiquez au moins un service ou un équipement qui répond à ce besoin.")
    return tuple(problems)


def category_from_dict(data: Mapping[str, object]) -> Category:
    """A category from its JSON form; raises ValueError on a malformed entry."""

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"{data.get('code')!r}: {key} must be a list of strings")
        return tuple(value)

    code, label, production_run = data.get("code"), data.get("label"), data.get("production_run", False)
    if not isinstance(code, str) or not isinstance(label, str) or not isinstance(production_run, bool):
        raise ValueError(f"{code!r}: code and label must be strings, production_run a boolean")
    return Category(
        code=code,
        label=label,
        synonyms=strings("synonyms"),
        stems=strings("stems"),
        services=frozenset(strings("services")),
        equipment=frozenset(strings("equipment")),
        production_run=production_run,
    )


def load_thesaurus(path: Path | None = None) -> list[Category]:
    """The categories of a thesaurus file (the seed data by default); raises ValueError if it is not sound."""
    with open(path or DEFAULT_THESAURUS, encoding="utf-8") as handle:
        data = json.load(handle)
    entries = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ValueError("a thesaurus is an object whose 'categories' is a list of objects")
    categories = [category_from_dict(entry) for entry in entries]
    codes = [category.code for category in categories]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"duplicate category codes: {', '.join(duplicates)}")
    for category in categories:
        problems = category_problems(category)
        if problems:
            raise ValueError(f"{category.code}: {' '.join(problems)}")
    return categories


@dataclass(frozen=True, slots=True)
class _Phrase:
    category: int
    words: tuple[int, ...]
    # True: all words, function words included, one after the other. False: the words within a window.
    sequence: bool


# Where a pattern word was found: the first and last token (two tokens when a word was written in two).
_Span = tuple[int, int]


class Thesaurus:
    """Categories compiled once for fast qualification; build it when the categories change, not per request."""

    def __init__(
        self, categories: Iterable[Category], *, production_threshold: int = DEFAULT_PRODUCTION_THRESHOLD
    ) -> None:
        self.categories = tuple(categories)
        self.production_threshold = production_threshold
        self._exact: dict[str, int] = {}
        self._prefixes: dict[str, int] = {}
        self._typo_index: dict[str, list[int]] = {}
        self._word_forms: list[str] = []
        self._phrases: list[_Phrase] = []
        self._known_phrases: set[_Phrase] = set()
        self._phrases_by_word: dict[int, list[int]] = {}
        self._word_cache: dict[str, tuple[int, ...]] = {}
        self._production = tuple(i for i, category in enumerate(self.categories) if category.production_run)
        for index, category in enumerate(self.categories):
            for stem in category.stems:
                prefix = _fold_pattern(stem).rstrip("*")
                if len(prefix) >= MIN_STEM_LENGTH:
                    self._add_phrase(index, (prefix + "*",), sequence=False)
            for synonym in category.synonyms:
                self._compile_synonym(index, _pattern_words(synonym))
        self._prefix_lengths = tuple(sorted({len(prefix) for prefix in self._prefixes}))

    def qualify(self, text: str) -> Qualification:
        tokens = tokenize(text)
        found = self._find_words(tokens)
        evidence: dict[int, list[tuple[int, int]]] = {}
        candidates = sorted({phrase for word in found for phrase in self._phrases_by_word.get(word, ())})
        for phrase_index in candidates:
            phrase = self._phrases[phrase_index]
            if any(word not in found for word in phrase.words):
                continue
            if phrase.sequence:
                groups = _match_sequence(phrase, found, tokens)
            else:
                groups = _match_window(phrase, found, tokens)
            for group in groups:
                evidence.setdefault(phrase.category, []).extend(_evidence_spans(group, tokens, text))

        counts = find_counts(text, tokens)
        quantity = max((count.value for count in counts), default=None)
        for count in counts:
            if count.value >= self.production_threshold:
                for index in self._production:
                    evidence.setdefault(index, []).append((count.start, count.end))

        ranked: list[tuple[int, int, Match]] = []
        for index, spans in evidence.items():
            merged = _merge_overlapping(spans)
            pieces = tuple(dict.fromkeys(text[start:end] for start, end in merged))
            ranked.append((merged[0][0], index, Match(self.categories[index], pieces)))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return Qualification(tuple(match for _, _, match in ranked), quantity)

    # Compiling

    def _compile_synonym(self, category: int, words: tuple[str, ...]) -> None:
        significant = tuple(word for word in words if word not in FUNCTION_WORDS)
        if not significant:
            return
        if len(significant) == 1 and len(words) > 1:
            self._add_phrase(category, words, sequence=True)
            return
        self._add_phrase(category, significant, sequence=False)
        if len(significant) == 2 and not any(word.endswith("*") for word in significant):
            self._add_phrase(category, ("".join(significant),), sequence=False)

    def _add_phrase(self, category: int, words: tuple[str, ...], *, sequence: bool) -> None:
        ids = tuple(self._word_id(word) for word in words)
        phrase = _Phrase(category, ids, sequence)
        if phrase in self._known_phrases:
            return
        self._known_phrases.add(phrase)
        self._phrases.append(phrase)
        for word_id in set(ids):
            self._phrases_by_word.setdefault(word_id, []).append(len(self._phrases) - 1)

    def _word_id(self, word: str) -> int:
        if word.endswith("*"):
            prefix = word[:-1]
            if prefix not in self._prefixes:
                self._prefixes[prefix] = self._new_word("*" + prefix)
            return self._prefixes[prefix]
        form = normal_form(word)
        if form not in self._exact:
            self._exact[form] = word_id = self._new_word(form)
            if word not in FUNCTION_WORDS and form.isalpha() and typo_allowance(len(form)):
                for variant in deletions(form, typo_allowance(len(form))):
                    self._typo_index.setdefault(variant, []).append(word_id)
        return self._exact[form]

    def _new_word(self, form: str) -> int:
        self._word_forms.append(form)
        return len(self._word_forms) - 1

    # Matching

    def _find_words(self, tokens: list[Token]) -> dict[int, list[_Span]]:
        found: dict[int, list[_Span]] = {}
        for token in tokens:
            for word_id in self._words_of(token.folded, token.normal, typos=not token.is_function_word):
                found.setdefault(word_id, []).append((token.position, token.position))
        for first, second in itertools.pairwise(tokens):
            if first.is_function_word or second.is_function_word or first.sentence != second.sentence:
                continue
            # A word cut in two is looked up exactly: typos or stems on top of a cut would find too much
            # ("broder 300" is no word beginning with "brod").
            joined_id = self._exact.get(normal_form(first.folded + second.folded))
            if joined_id is not None:
                found.setdefault(joined_id, []).append((first.position, second.position))
        return found

    def _words_of(self, folded: str, normal: str, *, typos: bool) -> tuple[int, ...]:
        key = f"{int(typos)}{folded}"
        cached = self._word_cache.get(key)
        if cached is not None:
            return cached
        ids: set[int] = set()
        exact = self._exact.get(normal)
        if exact is not None:
            ids.add(exact)
        for length in self._prefix_lengths:
            if length > len(folded):
                break
            prefix_id = self._prefixes.get(folded[:length])
            if prefix_id is not None:
                ids.add(prefix_id)
        allowance = typo_allowance(len(normal))
        if typos and exact is None and allowance and normal.isalpha():
            for variant in deletions(normal, allowance):
                for word_id in self._typo_index.get(variant, ()):
                    form = self._word_forms[word_id]
                    if word_id not in ids and within_distance(
                        normal, form, typo_allowance(min(len(normal), len(form)))
                    ):
                        ids.add(word_id)
        result = tuple(sorted(ids))
        if len(self._word_cache) > 50_000:
            self._word_cache.clear()
        self._word_cache[key] = result
        return result


# A match is a list of groups of token positions: one group per place where the phrase was found.
_Groups = list[list[int]]


def _match_sequence(phrase: _Phrase, found: Mapping[int, list[_Span]], tokens: list[Token]) -> _Groups:
    groups: _Groups = []
    for first, _ in found[phrase.words[0]]:
        needed = [(first + offset, first + offset) for offset in range(len(phrase.words))]
        if needed[-1][0] >= len(tokens) or tokens[needed[-1][0]].sentence != tokens[first].sentence:
            continue
        if all(span in found[word] for word, span in zip(phrase.words, needed, strict=True)):
            groups.append(list(range(first, first + len(phrase.words))))
    return groups


def _match_window(phrase: _Phrase, found: Mapping[int, list[_Span]], tokens: list[Token]) -> _Groups:
    """The tightest choice of one place per word, in one sentence, with few other significant words between."""
    if len(phrase.words) == 1:
        # A single word is evidence wherever it appears.
        return [list(range(first, last + 1)) for first, last in found[phrase.words[0]]]
    options = [found[word][:8] for word in phrase.words]
    best: tuple[int, set[int]] | None = None
    for choice in itertools.product(*options):
        start = min(first for first, _ in choice)
        end = max(last for _, last in choice)
        if tokens[start].sentence != tokens[end].sentence:
            continue
        used = {index for first, last in choice for index in range(first, last + 1)}
        if len(used) != sum(last - first + 1 for first, last in choice):
            continue  # one word of the text cannot stand for two words of the synonym
        between = sum(1 for index in range(start, end + 1) if index not in used and not tokens[index].is_function_word)
        if between <= MAX_GAP and (best is None or end - start < best[0]):
            best = (end - start, used)
    return [sorted(best[1])] if best else []


def _evidence_spans(positions: list[int], tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """Character spans of one match, neighbours joined when only a few function words (and spaces) part them."""
    spans: list[tuple[int, int]] = []
    previous: int | None = None
    for position in sorted(positions):
        if previous is not None and _joinable(previous, position, tokens, text):
            spans[-1] = (spans[-1][0], tokens[position].end)
        else:
            spans.append((tokens[position].start, tokens[position].end))
        previous = position
    return spans


def _joinable(previous: int, position: int, tokens: list[Token], text: str) -> bool:
    between = tokens[previous + 1 : position]
    return (
        len(between) <= _MAX_FUNCTION_WORDS_IN_EVIDENCE
        and all(token.is_function_word for token in between)
        and not _PUNCTUATION.search(text, tokens[previous].end, tokens[position].start)
    )


def _merge_overlapping(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _fold_pattern(word: str) -> str:
    return "".join(_pattern_words(word))


def _pattern_words(phrase: str) -> tuple[str, ...]:
    words: list[str] = []
    for found in _PATTERN_WORD.finditer(phrase):
        piece = found.group()
        star = piece.endswith("*")
        folded = tokenize(piece.rstrip("*"))
        for position, token in enumerate(folded):
            last = position == len(folded) - 1
            words.append(token.folded + ("*" if star and last else ""))
    return tuple(words)


@lru_cache(maxsize=8)
def _compiled(categories: tuple[Category, ...], production_threshold: int) -> Thesaurus:
    return Thesaurus(categories, production_threshold=production_threshold)


def qualify(
    text: str, categories: Sequence[Category], *, production_threshold: int = DEFAULT_PRODUCTION_THRESHOLD
) -> Qualification:
    """Qualify one text; the compiled thesaurus is kept for the next calls with the same categories."""
    return _compiled(tuple(categories), production_threshold).qualify(text)
