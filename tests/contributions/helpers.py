"""Going through "Ajouter mon lieu" as a browser without JavaScript would: one POST per step."""

from django.urls import reverse

from tests.factories import term

PERSON = {
    "full_name": "Alex Martin",
    "email": "alex@fablab-luzy.example",
    "organisation_name": "Association Fablab du Morvan",
    "organisation_kind": "association",
    "siret": "",
    "rna": "W581000123",
    "site_web": "",
}


def place_steps() -> dict[str, dict]:
    return {
        "lieu": {
            "name": "Fablab du Morvan",
            "summary": "Imprimantes 3D et découpe laser, ouvert à tous.",
            "address": "2 rue de la Gare",
            "postcode": "58170",
            "commune_name": "Luzy",
            "typologies": [str(term("typology", "FABLAB").pk)] if _has("typology", "FABLAB") else [],
        },
        "activites": {
            "services": [str(term("service", "training").pk), str(term("service", "digital_understanding").pk)],
            "audiences": [str(term("audience", "individual").pk)],
            "acces_wheelchair_access": "yes",
            "equipement-TOTAL_FORMS": "2",
            "equipement-INITIAL_FORMS": "0",
            "equipement-MIN_NUM_FORMS": "0",
            "equipement-MAX_NUM_FORMS": "30",
            "equipement-0-kind": str(term("equipment", "3d_printer").pk),
            "equipement-0-quantity": "2",
            "equipement-1-quantity": "1",
        },
        "horaires": {
            "opening_hours_d2_pm_start": "14:00",
            "opening_hours_d2_pm_end": "18:00",
            "phone": "03 86 30 00 00",
            "email": "contact@fablab-luzy.example",
            "website": "https://fablab-luzy.example",
        },
    }


def _has(vocabulary: str, code: str) -> bool:
    from directory.models import Term

    return Term.objects.filter(vocabulary=vocabulary, code=code).exists()


def step_url(slug: str) -> str:
    return reverse("contributions:propose_step", kwargs={"slug": slug})


def go_through_steps(client, person: dict | None = None, changes: dict | None = None):  # noqa: ANN001, ANN201
    """Post every step; return the response of the review page (GET)."""
    response = client.post(reverse("contributions:propose"), {**PERSON, **(person or {})})
    assert response.status_code == 302, response.content.decode()[:2000]
    for slug, data in place_steps().items():
        response = client.post(step_url(slug), {**data, **(changes or {}).get(slug, {})})
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    return client.get(step_url("envoyer"))
