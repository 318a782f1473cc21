"""Our vocabulary codes and the values of the national standard (Schéma des lieux de médiation numérique).

Each Term may carry the exact value of the standard and its column
(`national_value`, `national_field`). Reading forgives case, accents,
punctuation and the long forms of the standard's descriptions, so that its
known inconsistencies read as the values they mean: 'Étapes numériques(La
Poste)' with or without a space, 'Comprehension du monde numérique' without
its accent, 'Dans un atelier collectif : j'apprends…' or 'À distance (par
téléphone…)'. The values of the 0.1 version of the standard (2022) are read
through a table of our own (LEGACY_VALUES).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from aiguillage.lib.text import fold
from directory.importers.national import national_export
from directory.models import Term

# Enumerated column of the standard -> (PlaceData attribute, our vocabulary).
COLUMN_FIELDS: dict[str, tuple[str, str]] = {
    "typologie": ("typologies", "typology"),
    "services": ("services", "service"),
    "publics_specifiquement_adresses": ("publics", "public"),
    "prise_en_charge_specifique": ("accessibility", "accessibility"),
    "frais_a_charge": ("fees", "fee"),
    "dispositif_programmes_nationaux": ("labels", "label"),
    "formations_labels": ("labels", "label"),
    "modalites_acces": ("access_modes", "access_mode"),
    "modalites_accompagnement": ("support_modes", "support_mode"),
}

# Values of the 0.1 standard (and a few spellings seen in real files), folded -> (attribute, our code) pairs.
# An empty tuple: a known value with no equivalent, dropped without a warning.
LEGACY_VALUES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "services": {
        "devenir autonome dans les demarches administratives": (("services", "admin_procedures"),),
        "realiser des demarches administratives avec un accompagnement": (("services", "admin_procedures"),),
        "accompagner les demarches de sante": (("services", "admin_procedures"),),
        "prendre en main un smartphone ou une tablette": (("services", "everyday_digital"),),
        "prendre en main un ordinateur": (("services", "everyday_digital"),),
        "utiliser le numerique au quotidien": (("services", "everyday_digital"),),
        "favoriser mon insertion professionnelle": (("services", "job_insertion"),),
        "creer et developper mon entreprise": (("services", "job_insertion"),),
        "soutenir la parentalite et l education avec le numerique": (("services", "digital_parenting"),),
        "creer avec le numerique": (("services", "digital_leisure"),),
        "approfondir ma culture numerique": (("services", "digital_understanding"),),
        "promouvoir la citoyennete numerique": (("services", "digital_understanding"),),
        "acceder a une connexion internet": (("services", "internet_access"),),
        "acceder a du materiel": (("services", "internet_access"),),
        "s equiper en materiel informatique": (("services", "affordable_equipment"),),
    },
    "publics_accueillis": {
        "seniors 65 ans": (("publics", "seniors"),),
        "familles enfants": (("publics", "families"),),
        "adultes": (),
        "jeunes 16 26 ans": (("publics", "youth"),),
        "public langues etrangeres": (
            ("accessibility", "foreign_language_english"),
            ("accessibility", "foreign_language_other"),
        ),
        "deficience visuelle": (("accessibility", "visual_impairment"),),
        "surdite": (("accessibility", "deaf"),),
        "handicaps psychiques": (("accessibility", "mental_disability"),),
        "handicaps mentaux": (("accessibility", "mental_disability"),),
        "uniquement femmes": (("publics", "women"),),
        "personnes en situation d illettrisme": (("accessibility", "illiteracy"),),
    },
    "conditions_acces": {
        "gratuit": (("fees", "free"),),
        "gratuit sous condition": (("fees", "free_conditional"),),
        "payant": (("fees", "paid"),),
        # The Pass numérique is the APTIC cheque.
        "accepte le pass numerique": (("labels", "aptic"),),
        "adhesion": (("fees", "paid"),),
    },
    "labels_nationaux": {
        "france services": (("labels", "france_services"),),
        "cnfs": (("labels", "conseillers_numeriques"),),
        "aptic": (("labels", "aptic"),),
        "aidants connect": (("labels", "aidants_connect"),),
        "fabriques de territoire": (("labels", "fabriques_de_territoire"),),
        "grandes ecoles du numerique": (("labels", "grande_ecole_du_numerique"),),
        "point relais caf": (("labels", "point_d_acces_numerique_caf"),),
        "point numerique caf": (("labels", "point_d_acces_numerique_caf"),),
        "relais pole emploi": (),
        "french tech": (),
        "campus connecte": (),
    },
    "modalites_accompagnement": {
        "seul": (("support_modes", "autonomous"),),
        "avec de l aide": (("support_modes", "individual"),),
        "dans un atelier": (("support_modes", "group"),),
        "a ma place": (("support_modes", "individual"),),
    },
}
LABEL_COLUMNS = ("dispositif_programmes_nationaux", "formations_labels")
_TRAILING_BRACKETS = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class TermRow:
    vocabulary: str
    code: str
    label: str
    national_value: str = ""
    national_field: str = ""
    position: int = 100


class TermIndex:
    """Our Terms, looked up by code, by national value and by label."""

    def __init__(self, rows: Iterable[TermRow]) -> None:
        self.rows: dict[tuple[str, str], TermRow] = {}
        self._by_national: dict[tuple[str, str], str] = {}
        self._by_label: dict[tuple[str, str], str] = {}
        for row in rows:
            self.rows[(row.vocabulary, row.code)] = row
            self._by_label.setdefault((row.vocabulary, fold(row.label)), row.code)
            if self.national(row.vocabulary, row.code):
                self._by_national.setdefault((row.national_field, fold(row.national_value)), row.code)

    @classmethod
    def from_database(cls) -> "TermIndex":
        return cls(
            TermRow(*values)
            for values in Term.objects.values_list(
                "vocabulary", "code", "label", "national_value", "national_field", "position"
            )
        )

    def national(self, vocabulary: str, code: str) -> tuple[str, str] | None:
        """(column, value) of the standard for one of our codes, None when the standard has no such value."""
        row = self.rows.get((vocabulary, code))
        if row is None or not row.national_value:
            return None
        expected = COLUMN_FIELDS.get(row.national_field)
        if expected is None or expected[1] != vocabulary:
            return None
        return row.national_field, row.national_value

    def written(self, vocabulary: str, code: str) -> tuple[str, str] | None:
        """(column, value) the national export writes for one of our codes; None when it writes nothing.

        The standard's value, unless directory/data/national-export.json moves it (a spelling the national
        library reads) or withholds it (a value the library refuses).
        """
        found = self.national(vocabulary, code)
        return None if found is None else national_export().written_as(*found)

    def label(self, vocabulary: str, code: str) -> str:
        row = self.rows.get((vocabulary, code))
        return row.label if row else code

    def ordered(self, vocabulary: str, codes: Iterable[str]) -> list[str]:
        """Codes in the vocabulary's own order (the standard's order for national values)."""

        def position(code: str) -> tuple[int, str]:
            row = self.rows.get((vocabulary, code))
            return (row.position if row else 10_000, code)

        return sorted(set(codes), key=position)

    def from_national(self, column: str, value: str) -> tuple[tuple[str, str], ...] | None:
        """(attribute, code) pairs a value of the standard stands for; None when unknown."""
        attribute = COLUMN_FIELDS[column][0] if column in COLUMN_FIELDS else ""
        # A label may come in either of the two label columns.
        columns = LABEL_COLUMNS if column in LABEL_COLUMNS else (column,)
        for candidate in _spellings(value):
            for searched in columns if attribute else ():
                code = self._by_national.get((searched, candidate))
                if code is not None:
                    return ((attribute, code),)
            legacy = LEGACY_VALUES.get(column, {})
            if candidate in legacy:
                return legacy[candidate]
        return None

    def from_label(self, vocabulary: str, label: str) -> str | None:
        return self._by_label.get((vocabulary, fold(label)))


def _spellings(value: str) -> list[str]:
    """The folded forms a value may match: whole, before ' : ', without a trailing '(…)'."""
    forms = [fold(value)]
    head = value.split(" : ")[0].split(" :")[0]
    forms.append(fold(head))
    forms.append(fold(_TRAILING_BRACKETS.sub("", head)))
    return list(dict.fromkeys(form for form in forms if form))
