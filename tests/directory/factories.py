"""Builders of import files and of fully filled places, for the import and export tests."""

import datetime as dt
import json
from typing import Any

from directory.models import Equipment, ItinerantStop, Operator, Place, Term
from territory.models import Commune

NEVERS, LUZY, PREMERY, IMPHY = "58194", "58149", "58218", "58134"


def native_place(**overrides: Any) -> dict[str, Any]:
    """A valid place of the native format, with only what is required, plus overrides."""
    place: dict[str, Any] = {
        "name": "Fablab d'essai",
        "address": {"commune": NEVERS},
        "provenance": {"source": "tests", "source_id": "fablab-essai", "licence": "etalab-2.0"},
    }
    place.update(overrides)
    return place


def native_file(*places: dict[str, Any], **top_level: Any) -> bytes:
    document: dict[str, Any] = {"format": "aiguillage-lieux", "version": 1, "places": list(places)}
    document.update(top_level)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _terms(vocabulary: str, *codes: str) -> list[Term]:
    return list(Term.objects.filter(vocabulary=vocabulary, code__in=codes))


def place_with_every_field(*, source: str = "tests", source_id: str = "tout") -> Place:
    """A place where every field the native format carries holds a value."""
    place = Place.objects.create(
        name="Fablab complet",
        operator=Operator.objects.create(
            name="Association Test", siret="12345678901234", rna="W581000001", website="https://asso.example.org"
        ),
        summary="Un fablab où tout est rempli.",
        description="Une description\nsur deux lignes.",
        address="1 rue de l'Essai",
        address_complement="Bâtiment B",
        postcode="58170",
        commune=Commune.objects.get(code=LUZY),
        latitude=46.7891234,
        longitude=3.9698771,
        point_source="manual",
        point_to_check=True,
        access_directions="Derrière la mairie.",
        phone="03 86 00 00 00",
        email="contact@asso.example.org",
        website="https://fablab.example.org",
        booking_url="https://rdv.example.org",
        acceslibre_url="https://acceslibre.beta.gouv.fr/app/58-luzy/a/fablab/erp/fablab-complet/",
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; Sa[1] 10:00-12:00",
        opening_hours_note="Fermé en août.",
        status="temporarily_closed",
        status_date=dt.date(2024, 6, 5),
        status_note="Travaux.",
        is_itinerant=True,
        is_remote=True,
        fees_note="Adhésion annuelle.",
        source=source,
        source_id=source_id,
        licence="etalab-2.0",
        date_maj=dt.date(2024, 5, 1),
        verified=True,
        verified_by="Coordination numérique",
        needs_review=True,
        review_note="À relire.",
    )
    place.typologies.set(_terms("typology", "FABLAB", "ASSO"))
    place.audiences.set(_terms("audience", "professional", "individual"))
    place.publics.set(_terms("public", "youth"))
    place.accessibility.set(_terms("accessibility", "wheelchair_access", "deaf"))
    place.accessibility_no.set(_terms("accessibility", "visual_impairment"))
    place.services.set(_terms("service", "initiation", "open_access"))
    place.fees.set(_terms("fee", "paid"))
    place.labels.set(_terms("label", "aptic"))
    place.access_modes.set(_terms("access_mode", "walk_in", "phone"))
    place.support_modes.set(_terms("support_mode", "group"))
    Equipment.objects.create(
        place=place, kind=Term.objects.get(vocabulary="equipment", code="3d_printer"), quantity=2, verified=True
    )
    Equipment.objects.create(
        place=place, kind=Term.objects.get(vocabulary="equipment", code="laser_cutter"), notes="à confirmer"
    )
    ItinerantStop.objects.create(
        place=place, commune=Commune.objects.get(code=IMPHY), location="Salle des fêtes", schedule="We[2] 14:00-18:00"
    )
    ItinerantStop.objects.create(
        place=place, commune=Commune.objects.get(code=PREMERY), schedule="We[1] 14:00-18:00", notes="Sur la place"
    )
    return place
