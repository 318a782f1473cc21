"""The result cards, written in Python: what each says, and every value escaped."""

from directory.models import PlaceStatus
from tests.factories import make_place


def _results(client, **params):
    return client.get("/lieux/", {"ou": "Nevers", "rayon": 50, **params}).content.decode()


def test_a_card_says_name_distance_type_machines_and_phone(client, db):
    make_place(
        name="Fablab du Port",
        typologies=("FABLAB",),
        equipment=("3d_printer",),
        phone="03 86 30 00 00",
        summary="Ouvert aux habitants.",
    )
    page = _results(client, q="imprimante 3D")
    assert '<a href="/lieux/' in page and ">Fablab du Port</a></h3>" in page
    assert "<strong>à 0 km</strong>" in page
    assert "<p>Ouvert aux habitants.</p>" in page
    assert '<li><a href="tel:0386300000">Appeler le 03 86 30 00 00</a></li>' in page


def test_a_temporarily_closed_place_without_phone_says_both(client, db):
    make_place(name="Atelier fermé", typologies=("FABLAB",), status=PlaceStatus.TEMPORARILY_CLOSED)
    page = _results(client, q="atelier")
    assert '<p class="badge badge-warning">Fermé temporairement</p>' in page
    assert "<li>Pas de téléphone connu</li>" in page


def test_a_place_that_says_no_to_wheelchairs_says_it_plainly(client, db):
    make_place(name="Étage sans ascenseur", typologies=("FABLAB",), accessibility_no=("wheelchair_access",))
    page = _results(client)
    assert "<li>Non : " in page


def test_every_value_on_a_card_is_escaped(client, db):
    make_place(name="<script>alert(1)</script> Lab", typologies=("FABLAB",), summary="<b>gras</b> & co")
    page = _results(client)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Lab" in page
    assert "<p>&lt;b&gt;gras&lt;/b&gt; &amp; co</p>" in page
