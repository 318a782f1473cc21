"""The places as data·inclusion v1 structures and services (schéma de l'offre d'insertion, JSON).

One structure per place not closed for good, one service per service the
place offers (the national services and our innovation services); machines
are described in the services, not made services of their own. Identifiers
are `<source>--<source_id>` for a structure and `<structure id>--<service
code>` for a service.

Values go through the ANCT crosswalk from the national standard to
data·inclusion (data/standards/mednum-v1-to-data-inclusion-v0.json), whose
targets are data·inclusion v0 values; the tables below carry them to v1,
which reworked thematiques, frais, publics and modes. Our own codes that the
standard lacks (innovation services, typologies) have tables of their own.
The data-inclusion-schema package's models validate the output in the tests.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from aiguillage.lib.text import fold
from directory.importers.mednum import to_e164
from directory.importers.mednum_terms import TermIndex
from directory.importers.publishing import Facts, licences_and_credits, public_id, published
from directory.importers.records import PlaceData
from directory.models import PlaceStatus

CROSSWALK_FILE = (
    Path(__file__).resolve().parent.parent.parent / "data" / "standards" / "mednum-v1-to-data-inclusion-v0.json"
)
BASICS = "numerique--maitriser-les-fondamentaux-du-numerique"
ONLINE = "numerique--acceder-a-des-services-en-ligne"
CONNECTION = "numerique--acceder-a-une-connexion-internet"

V0_THEMATIQUES: dict[str, tuple[str, ...]] = {
    "numerique": (),
    "numerique--s-equiper-en-materiel-informatique": ("numerique--acquerir-un-equipement",),
    "numerique--realiser-des-demarches-administratives-avec-un-accompagnement": (
        ONLINE,
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    ),
    "numerique--devenir-autonome-dans-les-demarches-administratives": (ONLINE,),
    "numerique--accompagner-les-demarches-de-sante": (ONLINE, "sante--acces-aux-soins"),
    "numerique--prendre-en-main-un-smartphone-ou-une-tablette": (BASICS,),
    "numerique--prendre-en-main-un-ordinateur": (BASICS,),
    "numerique--utiliser-le-numerique-au-quotidien": (BASICS,),
    "numerique--favoriser-mon-insertion-professionnelle": (
        BASICS,
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
    ),
    "numerique--creer-et-developper-mon-entreprise": ("creer-une-entreprise--developper-son-entreprise",),
    "numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique": (
        "famille--soutien-a-la-parentalite-et-a-leducation",
    ),
    "numerique--creer-avec-le-numerique": (BASICS,),
    "numerique--approfondir-ma-culture-numerique": (BASICS,),
    "numerique--promouvoir-la-citoyennete-numerique": (BASICS,),
    "numerique--acceder-a-une-connexion-internet": (CONNECTION,),
    "numerique--acceder-a-du-materiel": (CONNECTION,),
}
V0_SERVICE_TYPES = {"accompagnement": "accompagnement", "atelier": "atelier", "autonomie": None}
V0_FRAIS = {"gratuit": "gratuit", "gratuit-sous-conditions": "gratuit", "payant": "payant"}
V0_PROFILS = {"seniors-65": "seniors", "familles-enfants": "familles", "jeunes-16-26": "jeunes", "femmes": "femmes"}
V0_MODES = {
    "envoyer-un-mail": "envoyer-un-courriel",
    "envoyer-un-mail-avec-une-fiche-de-prescription": "envoyer-un-courriel",
    "se-presenter": "se-presenter",
    "telephoner": "telephoner",
}
V0_LABELS = {
    "aidants-connect": "aidants-connect",
    "conseiller-numerique": "conseillers-numeriques",
    "france-service": "france-service",
    "grandes-ecoles-du-numerique": "grandes-ecoles-du-numerique",
    "caf": "caf",
    "fabrique-de-territoire": "fabrique-de-territoire",
}
# Our codes the crosswalk does not reach.
OWN_PUBLICS = {"students": "etudiants"}
OWN_LABEL_NETWORKS = {
    "la_croix_rouge": "croix-rouge",
    "emmaus_connect": "emmaus",
    "relais_numerique_emmaus_connect": "emmaus",
}
# Service code -> (type, thematiques): the innovation services, and a national one whose type is fixed.
OWN_SERVICES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "affordable_equipment": ("aide-materielle", ("numerique--acquerir-un-equipement",)),
    "initiation": ("atelier", (BASICS,)),
    "training": ("formation", (BASICS,)),
    "open_access": ("aide-materielle", ()),
    "project_support": ("accompagnement", ()),
    "fabrication_service": (None, ()),
    "production_run": (None, ()),
    "equipment_lending": ("aide-materielle", ()),
}
TYPOLOGY_NETWORKS = {
    "ACI": "aci",
    "AFPA": "afpa",
    "AI": "ai",
    "ASE": "ase",
    "AVIP": "creches-avip",
    "CAARUD": "caarud",
    "CADA": "cada",
    "CAF": "caf",
    "CAP_EMPLOI": "cap-emploi-reseau-cheops",
    "CAVA": "cava",
    "CC": "communes",
    "CCAS": "ccas-cias",
    "CCONS": "chambres-consulaires",
    "CD": "departements",
    "CDAS": "departements",
    "CHRS": "chrs",
    "CHU": "chu",
    "CIAS": "ccas-cias",
    "CIDFF": "cidff",
    "CMP": "cmp",
    "CMS": "cms",
    "CPAM": "cpam",
    "CPH": "cph",
    "CSAPA": "csapa",
    "DEPT": "departements",
    "E2C": "ecoles-de-la-deuxieme-chance",
    "EA": "ea",
    "EATT": "eatt",
    "EI": "ei",
    "EITI": "eiti",
    "EPCI": "communes",
    "EPIDE": "epide",
    "EPN": "espaces-publics-numeriques",
    "ESAT": "esat",
    "ETTI": "etti",
    "FAIS": "federation-des-acteurs-de-la-solidarite",
    "FT": "france-travail",
    "GEIQ": "geiq",
    "HUDA": "huda",
    "LA_POSTE": "la-poste",
    "MDA": "maison-departementale-de-lautonomie",
    "MDE": "maisons-de-l-emploi",
    "MDEF": "maisons-de-l-emploi",
    "MDPH": "mdph",
    "MDS": "maisons-des-solidarites",
    "MJC": "mjc",
    "ML": "mission-locale",
    "MSA": "mutualite-sociale-agricole",
    "MSAP": "msap",
    "MUNI": "communes",
    "ODC": "delegataire-conseil-departemental",
    "PAD": "points-justice",
    "PIJ_BIJ": "reseau-information-jeunesse",
    "PIMMS": "pimms-mediation",
    "PJJ": "pjj",
    "PLIE": "plie",
    "PREF": "regions",
    "REG": "regions",
    "RESSOURCERIE": "ressourceries",
    "RFS": "france-service",
    "RS_FJT": "residences-fjt",
    "SPIP": "spip",
    "UDAF": "unaf",
}
STRUCTURE_KEYS = (
    "source",
    "id",
    "nom",
    "date_maj",
    "description",
    "lien_source",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
)
SERVICE_KEYS = (
    "source",
    "structure_id",
    "id",
    "nom",
    "description",
    "lien_source",
    "date_maj",
    "type",
    "thematiques",
    "frais",
    "frais_precisions",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "modes_accueil",
    "zone_eligibilite",
    "contact_nom_prenom",
    "lien_mobilisation",
    "modes_mobilisation",
    "mobilisable_par",
    "mobilisation_precisions",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "horaires_accueil",
)


@cache
def crosswalk() -> dict[str, dict[str, Any]]:
    """The crosswalk's tables, keyed by folded national values."""
    data = json.loads(CROSSWALK_FILE.read_text(encoding="utf-8"))
    return {
        name: {fold(key): value for key, value in table.items() if not key.startswith("_")}
        for name, table in data.items()
        if isinstance(table, dict)
    }


