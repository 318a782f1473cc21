"""MedNum BFC codes (code_typo, code_label, code_accomp) to our vocabulary codes.

Two layers, kept apart so that each can be read on its own:

1. The ANCT crosswalk (data/standards/mednum-bfc/mednum-bfc-codes-to-mednum-v1.json):
   "if any of these codes appears in these columns, add this national value".
   Its caveat says some rules test a code in a column where it never occurs
   (typology codes F and TL tested in code_accomp). We test each code in the
   column(s) whose code list defines it, among the columns the rule names or,
   when none of those defines it, in the column that does. National values are
   then turned into our Term codes through the shipped vocabularies.
2. Our own reading, for codes the crosswalk leaves aside (MFS, APTIC, CTL,
   the F label carried by fablabs, TL and O typologies) and for words of the
   place's name ("Médiathèque", "Mission locale"…) that say its typology.

Pure: reads two JSON files, no database.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from aiguillage.lib.text import fold

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CROSSWALK_FILE = BASE_DIR / "data" / "standards" / "mednum-bfc" / "mednum-bfc-codes-to-mednum-v1.json"
VOCABULARIES_FILE = BASE_DIR / "directory" / "data" / "vocabularies.json"

CODE_COLUMNS = ("code_typo", "code_label", "code_accomp")
# National field of the crosswalk -> our vocabulary.
TARGET_VOCABULARIES = {
    "typologie": "typology",
    "formations_labels": "label",
    "autres_formations_labels": "label",
    "modalites_accompagnement": "support_mode",
    "services": "service",
}
# Our vocabulary -> attribute of the result.
RESULT_FIELDS = {"typology": "typologies", "label": "labels", "support_mode": "support_modes", "service": "services"}

# Layer 2: (column, code) -> [(vocabulary, our code)].
OWN_CODE_RULES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("code_label", "MFS"): (("typology", "RFS"), ("label", "france_services")),
    ("code_label", "APTIC"): (("label", "aptic"),),
    ("code_label", "CTL"): (("label", "regional_tiers_lieux_charter"),),
    # Undocumented, but carried only by fablabs in the file.
    ("code_label", "F"): (("typology", "FABLAB"),),
    ("code_typo", "TL"): (("typology", "TIERS_LIEUX"),),
    ("code_typo", "O"): (("service", "training"),),
}
# Layer 2: words of the name (folded) -> typology code.
NAME_TYPOLOGIES: tuple[tuple[str, str], ...] = (
    ("mediatheque", "BIB"),
    ("bibliotheque", "BIB"),
    ("mission locale", "ML"),
    ("milo", "ML"),
    ("cyber base", "CYBER_BASE"),
    ("fablab", "FABLAB"),
    ("fab lab", "FABLAB"),
    ("pole emploi", "FT"),
    ("france travail", "FT"),
    ("centre social", "CS"),
    ("socioculturel", "CSC"),
    ("socio culturel", "CSC"),
    ("caf", "CAF"),
    ("cpam", "CPAM"),
    ("ccas", "CCAS"),
    ("finances publiques", "CFP"),
    ("prefecture", "PREF"),
    ("sous prefecture", "PREF"),
    ("mairie", "MUNI"),
    ("conseil departemental", "CD"),
    ("e2c", "E2C"),
    ("greta", "OF"),
    ("tiers lieu", "TIERS_LIEUX"),
    ("association", "ASSO"),
    ("msap", "MSAP"),
    ("mfs", "RFS"),
    ("france services", "RFS"),
    ("information jeunesse", "PIJ_BIJ"),
    ("associations familiales", "UDAF"),
)


@dataclass
class Translation:
    typologies: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    support_modes: set[str] = field(default_factory=set)
    # French messages about codes we could not use.
    problems: list[str] = field(default_factory=list)

    def add(self, vocabulary: str, code: str) -> None:
        getattr(self, RESULT_FIELDS[vocabulary]).add(code)


@dataclass(frozen=True)
class Rule:
    columns: tuple[str, ...]
    codes: tuple[str, ...]
    vocabulary: str
    target: str  # our Term code, or "" when no Term carries the national value
    national_value: str


@dataclass(frozen=True)
class Crosswalk:
    rules: tuple[Rule, ...]
    definitions: dict[str, dict[str, str]]

    def translate(self, codes: dict[str, str], name: str = "") -> Translation:
        """Our codes for a row's code columns (values like "MSAP-NMM-MFS") and its name."""
        found = {column: split_codes(codes.get(column, "")) for column in CODE_COLUMNS}
        result = Translation()
        used: set[tuple[str, str]] = set()
        for rule in self.rules:
            for code in rule.codes:
                for column in self._columns_for(code, rule.columns):
                    if code in found[column]:
                        used.add((column, code))
                        if rule.target:
                            result.add(rule.vocabulary, rule.target)
                        else:
                            message = f"{column} « {code} » ({rule.national_value}) : aucun terme de notre vocabulaire"
                            result.problems.append(message + ", ignoré")
        for column, column_codes in found.items():
            for code in column_codes:
                for vocabulary, target in OWN_CODE_RULES.get((column, code), ()):
                    used.add((column, code))
                    result.add(vocabulary, target)
        padded_name = f" {fold(name)} "
        for phrase, typology in NAME_TYPOLOGIES:
            if f" {phrase} " in padded_name:
                result.typologies.add(typology)
        for column, column_codes in found.items():
            for code in column_codes:
                if (column, code) in used:
                    continue
                meaning = self.definitions.get(column, {}).get(code)
                if meaning is None or meaning.startswith("(undocumented"):
                    result.problems.append(f"{column} « {code} » : code non documenté, ignoré")
                elif not _informs_nothing(column, code):
                    result.problems.append(f"{column} « {code} » ({meaning}) : sans correspondance, ignoré")
        return result

    def _columns_for(self, code: str, columns: tuple[str, ...]) -> tuple[str, ...]:
        defined_in = tuple(c for c in columns if code in self.definitions.get(c, {}))
        if defined_in:
            return defined_in
        return tuple(c for c in ("code_typo", "code_accomp") if code in self.definitions.get(c, {}))


