"""Refining, typos and no dead ends on the search page."""

import html
import re
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from directory.search import SearchQuery, search
from territory.lookup import find_communes, nearest_commune, resolve_commune
from territory.models import Commune
from tests.factories import make_place

LUZY, NEVERS = "58149", "58194"


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_a_need_with_a_typo_is_read_as_the_nearest_known_words(db):
    make_place(name="Fablab", commune=LUZY, equipment=("laser_cutter",))
    result = search(SearchQuery(need="decoupe lazer", commune=Commune.objects.get(code=LUZY)))
    assert [hit.place.name for hit in result.hits] == ["Fablab"]
    assert ("lazer", "laser") in result.corrections
    # Short words forgive nothing, and a word that means something is left alone.
    assert search(SearchQuery(need="xylophone")).hits == []


def test_a_commune_with_a_typo_is_found_served_territory_first(db):
    assert [commune.code for commune in find_communes("lusy")][:1] == [LUZY]
    assert find_communes("clamecie")[0].name == "Clamecy"
    assert find_communes("zzzqqq") == []


def test_other_communes_offered_are_only_sensible_ones(db):
    commune, others = resolve_commune("Luzy")
    assert commune.code == LUZY
    # "Luzy-Saint-Martin" (Meuse) and "Luzy-sur-Marne" start the same way but make no sense here.
    assert others == []
    commune, others = resolve_commune("Saint-Martin")
    assert all(other.search_name == commune.search_name or other.departement.code == "58" for other in others)


def test_around_me_finds_the_nearest_commune(db):
    luzy = Commune.objects.get(code=LUZY)
    assert nearest_commune(luzy.latitude + 0.001, luzy.longitude - 0.001) == luzy
    assert nearest_commune(0.0, -30.0) is None


def test_the_search_field_is_rendered_once_and_the_distance_defaults_to_the_searchs_own(client, db):
    page = client.get(reverse("directory:results"), {"q": "imprimante 3D", "ou": "Luzy"}).content.decode()
    assert page.count('name="q"') == 1
    assert page.count('id="id_q"') == 1
    assert '<option value="50" selected>50 km</option>' in page
    assert '<option value="10" selected>' not in page
    page = client.get(reverse("directory:results"), {"q": "x", "rayon": "20"}).content.decode()
    assert '<option value="20" selected>20 km</option>' in page


def test_an_empty_result_offers_a_wider_distance_with_its_count_and_a_prefilled_request(client, db):
    make_place(name="Atelier de Nevers", commune=NEVERS, equipment=("3d_scanner",), typologies=("FABLAB",))
    response = client.get(reverse("directory:results"), {"q": "scanner 3D", "ou": "Luzy", "rayon": "10"})
    page = _text(response)
    assert "Aucun lieu ne correspond" in page
    assert "Que faire maintenant ?" in page
    assert "Chercher à 100 km : 1 lieu" in page
    assert "Chercher à 20 km" not in page  # nothing more at 20 km: not offered
    assert "Chercher un lieu de type « Fablab / Atelier partagé »" in page
    content = html.unescape(response.content.decode())
    help_link = re.search(r'href="(/demande/\?[^"]+)"', content).group(1)
    assert parse_qs(urlparse(help_link).query) == {"besoin": ["scanner 3D"], "commune": ["Luzy"]}
    wider = re.search(r'href="\?([^"]+)">Chercher à 100 km', content).group(1)
    assert parse_qs(wider)["rayon"] == ["100"] and parse_qs(wider)["commune"] == [LUZY]
    form = client.get(help_link).content.decode()
    assert "scanner 3D</textarea>" in form and 'value="Luzy"' in form


def test_a_bad_position_is_refused_in_french(client, db):
    response = client.get(reverse("directory:results"), {"lat": "abc", "lon": "3"})
    assert response.status_code == 400
    assert "Votre position n&#x27;a pas pu être lue" in response.content.decode()


def test_around_me_searches_near_the_nearest_commune(client, db):
    luzy = Commune.objects.get(code=LUZY)
    make_place(name="Fablab de Luzy", commune=LUZY, equipment=("3d_printer",))
    page = _text(
        client.get(reverse("directory:results"), {"q": "imprimante 3D", "lat": luzy.latitude, "lon": luzy.longitude})
    )
    assert "1 lieu trouvé à moins de 50 km de Luzy (58)" in page