class _Mapper:
    def __init__(self, terms: TermIndex, facts: Facts) -> None:
        self.terms = terms
        self.facts = facts
        self.tables = crosswalk()

    def _national(self, vocabulary: str, codes: Iterable[str]) -> list[str]:
        values = []
        for code in self.terms.ordered(vocabulary, codes):
            found = self.terms.national(vocabulary, code)
            if found is not None:
                values.append(fold(found[1]))
        return values

    def _through(self, table: str, values: Iterable[str], v1: dict[str, Any]) -> list[str]:
        """v1 values of national values, through a crosswalk table then a v0 -> v1 table."""
        found: list[str] = []
        for value in values:
            targets = self.tables[table].get(value)
            for target in targets if isinstance(targets, list) else [targets]:
                mapped = v1.get(target) if target else None
                found.extend(mapped if isinstance(mapped, tuple) else [mapped] if mapped else [])
        return list(dict.fromkeys(found))

    def date_maj(self, place: PlaceData) -> str:
        # data·inclusion refuses a date in the future or before 2000.
        date = min(self.facts.date_maj(place), timezone.localdate())
        if date.year < 2000:
            date = min(self.facts.date_maj(replace(place, date_maj=None)), timezone.localdate())
        return date.isoformat()

    def structure(self, place: PlaceData) -> dict[str, Any]:
        networks = [TYPOLOGY_NETWORKS[c] for c in place.typologies if c in TYPOLOGY_NETWORKS]
        networks += self._through("labels_to_di_v0_labels_nationaux", self._national("label", place.labels), V0_LABELS)
        networks += [OWN_LABEL_NETWORKS[c] for c in place.labels if c in OWN_LABEL_NETWORKS]
        operator = place.operator
        description = "\n\n".join(part for part in (place.summary, place.description) if part)
        structure = {
            "source": place.source,
            "id": public_id(place),
            "nom": _name(place.name, self.facts.commune_name(place.commune)),
            "date_maj": self.date_maj(place),
            "description": description[:10000] if len(description) >= 5 else None,
            "lien_source": self.facts.url(place) or None,
            "siret": operator.siret if operator and len(operator.siret) == 14 else None,
            "reseaux_porteurs": sorted(set(networks)) or None,
            "accessibilite_lieu": place.acceslibre_url or None,
            "horaires_accueil": place.opening_hours or None,
            **self.contact(place),
        }
        return {key: structure[key] for key in STRUCTURE_KEYS}

    def contact(self, place: PlaceData) -> dict[str, Any]:
        return {
            "commune": self.facts.commune_name(place.commune) or None,
            "code_postal": self.facts.postcode(place) or None,
            "code_insee": place.commune,
            "adresse": place.address or None,
            "complement_adresse": place.address_complement or None,
            "longitude": None if place.longitude is None else round(place.longitude, 6),
            "latitude": None if place.latitude is None else round(place.latitude, 6),
            "telephone": (to_e164(place.phone) or place.phone) or None,
            "courriel": place.email or None,
            "site_web": place.website or None,
        }

    def services(self, place: PlaceData) -> list[dict[str, Any]]:
        publics = self._through("publics_to_di_v0_profils", self._national("public", place.publics), V0_PROFILS)
        publics += [OWN_PUBLICS[c] for c in place.publics if c in OWN_PUBLICS]
        fees = self._through("frais_a_charge_to_di_v0_frais", self._national("fee", place.fees), V0_FRAIS)
        support = self._through(
            "modalites_accompagnement_to_di_v0_service_types",
            self._national("support_mode", place.support_modes),
            V0_SERVICE_TYPES,
        )
        access = self._national("access_mode", place.access_modes)
        modes = self._through("modalites_acces_to_di_v0_modes_orientation_beneficiaire", access, V0_MODES)
        by_professionals = self._through("modalites_acces_to_di_v0_modes_orientation_accompagnateur", access, V0_MODES)
        if "online_booking" in place.access_modes and place.booking_url:
            modes.append("utiliser-lien-mobilisation")
        mobilisable = (["professionnels"] if by_professionals else []) + (["usagers"] if modes else [])
        remote = "remote" in place.support_modes or place.is_remote
        welcome = (["a-distance"] if remote else []) + (
            [] if remote and set(place.support_modes) <= {"remote"} else ["en-presentiel"]
        )
        shared = {
            "source": place.source,
            "structure_id": public_id(place),
            "lien_source": self.facts.url(place) or None,
            "date_maj": self.date_maj(place),
            "frais": "payant" if "payant" in fees else "gratuit" if fees else None,
            "frais_precisions": self._fees_text(place),
            "publics": sorted(set(publics)) or ["tous-publics"],
            "publics_precisions": self._publics_text(place),
            "conditions_acces": None,
            **self.contact(place),
            "modes_accueil": sorted(welcome),
            "zone_eligibilite": None,
            "contact_nom_prenom": None,
            "lien_mobilisation": place.booking_url or None,
            "modes_mobilisation": sorted(set(modes + by_professionals)) or None,
            "mobilisable_par": mobilisable or None,
            "mobilisation_precisions": None,
            "volume_horaire_hebdomadaire": None,
            "nombre_semaines": None,
            "horaires_accueil": place.opening_hours or None,
        }
        records = []
        for code in self.terms.ordered("service", place.services):
            kind, thematiques = self._service_kind(code, support)
            label = self.terms.label("service", code)
            record = {
                **shared,
                "id": f"{public_id(place)}--{code}",
                "nom": _name(label, ""),
                "description": self._service_text(place, code, label),
                "type": kind,
                "thematiques": sorted(thematiques) or None,
            }
            records.append({key: record[key] for key in SERVICE_KEYS})
        return records

    def _service_kind(self, code: str, support: list[str]) -> tuple[str | None, list[str]]:
        if code in OWN_SERVICES:
            own_kind, own_thematiques = OWN_SERVICES[code]
            return own_kind, list(own_thematiques)
        national = self._national("service", [code])
        found = self._through("services_to_di_v0_thematiques", national, V0_THEMATIQUES)
        # A national service the crosswalk leaves without a theme (safe use of digital tools): the basics.
        if national and not found:
            found = [BASICS]
        kind = "accompagnement" if "accompagnement" in support else "atelier" if "atelier" in support else None
        return kind, found

    def _service_text(self, place: PlaceData, code: str, label: str) -> str:
        commune = self.facts.commune_name(place.commune)
        parts = [f"{label} : service proposé par {place.name}, à {commune}."]
        if place.summary:
            parts.append(place.summary)
        if place.equipment and not self.terms.national("service", code):
            machines = {item.kind: item for item in place.equipment}
            listed = []
            for kind in self.terms.ordered("equipment", machines):
                item = machines[kind]
                text = self.terms.label("equipment", kind) + (f" ({item.quantity})" if item.quantity > 1 else "")
                listed.append(text + ("" if item.verified else ", à confirmer"))
            parts.append("Machines : " + " ; ".join(listed) + ".")
        if place.is_itinerant and place.stops:
            stops = ", ".join(self.facts.commune_name(stop.commune) for stop in sorted(place.stops))
            parts.append(f"Lieu itinérant, étapes : {stops}.")
        if place.status == PlaceStatus.TEMPORARILY_CLOSED:
            parts.append("Fermé temporairement.")
        return "\n\n".join(parts)[:10000]

    def _fees_text(self, place: PlaceData) -> str | None:
        labels = [self.terms.label("fee", code) for code in self.terms.ordered("fee", place.fees)]
        text = " ; ".join(filter(None, [", ".join(labels), place.fees_note]))
        return text or None

    def _publics_text(self, place: PlaceData) -> str | None:
        parts = []
        if place.accessibility:
            codes = self.terms.ordered("accessibility", place.accessibility)
            parts.append("Prise en charge : " + ", ".join(self.terms.label("accessibility", c) for c in codes) + ".")
        if place.audiences:
            codes = self.terms.ordered("audience", place.audiences)
            parts.append("Accueille : " + ", ".join(self.terms.label("audience", c) for c in codes) + ".")
        return " ".join(parts) or None


def _name(name: str, commune: str) -> str:
    """A name data·inclusion accepts: 3 to 150 characters, no final full stop."""
    if name.endswith(".") and not name.endswith("etc."):
        name = name.rstrip(".")
    if len(name) < 3:
        name = f"{name} ({commune})" if commune else name.ljust(3, "_")
    return name if len(name) <= 150 else name[:149] + "…"


def data_inclusion_document(places: Sequence[PlaceData]) -> dict[str, Any]:
    chosen = published(places)
    mapper = _Mapper(TermIndex.from_database(), Facts.load(chosen))
    services = [service for place in chosen for service in mapper.services(place)]
    return {
        "structures": [mapper.structure(place) for place in chosen],
        "services": sorted(services, key=lambda service: service["id"]),
        **licences_and_credits(chosen),
    }


def write_data_inclusion(places: Sequence[PlaceData]) -> bytes:
    return (json.dumps(data_inclusion_document(places), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
