"""The coordination's pages for steps, budget, funding, partners and links; suggestions; who may do what."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from odfdo import Document

from accounts.models import Organisation, OrganisationKind, Role
from demandes.models import NeedCategory
from roadmap import actions
from roadmap.models import BudgetLine, FundingLine, FundingStatus, SheetPartner, Step
from tests.accounts.factories import make_user
from tests.funding.factories import make_scheme
from tests.library.factories import make_event, make_resource
from tests.roadmap.factories import make_coordinator, make_roadmap, make_sheet, partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet():
    return make_sheet(make_roadmap())


@pytest.fixture
def coordination(client):
    client.force_login(make_coordinator())
    return client


def url(name: str, *args: object) -> str:
    return reverse(f"roadmap:{name}", args=["test", "FA1", *args])


def test_a_coordinator_adds_a_step_in_french_dates_and_sees_it_on_the_sheet(coordination, sheet):
    owner = Organisation.objects.create(name="Fablab de Decize", kind=OrganisationKind.ASSOCIATION)
    page = coordination.get(url("content"))
    assert page.status_code == 200
    assert "Ajouter une étape" in page.content.decode()
    response = coordination.post(
        url("add_content", "etapes"),
        {
            "title": "Recenser les scanners",
            "start": "2025-01-06",
            "end": "2025-03-31",
            "owner": owner.pk,
            "status": "planned",
        },
    )
    assert response.status_code == 302
    step = Step.objects.get()
    assert (step.title, step.owner, step.end.isoformat()) == ("Recenser les scanners", owner, "2025-03-31")
    html = coordination.get(sheet.get_absolute_url()).content.decode()
    assert "Recenser les scanners" in html and "Fablab de Decize" in html


def test_a_bad_step_is_shown_back_with_a_french_message_and_nothing_saved(coordination, sheet):
    response = coordination.post(
        url("add_content", "etapes"),
        {"title": "Recenser", "start": "2025-03-01", "end": "2025-02-01", "status": "planned"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "La fin vient avant le début." in html
    assert 'value="Recenser"' in html
    assert not Step.objects.exists()


def test_budget_amounts_typed_the_french_way_are_exact(coordination, sheet):
    for amount in ("1 500,50", "0,25", "2000.25"):
        response = coordination.post(
            url("add_content", "budget"), {"year": "2025", "expense": "Matériel", "amount": amount}
        )
        assert response.status_code == 302
    assert sheet.budget_total() == Decimal("3501.00")
    bad = coordination.post(url("add_content", "budget"), {"year": "2025", "expense": "Matériel", "amount": "12,345"})
    assert bad.status_code == 400
    assert "Deux chiffres après la virgule au plus." in bad.content.decode()
    assert BudgetLine.objects.count() == 3


def test_edit_and_remove_pages_for_each_kind(coordination, sheet):
    coordinator = make_coordinator("autre@example.org")
    organisation = Organisation.objects.create(name="CCI", kind=OrganisationKind.CHAMBER)
    step = actions.add_step(sheet, by=coordinator, title="Recenser")
    line = actions.add_budget_line(sheet, by=coordinator, year=2025, expense="Matériel", amount=Decimal(10))
    funding = actions.add_funding_line(sheet, by=coordinator, funder="État", amount_requested=Decimal(10))
    member = actions.add_partner(sheet, by=coordinator, organisation=organisation)
    form = coordination.get(url("edit_content", "budget", line.pk))
    assert 'value="10,00"' in form.content.decode()
    edits = {
        ("etapes", step.pk): {"title": "Recenser les scanners", "status": "in_progress"},
        ("budget", line.pk): {"year": "2026", "expense": "Matériel", "amount": "12,50"},
        ("financements", funding.pk): {
            "funder": "État",
            "amount_requested": "10",
            "amount_obtained": "8",
            "status": "obtained",
        },
        ("partenaires", member.pk): {"organisation": organisation.pk, "role": "relaie auprès des entreprises"},
    }
    for (kind, pk), data in edits.items():
        assert coordination.get(url("edit_content", kind, pk)).status_code == 200
        assert coordination.post(url("edit_content", kind, pk), data).status_code == 302, kind
    step.refresh_from_db()
    line.refresh_from_db()
    funding.refresh_from_db()
    member.refresh_from_db()
    assert (step.title, line.amount, funding.amount_obtained, member.role) == (
        "Recenser les scanners",
        Decimal("12.50"),
        Decimal("8.00"),
        "relaie auprès des entreprises",
    )
    refused = coordination.post(
        url("edit_content", "financements", funding.pk),
        {"funder": "État", "amount_requested": "10", "status": "obtained"},
    )
    assert refused.status_code == 400
    assert "Un financement obtenu a un montant obtenu" in refused.content.decode()
    for kind, pk in edits:
        assert coordination.post(url("remove_content", kind, pk)).status_code == 302
    assert not (Step.objects.exists() or BudgetLine.objects.exists() or FundingLine.objects.exists())
    assert not SheetPartner.objects.exists()
    assert coordination.get(url("edit_content", "inconnu", 1)).status_code == 404
    assert coordination.get(url("edit_content", "etapes", 999999)).status_code == 404


def test_a_row_of_another_sheet_is_not_reachable_from_this_one(coordination, sheet):
    other = make_sheet(sheet.roadmap, code="FA2")
    step = actions.add_step(other, by=make_coordinator("autre@example.org"), title="Ailleurs")
    assert coordination.post(url("remove_content", "etapes", step.pk)).status_code == 404
    assert Step.objects.filter(pk=step.pk).exists()


@pytest.mark.parametrize("role", [None, Role.MEDIATOR, Role.PARTNER, Role.PLACE_MANAGER])
def test_only_coordinators_reach_the_content_pages(sheet, role):
    coordinator = make_coordinator()
    step = actions.add_step(sheet, by=coordinator, title="Recenser")
    scheme = make_scheme()
    resource = make_resource()
    client = Client()
    if role is not None:
        client.force_login(make_user(f"{role}@example.org", role=role))
    requests = [
        ("get", url("content"), {}),
        ("post", url("add_content", "etapes"), {"title": "Intrus", "status": "planned"}),
        ("get", url("edit_content", "etapes", step.pk), {}),
        ("post", url("edit_content", "etapes", step.pk), {"title": "Intrus", "status": "planned"}),
        ("post", url("remove_content", "etapes", step.pk), {}),
        ("post", url("add_suggested_funding"), {"scheme": scheme.pk, "amount_requested": "10"}),
        ("post", url("link"), {"kind": "resource", "pk": resource.pk, "operation": "link"}),
    ]
    for method, address, data in requests:
        response = getattr(client, method)(address, data)
        if role is None:
            assert response.status_code == 302 and "/connexion/" in response["Location"], address
        else:
            assert response.status_code == 403, address
    assert list(Step.objects.values_list("title", flat=True)) == ["Recenser"]
    assert not FundingLine.objects.exists() and not sheet.resources.exists()
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert "Compléter" not in page
    assert "Ajouter à la fiche" not in page


def test_a_partner_still_proposes_and_comments(sheet):
    member = Client()
    member.force_login(partner())
    assert member.get(url("propose")).status_code == 200
    assert member.post(url("comment"), {"text": "Nous pouvons prêter un scanner."}).status_code == 302
    assert sheet.comments.count() == 1


def test_the_sheet_suggests_schemes_with_reasons_and_what_is_missing(client, sheet):
    sheet.need_categories.add(NeedCategory.objects.get(code="3d_scanning"))
    BudgetLine.objects.create(sheet=sheet, year=2025, expense="Achat d'un scanner 3D", amount=Decimal("6000"))
    fits = make_scheme(
        title="Équiper les fablabs de la Nièvre",
        themes=("digital_fabrication",),
        expenses=("equipment",),
        amount_ceiling="5000",
        beneficiaries=("association",),
    )
    near = make_scheme(
        title="Appel régional innovation", perimeter=("region:27",), themes=("innovation",), expenses=("training",)
    )
    make_scheme(title="Ailleurs dans l'Yonne", perimeter=("departement:89",), themes=("innovation",))
    make_scheme(title="Appel clos", themes=("innovation",), status="closed")
    html = client.get(sheet.get_absolute_url()).content.decode()
    assert "Financements possibles" in html
    assert "Équiper les fablabs de la Nièvre" in html
    assert "thème : Fabrication numérique" in html
    assert "Appel régional innovation" in html
    assert "dépenses financées : Formation, pas Équipement, matériel" in html
    assert "Ailleurs dans l&#x27;Yonne" not in html and "Appel clos" not in html
    # The public reads suggestions, without the form that adds them.
    assert "Ajouter à la fiche" not in html
    client.force_login(make_coordinator())
    html = client.get(sheet.get_absolute_url()).content.decode()
    # The amount offered is what the budget still needs, within the scheme's ceiling.
    assert f'id="suggested-{fits.pk}" maxlength="20" required value="5000"' in html
    response = client.post(url("add_suggested_funding"), {"scheme": fits.pk, "amount_requested": "4 500"})
    assert response.status_code == 302
    line = FundingLine.objects.get()
    assert (line.scheme, line.funder, line.amount_requested, line.status) == (
        fits,
        "Département de la Nièvre",
        Decimal("4500.00"),
        FundingStatus.REQUESTED,
    )
    html = client.get(sheet.get_absolute_url()).content.decode()
    assert f'id="suggested-{fits.pk}"' not in html  # already on the sheet
    assert f'href="{fits.get_absolute_url()}"' in html
    assert f'id="suggested-{near.pk}" maxlength="20" required value="1500"' in html


def test_a_bad_suggested_amount_is_refused_with_a_message(coordination, sheet):
    scheme = make_scheme(themes=("innovation",))
    response = coordination.post(
        url("add_suggested_funding"), {"scheme": scheme.pk, "amount_requested": "mille"}, follow=True
    )
    assert "Financement non ajouté : Écrivez un montant" in response.content.decode()
    draft = make_scheme(status="draft")
    response = coordination.post(
        url("add_suggested_funding"), {"scheme": draft.pk, "amount_requested": "10"}, follow=True
    )
    assert "Financement non ajouté" in response.content.decode()
    assert not FundingLine.objects.exists()


def test_library_links_from_the_content_page_and_shown_on_the_sheet(coordination, sheet):
    guide = make_resource(title="Guide du scanner 3D", summary="Scanner un objet pas à pas.")
    workshop = make_event(title="Atelier scanner 3D", days_ahead=-10)
    make_resource(title="Scanner en brouillon", published=False)
    page = coordination.get(url("content"), {"q": "scanner"}).content.decode()
    assert "Guide du scanner 3D" in page and "Atelier scanner 3D" in page
    assert "Scanner en brouillon" not in page
    for kind, pk in (("resource", guide.pk), ("event", workshop.pk)):
        assert coordination.post(url("link"), {"kind": kind, "pk": pk, "operation": "link"}).status_code == 302
    html = Client().get(sheet.get_absolute_url()).content.decode()
    assert "Ressources et événements produits" in html
    assert f'href="{guide.get_absolute_url()}"' in html and f'href="{workshop.get_absolute_url()}"' in html
    from library.actions.resources import withdraw_resource

    withdraw_resource(resource=guide, actor=make_coordinator("autre@example.org"))
    assert "Guide du scanner 3D" not in Client().get(sheet.get_absolute_url()).content.decode()
    bad = coordination.post(url("link"), {"kind": "resource", "pk": guide.pk, "operation": "link"}, follow=True)
    assert "Seule une ressource publiée de la bibliothèque se lie à une fiche." in bad.content.decode()
    assert coordination.post(url("link"), {"kind": "thing", "pk": 1, "operation": "link"}).status_code == 302


def test_the_versions_page_compares_steps_and_funding(coordination, sheet):
    coordinator = make_coordinator("autre@example.org")
    actions.add_step(sheet, by=coordinator, title="Recenser les scanners")
    actions.add_funding_line(sheet, by=coordinator, funder="État", amount_requested=Decimal("1000"))
    html = coordination.get(url("versions"), {"de": 1, "a": 3}).content.decode()
    assert "<h3>Étapes</h3>" in html and "Recenser les scanners — du ? au ?" in html
    assert "<h3>Financements</h3>" in html and "État — demandé 1\u202f000,00\u00a0€" in html


def test_odt_holds_funding_with_its_scheme_and_the_library_tables(client, sheet):
    coordinator = make_coordinator()
    scheme = make_scheme(title="Équiper les fablabs")
    actions.add_funding_from_scheme(sheet, by=coordinator, scheme=scheme, amount_requested=Decimal("2500.50"))
    actions.add_funding_line(
        sheet,
        by=coordinator,
        funder="Fondation",
        scheme_title="Appel local",
        amount_requested=Decimal("100"),
        amount_obtained=Decimal("99.99"),
        status=FundingStatus.OBTAINED,
    )
    actions.add_step(sheet, by=coordinator, title="Recenser")
    guide = make_resource(title="Guide du scanner 3D", summary="Pas à pas.")
    make_resource(title="Brouillon lié ailleurs", published=False)
    workshop = make_event(title="Atelier scanner", days_ahead=-3, location_note="Salle des fêtes", online=False)
    actions.link_resource(sheet, by=coordinator, resource=guide)
    actions.link_event(sheet, by=coordinator, event=workshop)
    response = client.get(url("sheet_odt"))
    document = Document(io.BytesIO(response.content))
    tables = {table.name: table.get_values() for table in document.body.get_tables()}
    assert tables["FA1 financements"] == [
        ["Financeur", "Dispositif", "Demandé (€)", "Obtenu (€)", "État", "Fiche du dispositif"],
        [
            "Département de la Nièvre",
            "Équiper les fablabs",
            Decimal("2500.5"),
            0,
            "Demandé",
            "http://testserver" + scheme.get_absolute_url(),
        ],
        ["Fondation", "Appel local", 100, Decimal("99.99"), "Obtenu", ""],
    ]
    assert tables["FA1 étapes"][1][0] == "Recenser"
    assert tables["FA1 ressources"] == [
        ["Ressource", "Résumé", "Adresse"],
        ["Guide du scanner 3D", "Pas à pas.", "http://testserver" + guide.get_absolute_url()],
    ]
    assert tables["FA1 événements"][1][:2] == ["Atelier scanner", "Atelier"]
    assert tables["FA1 événements"][1][3] == "Salle des fêtes"
    whole = Document(io.BytesIO(client.get(reverse("roadmap:roadmap_odt", args=["test"])).content))
    assert "FA1 ressources" in {table.name for table in whole.body.get_tables()}


def test_the_dashboard_totals_stay_exact_with_catalogue_lines(client, sheet):
    coordinator = make_coordinator()
    actions.add_budget_line(sheet, by=coordinator, year=2025, expense="Matériel", amount=Decimal("0.10"))
    actions.add_budget_line(sheet, by=coordinator, year=2025, expense="Formation", amount=Decimal("0.20"))
    line = actions.add_funding_from_scheme(sheet, by=coordinator, scheme=make_scheme(), amount_requested=Decimal("0.1"))
    actions.edit_funding_line(
        line,
        by=coordinator,
        scheme=line.scheme,
        funder=line.funder,
        scheme_title=line.scheme_title,
        amount_requested=Decimal("0.10"),
        amount_obtained=Decimal("0.20"),
        status=FundingStatus.OBTAINED,
    )
    response = client.get(reverse("roadmap:dashboard", args=["test"]))
    assert response.context["totals"] == {
        "planned": Decimal("0.30"),
        "requested": Decimal("0.10"),
        "obtained": Decimal("0.20"),
    }


def test_the_admin_shows_the_sheets_rows_read_only(client, sheet):
    from accounts.models import User

    actions.add_step(sheet, by=make_coordinator(), title="Recenser les scanners")
    client.force_login(User.objects.create_superuser("admin@example.org", "motdepasse-tres-long-123"))
    page = client.get(reverse("admin:roadmap_actionsheet_change", args=[sheet.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Recenser les scanners" in html
    assert 'name="steps-0-title"' not in html and 'name="steps-TOTAL_FORMS"' in html
