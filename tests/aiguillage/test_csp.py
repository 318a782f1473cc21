import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:  # noqa: ANN001
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("name", ["directory:home", "directory:results", "directory:map", "health"])
def test_pages_allow_only_their_own_scripts_and_styles(client, name):
    response = client.get(reverse(name))
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_map_may_load_its_tiles(client, settings):
    policy = directives(client.get(reverse("directory:map")))
    assert settings.MAP_TILES_ORIGIN in policy["img-src"]
    assert settings.MAP_TILES_ORIGIN == "https://tile.openstreetmap.org"


def test_only_the_widget_may_be_framed_by_other_sites(client):
    response = client.get(reverse("directory:widget"))
    assert directives(response)["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in response
