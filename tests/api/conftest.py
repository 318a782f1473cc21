import json

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import ApiToken, Organisation, OrganisationKind

SUGGESTIONS = "/api/v1/suggestions"
REQUESTS = "/api/v1/requests"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


def post_json(client: Client, url: str, body: object, **headers: str):  # noqa: ANN201
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def organisation(db) -> Organisation:  # noqa: ANN001
    return Organisation.objects.create(
        name="Chambre de métiers de la Nièvre", kind=OrganisationKind.CHAMBER, siret="13000000000013"
    )


@pytest.fixture
def api_key(organisation: Organisation) -> str:
    _, key = ApiToken.issue(organisation=organisation, name="Outil de la chambre")
    return key


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
