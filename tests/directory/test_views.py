import datetime as dt
import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Term
from tests.factories import make_place

LUZY = "58149"


@pytest.fixture
def fablab(db):
    return make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        equipment=("3d_printer", "laser_cutter"),
        services=("project_support",),
        typologies=("FABLAB",),
        audiences=("individual", "professional"),
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00",
        phone="03 86 00 00 00",
        source="mednum-bfc",
        source_id="mednumBFC_test",
        licence="odbl-1.0",
    )


def test_home_asks_what_and_where(client, db):
    response = client.get(reverse("directory:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "De quoi avez-vous besoin ?" in html
    assert "Où ?" in html
    assert 'lang="fr"' in html


def test_results_show_places_with_their_distance(client, fablab):
    make_place(name="Fablab de Nevers", commune="58194", equipment=("3d_printer",))
    response = client.get(reverse("directory:results"), {"q": "imprimante 3D", "ou": "luzy", "rayon": "100"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Fablab de Luzy") < html.index("Fablab de Nevers")
    assert "à 0 km" in html
    assert "2 lieux trouvés à moins de 100 km de Luzy (58)" in html
    assert "(à confirmer)" in html


def test_an_empty_search_lists_every_open_place(client, fablab):
    make_place(name="Ancien atelier", status="closed")
    html = client.get(reverse("directory:results")).content.decode()
    assert "Fablab de Luzy" in html and "Ancien atelier" not in html


def test_an_unknown_commune_is_said_plainly(client, fablab):
    response = client.get(reverse("directory:results"), {"q": "imprimante 3D", "ou": "Trifouillis"})
    assert response.status_code == 200
    assert "Nous ne trouvons pas la commune « Trifouillis »" in response.content.decode()


def test_an_ambiguous_commune_offers_the_others(client, fablab):
    html = client.get(reverse("directory:results"), {"ou": "Clamecy"}).content.decode()
    assert "de Clamecy (58)" in html
    assert "Clamecy (02)" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rayon": "abc"}, "Choisissez une distance de la liste."),
        ({"page": "x"}, "Le numéro de page doit être un nombre."),
        ({"page": "0"}, "Le numéro de page commence à 1."),
        ({"equipement": "teleporteur"}, "Ce choix n&#x27;existe pas dans la liste."),
        ({"q": "x" * 201}, "Décrivez votre besoin en 200 caractères au plus."),
    ],
)
def test_bad_input_gets_a_french_message(client, fablab, params, message):
    response = client.get(reverse("directory:results"), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Votre recherche n'a pas pu être faite" in html


def test_search_pages_refuse_writes(client, db):
    assert client.post(reverse("directory:results")).status_code == 405
    assert client.post(reverse("directory:home")).status_code == 405


def test_results_page_query_count_does_not_grow_with_places(client, db, settings):
    settings.SEARCH_PAGE_SIZE = 50
    settings.PUBLIC_PAGES_KEPT_SECONDS = 0  # the page as rendered, not its kept copy

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("directory:results"), {"q": "imprimante 3D", "ou": LUZY, "rayon": "100"})
        assert response.status_code == 200
        return len(queries)

    for index in range(3):
        make_place(name=f"A{index}", commune=LUZY, equipment=("3d_printer",), services=("training",))
    count_queries()  # fills the cached filter lists
    few = count_queries()
    for index in range(30):
        make_place(
            name=f"B{index}",
            commune=LUZY,
            equipment=("3d_printer", "vr_headset"),
            typologies=("FABLAB",),
            stops=("58194",),
            is_itinerant=index % 2 == 0,
        )
    many = count_queries()
    assert few == many
    assert many <= 16


def test_place_page_shows_everything_a_visitor_needs(client, fablab):
    response = client.get(fablab.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "Fablab de Luzy",
        "Imprimante 3D",
        "(à confirmer avec le lieu)",
        "Lundi",
        "9 h – 12 h, 14 h – 17 h",
        "À vérifier",
        "Calculer l'itinéraire",
        "tel:0386000000",
        "MedNum BFC",
        "Accueille : particuliers, professionnels.",
        'media="print"',
    ]:
        assert expected in html, expected


def test_the_place_page_reads_its_record_in_a_few_queries_whatever_it_holds(client, db, settings):
    settings.PUBLIC_PAGES_KEPT_SECONDS = 0  # the page as rendered, not its kept copy
    bare = make_place(name="Point numérique", commune=LUZY)
    full = make_place(
        name="Fablab complet",
        commune=LUZY,
        equipment=("3d_printer", "vr_headset"),
        services=("training",),
        typologies=("FABLAB",),
        audiences=("individual", "professional"),
        stops=("58194",),
        is_itinerant=True,
    )
    client.get(bare.get_absolute_url())  # the vocabulary is read once, then kept
    counts = []
    for place in (bare, full):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(place.get_absolute_url()).status_code == 200
        # Other modules add their own blocks (the library's resources, events): count the record's own reads.
        counts.append(sum('"directory_' in query["sql"].split(" WHERE ")[0] for query in queries.captured_queries))
    # The place, one UNION for every vocabulary; machines and stops only when the place has some.
    assert counts == [2, 4]


def test_a_verified_place_says_when(client, fablab):
    fablab.verified, fablab.date_maj, fablab.verified_by = True, dt.date.today(), "le fablab"
    fablab.save()
    html = client.get(fablab.get_absolute_url()).content.decode()
    assert "Informations vérifiées le" in html and "par le fablab" in html
    assert "À vérifier" not in html


def test_a_closed_place_page_says_so(client, db):
    place = make_place(
        name="Écocentre", status="closed", status_date=dt.date(2024, 6, 5), status_note="Décès du responsable."
    )
    html = client.get(place.get_absolute_url()).content.decode()
    assert "Ce lieu a fermé définitivement le 5 juin 2024." in html
    assert "Ouvert maintenant" not in html


def test_a_place_url_with_an_old_slug_redirects(client, fablab):
    response = client.get(reverse("directory:place", kwargs={"pk": fablab.pk, "slug": "ancien-nom"}))
    assert response.status_code == 302 and response["Location"] == fablab.get_absolute_url()
    assert client.get(reverse("directory:place_short", kwargs={"pk": fablab.pk})).status_code == 302


def test_an_unknown_place_is_a_404(client, db):
    assert client.get(reverse("directory:place", kwargs={"pk": 999999, "slug": "x"})).status_code == 404


def test_the_map_page_works_without_javascript(client, fablab):
    response = client.get(reverse("directory:map"), {"q": "imprimante 3D", "ou": LUZY})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fablab de Luzy" in html  # the list under the map
    assert "leaflet.js" in html and 'id="map-markers"' in html


def test_leaflet_loads_only_on_the_map_page(client, fablab):
    for url in [reverse("directory:home"), reverse("directory:results"), fablab.get_absolute_url()]:
        assert "leaflet" not in client.get(url).content.decode()


def test_the_data_notice_credits_mednum_bfc(client, db):
    html = client.get(reverse("directory:data_notice")).content.decode()
    assert "MedNum BFC" in html and "ODbL" in html


def test_public_pages_weigh_under_100_kb(client, fablab, settings):
    settings.SEARCH_PAGE_SIZE = 20
    for index in range(25):
        make_place(name=f"Fablab numéro {index}", commune=LUZY, equipment=("3d_printer", "laser_cutter", "vr_headset"))
    from django.contrib.staticfiles import finders

    def static_size(path: str) -> int:
        with open(finders.find(path), "rb") as handle:
            return len(gzip.compress(handle.read()))

    css = static_size("css/site.css")
    pages = {
        "/": css,
        "/lieux/?q=imprimante+3D&ou=58149": css,
        fablab.get_absolute_url(): css,
        "/carte/?q=imprimante+3D&ou=58149": css
        + static_size("vendor/leaflet/leaflet.js")
        + static_size("vendor/leaflet/leaflet.css")
        + static_size("js/map.js"),
    }
    for url, assets in pages.items():
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert len(response.content) + assets < 100_000, url


def test_a_commune_chosen_by_insee_code_is_that_commune_and_not_a_postcode(client, fablab):
    # 58149 is Luzy's INSEE code; typed in "Où ?", five digits are first read as a postcode.
    response = client.get(reverse("directory:results"), {"q": "imprimante 3D", "commune": LUZY, "rayon": "30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 lieu trouvé à moins de 30 km de Luzy (58)" in html
    assert 'value="Luzy"' in html  # the "Où ?" field shows the commune's name
    assert f"commune={LUZY}" in html  # the page's own links keep the commune


def test_the_other_communes_offered_are_links_to_those_communes(client, fablab):
    html = client.get(reverse("directory:results"), {"ou": "Clamecy"}).content.decode()
    assert "commune=02198" in html
    aisne = client.get(reverse("directory:results"), {"ou": "Clamecy", "commune": "02198"}).content.decode()
    assert "de Clamecy (02)" in aisne


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("99999", 200, "Nous ne trouvons pas la commune « 99999 »"),
        ("abc", 400, "Le code de commune doit être un code INSEE à 5 caractères."),
    ],
)
def test_a_wrong_commune_code_is_said_plainly(client, fablab, code, status, message):
    response = client.get(reverse("directory:results"), {"q": "imprimante 3D", "commune": code})
    assert response.status_code == status
    assert message in response.content.decode()


def test_filter_lists_render_the_chosen_option_and_escape_labels(client, fablab):
    Term.objects.create(vocabulary="equipment", code="special", label="Machine <spéciale> & co")
    html = client.get(reverse("directory:results"), {"equipement": "3d_printer", "rayon": "20"}).content.decode()
    assert '<option value="3d_printer" selected>' in html
    assert '<option value="20" selected>20 km</option>' in html
    assert '<select id="id_equipement" name="equipement">' in html
    assert '<option value="special">Machine &lt;spéciale&gt; &amp; co</option>' in html


def test_the_home_page_count_is_kept_a_minute(client, fablab):
    first = client.get(reverse("directory:home")).context["place_count"]
    make_place(name="Nouveau")
    assert client.get(reverse("directory:home")).context["place_count"] == first
    cache.clear()
    assert client.get(reverse("directory:home")).context["place_count"] == first + 1
