"""Everyday needs find a place: a record that lists no service is "services non renseignés", not "nothing"."""

import html
import re

from django.urls import reverse

from demandes import suggestions
from directory import index
from directory.models import LikelyService, Term
from directory.search import SearchQuery, search
from territory.models import Commune
from tests.factories import make_place

LUZY, NEVERS = "58149", "58194"


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_a_senior_asking_for_help_with_a_tablet_near_luzy_finds_the_france_services_to_confirm(client, db):
    make_place(name="France Services de Luzy", commune=LUZY, typologies=("RFS",), phone="03 86 30 00 00")
    make_place(name="Espace numérique de Nevers", commune=NEVERS, services=("everyday_digital",))
    make_place(name="Fablab sans service", commune=LUZY, typologies=("FABLAB",))

    result = search(SearchQuery(need="tablette", commune=Commune.objects.get(code=LUZY), radius_km=100))

    # The place that states the service first, though farther; the likely one after, flagged with its reason.
    assert [hit.place.name for hit in result.hits] == ["Espace numérique de Nevers", "France Services de Luzy"]
    stated, likely = result.hits
    assert not stated.likely and not stated.to_confirm
    assert likely.likely and likely.to_confirm
    assert likely.likely_reasons == (
        "les France Services aident d'ordinaire aux démarches en ligne et à l'usage du numérique",
    )
    page = _text(client.get(reverse("directory:results"), {"q": "tablette", "ou": "Luzy", "rayon": "100"}))
    assert "À confirmer : appelez avant. Services non renseignés : les France Services aident d'ordinaire" in page
    assert "Appeler le 03 86 30 00 00" in page


def test_everyday_words_reach_the_general_help_the_types_make_likely(db):
    make_place(name="Médiathèque", commune=LUZY, typologies=("BIB",))
    luzy = Commune.objects.get(code=LUZY)
    for need in ("smartphone", "mail", "courriel", "portable", "imprimer un document", "ordinateur"):
        assert [hit.place.name for hit in search(SearchQuery(need=need, commune=luzy)).hits] == ["Médiathèque"], need
    # A fablab's machines are not everyday help: nothing is guessed for an unrelated need.
    assert search(SearchQuery(need="broderie", commune=luzy)).hits == []


def test_a_place_that_lists_some_services_is_guessed_only_what_it_does_not_list(db):
    place = make_place(name="MFS Luzy", commune=LUZY, typologies=("RFS",), services=("admin_procedures",))
    luzy = Commune.objects.get(code=LUZY)
    (hit,) = search(SearchQuery(need="tablette", commune=luzy)).hits
    assert hit.place == place and hit.likely and not hit.services_unknown
    # What the record states is stated: no "à confirmer" for it.
    (hit,) = search(SearchQuery(need="démarches en ligne", commune=luzy)).hits
    assert not hit.likely and not hit.to_confirm
    make_place(name="Club de foot", commune=LUZY, typologies=("ASSO",), services=("digital_leisure",))
    assert [hit.place.name for hit in search(SearchQuery(need="tablette", commune=luzy)).hits] == ["MFS Luzy"]


def test_the_routing_offers_the_likely_place_after_the_stated_one_with_the_reason(db):
    make_place(name="France Services de Luzy", commune=LUZY, typologies=("RFS",))
    make_place(name="Centre social", commune=LUZY, services=("everyday_digital",))
    needs = [suggestions.categories()["digital_basics"][1]]

    result = suggestions.suggest(needs=needs, commune=Commune.objects.get(code=LUZY))

    assert [s.candidate.name for s in result.suggestions] == ["Centre social", "France Services de Luzy"]
    guessed = result.suggestions[1]
    assert guessed.to_confirm and not result.suggestions[0].to_confirm
    assert "probablement : aide à utiliser le numérique au quotidien (à confirmer : appelez avant)" in guessed.reasons
    assert (
        "non indiqué sur la fiche : les France Services aident d'ordinaire aux démarches en ligne et à l'usage "
        "du numérique" in guessed.reasons
    )
    assert not result.unmet


def test_the_table_is_data_a_coordinator_edits_and_the_index_follows(db):
    place = make_place(name="Maison de quartier", commune=LUZY, typologies=("MQ",))
    luzy = Commune.objects.get(code=LUZY)
    assert search(SearchQuery(need="tablette", commune=luzy)).hits == []
    rule = LikelyService.objects.create(
        term=Term.objects.get(vocabulary="typology", code="MQ"), reason="les maisons de quartier aident souvent"
    )
    rule.services.set([Term.objects.get(vocabulary="service", code="everyday_digital")])
    assert [hit.place for hit in search(SearchQuery(need="tablette", commune=luzy)).hits] == [place]
    assert index.is_consistent()
    rule.active = False
    rule.save()
    assert search(SearchQuery(need="tablette", commune=luzy)).hits == []
    assert index.is_consistent()


def test_the_place_page_says_services_are_not_stated_shows_the_likely_ones_and_a_qr_code(client, db):
    place = make_place(name="France Services de Luzy", commune=LUZY, typologies=("RFS",))
    response = client.get(place.get_absolute_url())
    page = _text(response)
    assert "Services non renseignés : la fiche ne dit pas encore ce que propose le lieu." in page
    assert "Probablement, car les France Services aident d'ordinaire aux démarches en ligne" in page
    assert "À confirmer : appelez avant." in page
    assert "Aide aux démarches administratives (probable)" in page
    content = response.content.decode()
    assert '<svg role="img" aria-label="Code QR' in content and "<path" in content
    assert 'id="print-page" hidden' in content
    assert "style=" not in content