def _informs_nothing(column: str, code: str) -> bool:
    # "Lieux de médiation publique" is a family of places, not a typology of the national list.
    return (column, code) == ("code_typo", "M")


def split_codes(value: str) -> frozenset[str]:
    """ "MSAP-NMM-MFS" -> {"MSAP", "NMM", "MFS"}; case and spaces forgiven."""
    return frozenset(part.strip().upper() for part in value.replace(",", "-").split("-") if part.strip())


def _term_codes_by_value(vocabularies: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, str], str]:
    """(vocabulary, folded national value or label) -> our code."""
    index: dict[tuple[str, str], str] = {}
    for vocabulary, entries in vocabularies.items():
        for entry in entries:
            for value in (entry["label"], entry["national_value"]):
                if value:
                    index.setdefault((vocabulary, fold(value)), entry["code"])
    return index


def build_crosswalk(crosswalk: dict[str, Any], vocabularies: dict[str, list[dict[str, Any]]]) -> Crosswalk:
    by_value = _term_codes_by_value(vocabularies)
    rules: list[Rule] = []
    for national_field, vocabulary in TARGET_VOCABULARIES.items():
        for entry in crosswalk["rules"].get(national_field, []):
            target = by_value.get((vocabulary, fold(entry["cible"])), "")
            rules.append(
                Rule(
                    columns=tuple(entry["colonnes"]),
                    codes=tuple(code.upper() for code in entry["termes"]),
                    vocabulary=vocabulary,
                    target=target,
                    national_value=entry["cible"],
                )
            )
    return Crosswalk(rules=tuple(rules), definitions=crosswalk["code_definitions"])


@cache
def default_crosswalk() -> Crosswalk:
    crosswalk = json.loads(CROSSWALK_FILE.read_text(encoding="utf-8"))
    vocabularies = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))["vocabularies"]
    return build_crosswalk(crosswalk, vocabularies)
