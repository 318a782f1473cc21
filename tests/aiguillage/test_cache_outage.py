"""A cache outage is not a site outage: with Redis unreachable, public pages answer, login refuses in French."""

import json
import socket

import pytest
from django.core.cache import caches
from django.urls import reverse
from mailer.models import Message

from accounts import throttle
from accounts.models import ApiToken, Organisation, OrganisationKind
from aiguillage.settings import cache_settings
from demandes.models import Request
from tests.accounts.factories import PASSWORD, make_user
from tests.factories import make_place


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cache_down(settings):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = cache_settings(url, 0.5)


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149", equipment=("3d_printer",), phone="03 86 00 00 00")


def test_the_cache_really_is_unreachable(cache_down):
    with pytest.raises(throttle.CACHE_ERRORS):
        caches["throttle"].get("x")
    assert caches["default"].get("x", "absent") == "absent"


PUBLIC_PAGES = [
    ("directory:home", {}),
    ("directory:results", {"q": "imprimante 3D", "ou": "Luzy"}),
    ("directory:results", {}),
    ("directory:map", {}),
    ("directory:data_notice", {}),
    ("directory:widget", {"besoin": "imprimante 3D", "commune": "Luzy"}),
    ("directory:widget_builder", {}),
    ("directory:results_csv", {"q": "imprimante 3D"}),
    ("directory:feed_rss", {}),
    ("demandes:new", {}),
    ("accounts:login", {}),
    ("accounts:password_reset", {}),
]


@pytest.mark.parametrize("name, params", PUBLIC_PAGES)
def test_every_public_page_answers_with_the_cache_down(client, fablab, cache_down, name, params):
    assert client.get(reverse(name), params).status_code == 200


def test_the_place_page_and_its_report_form_answer_with_the_cache_down(client, fablab, cache_down):
    assert client.get(fablab.get_absolute_url()).status_code == 200
    url = reverse("directory:report_error", kwargs={"pk": fablab.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"message": "Les horaires ont changé depuis septembre.", "contact": ""})
    assert response.status_code in (200, 302)


def test_a_request_is_taken_in_with_the_cache_down(client, fablab, cache_down):
    data = {
        "description": "Je voudrais imprimer une pièce en 3D",
        "commune": "Luzy",
        "audience": "individual",
        "contact_email": "habitant@example.org",
        "consent": "on",
    }
    response = client.post(reverse("demandes:new"), data)
    assert response.status_code == 200
    assert Request.objects.count() == 1
    assert Request.objects.get().reference in response.content.decode()


def test_the_api_reads_and_takes_requests_with_the_cache_down(client, fablab, cache_down):
    assert client.get("/api/v1/places", {"commune": "58149"}).status_code == 200
    assert client.get("/api/v1/vocabularies").status_code == 200
    organisation = Organisation.objects.create(name="Chambre", kind=OrganisationKind.CHAMBER)
    _, key = ApiToken.issue(organisation=organisation, name="Outil")
    body = {"description": "imprimer une pièce en 3D", "commune": "58149"}
    response = client.post(
        "/api/v1/requests", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 201, response.content
    assert client.post("/api/v1/suggestions", json.dumps(body), content_type="application/json").status_code == 200


def test_login_fails_closed_with_a_french_message(client, db, cache_down):
    make_user("camille@fablab.example")
    response = client.post(reverse("accounts:login"), {"username": "camille@fablab.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "La connexion est momentanément impossible" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_fails_closed_with_a_french_message(client, db, cache_down):
    make_user("camille@fablab.example")
    response = client.post(reverse("accounts:password_reset"), {"email": "camille@fablab.example"})
    assert response.status_code == 429
    assert "momentanément impossible" in response.content.decode()
    assert not Message.objects.exists()


def test_health_reports_each_part_and_503_when_the_cache_is_down(client, db, cache_down):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]["ok"] is True and body["cache"]["ok"] is False
    assert "outbox" in body


def test_health_is_200_when_every_part_answers(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"
    assert client.post(reverse("health")).status_code == 405
