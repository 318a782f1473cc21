"""Who does what: coordinators and partners write and publish, partners their own; anyone reads what is public."""

import html

import pytest

from accounts.models import Organisation, OrganisationKind, Role
from funding.models import Scheme, SchemeStatus
from tests.accounts.factories import make_coordinator, make_user
from tests.funding.factories import make_scheme

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Aide aux fablabs ruraux",
    "summary": "Pour équiper les ateliers des petites communes.",
    "perimeter": "département 58",
    "recurrence": "one_off",
    "closes_on": "2027-03-31",
    "funder_1_name": "Département de la Nièvre",
    "funder_1_level": "departement",
    "beneficiaries": ["association", "fablab"],
    "amount_ceiling": "15 000",
    "rate_max": "50,5",
    "source_url": "https://www.example.org/aide",
    "needs_check": "on",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def chamber():
    return Organisation.objects.create(name="CCI de la Nièvre", kind=OrganisationKind.CHAMBER)


def partner(email: str, organisation: Organisation):
    user = make_user(email)
    user.memberships.create(organisation=organisation, role=Role.PARTNER)
    return user


@pytest.mark.parametrize("role", [None, Role.MEDIATOR, Role.PLACE_MANAGER])
def test_people_without_a_writing_role_cannot_write(client, role):
    scheme = make_scheme(title="Publié")
    if role is None:
        assert client.get("/financements/gestion/nouveau/").status_code == 302
        return
    client.force_login(make_user(f"{role}@example.org", role=role))
    assert client.get("/financements/gestion/").status_code == 403
    assert client.post("/financements/gestion/nouveau/", FORM).status_code == 403
    assert client.post(f"/financements/gestion/{scheme.pk}/clore/").status_code == 403
    assert client.get(scheme.get_absolute_url()).status_code == 200
    assert not Scheme.objects.filter(title=FORM["title"]).exists()


def test_a_partner_writes_a_draft_publishes_it_and_it_is_recorded(client, chamber):
    writer = partner("conseiller@cci.example.org", chamber)
    client.force_login(writer)

    response = client.post("/financements/gestion/nouveau/", FORM)

    scheme = Scheme.objects.get(title=FORM["title"])
    assert response.status_code == 302 and scheme.status == SchemeStatus.DRAFT
    assert (
        scheme.organisation == chamber and str(scheme.amount_ceiling) == "15000.00" and str(scheme.rate_max) == "50.50"
    )
    assert client.get(scheme.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(scheme.get_absolute_url()).status_code == 404
    client.force_login(writer)
    client.post(f"/financements/gestion/{scheme.pk}/publier/")
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.PUBLISHED and scheme.published_at
    client.post(f"/financements/gestion/{scheme.pk}/modifier/", {**FORM, "amount_ceiling": "20000"})
    history = text(client.get(f"/financements/gestion/{scheme.pk}/historique/"))
    assert [change.kind for change in scheme.changes.all()] == ["edit", "publish", "create"]
    assert "montant maximum" in history and "15000" in history and "20000" in history
    assert all(change.actor == writer for change in scheme.changes.all())


def test_a_partner_cannot_touch_another_organisations_scheme_and_a_coordinator_can(client, chamber):
    other = Organisation.objects.create(name="Chambre d'agriculture", kind=OrganisationKind.CHAMBER)
    theirs = make_scheme(title="Aide de la chambre d'agriculture", actor=partner("agri@example.org", other))
    client.force_login(partner("conseiller@cci.example.org", chamber))

    assert client.get(f"/financements/gestion/{theirs.pk}/modifier/").status_code == 403
    assert client.post(f"/financements/gestion/{theirs.pk}/clore/").status_code == 403

    client.force_login(make_coordinator())
    response = client.post(f"/financements/gestion/{theirs.pk}/clore/")
    theirs.refresh_from_db()
    assert response.status_code == 302 and theirs.status == SchemeStatus.CLOSED
    page = text(client.get(theirs.get_absolute_url()))
    assert "Clôturé." in page and "La fiche reste consultable" in page


def test_bad_input_on_the_edit_form_is_explained_in_french_and_changes_nothing(client):
    client.force_login(make_coordinator())
    bad = {
        **FORM,
        "perimeter": "département 999\nplanète mars",
        "amount_ceiling": "beaucoup",
        "recurrence": "yearly",
        "window_start": "29/02",
    }

    response = client.post("/financements/gestion/nouveau/", bad)

    page = text(response)
    assert response.status_code == 400
    assert "Montant maximum (€) : Écrivez un nombre, par exemple 1500 ou 1 500,50." in page
    assert "commencez la ligne par europe, france, région, département, epci ou commune" in page
    assert "Le 29 février n'existe pas chaque année : choisissez le 28 février." in page
    assert not Scheme.objects.exists()
    response = client.post("/financements/gestion/nouveau/", {**FORM, "perimeter": "département 999"})
    assert response.status_code == 400 and "Périmètre : code inconnu « departement:999 »." in text(response)
    assert not Scheme.objects.exists()


def test_publishing_needs_a_perimeter_a_summary_and_a_funder(client):
    client.force_login(make_coordinator())
    client.post("/financements/gestion/nouveau/", {**FORM, "funder_1_name": "", "funder_1_level": ""})
    scheme = Scheme.objects.get()

    response = client.post(f"/financements/gestion/{scheme.pk}/publier/", follow=True)

    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.DRAFT
    assert "Un dispositif publié a besoin d'au moins un financeur." in text(response)
    assert client.get(f"/financements/gestion/{scheme.pk}/publier/").status_code == 405
