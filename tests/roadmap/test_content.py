"""Steps, budget, funding lines, partners and library links: each write, its version, and bad input refused."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Organisation, OrganisationKind
from roadmap import actions
from roadmap.actions import RoadmapError
from roadmap.models import BudgetLine, FundingLine, FundingStatus, SheetPartner, Step, StepStatus
from tests.funding.factories import make_scheme
from tests.library.factories import make_event, make_resource
from tests.roadmap.factories import make_coordinator, make_roadmap, make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return make_coordinator()


@pytest.fixture
def sheet():
    return make_sheet(make_roadmap())


@pytest.fixture
def fablab():
    return Organisation.objects.create(name="Fablab de Decize", kind=OrganisationKind.ASSOCIATION)


def test_a_step_is_added_edited_and_removed_each_time_as_a_version(sheet, coordinator, fablab):
    step = actions.add_step(
        sheet,
        by=coordinator,
        title="Recenser les scanners",
        start=date(2025, 1, 6),
        end=date(2025, 3, 31),
        owner=fablab,
    )
    second = actions.add_step(sheet, by=coordinator, title="Former les bénévoles")
    assert [s.title for s in sheet.steps.all()] == ["Recenser les scanners", "Former les bénévoles"]
    assert second.position == step.position + 1
    sheet.refresh_from_db()
    assert sheet.version == 3
    versions = list(sheet.versions.all())
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].data["steps"] == []
    assert versions[1].by == coordinator
    assert versions[1].note == "Étape ajoutée : Recenser les scanners"
    assert versions[1].data["steps"] == [
        "Recenser les scanners — du 06/01/2025 au 31/03/2025 — porteur : Fablab de Decize — prévue"
    ]

    actions.edit_step(
        step,
        by=coordinator,
        title="Recenser les scanners 3D",
        start=step.start,
        end=step.end,
        owner=fablab,
        status=StepStatus.DONE,
    )
    step.refresh_from_db()
    assert (step.title, step.status) == ("Recenser les scanners 3D", StepStatus.DONE)
    actions.remove_step(second, by=coordinator)
    assert list(sheet.steps.values_list("title", flat=True)) == ["Recenser les scanners 3D"]
    sheet.refresh_from_db()
    assert sheet.version == 5
    assert sheet.versions.get(number=5).note == "Étape retirée : Former les bénévoles"
    assert sheet.versions.get(number=4).data["steps"][1].startswith("Former les bénévoles — du ? au ?")


def test_an_edit_that_changes_nothing_makes_no_version(sheet, coordinator):
    step = actions.add_step(sheet, by=coordinator, title="Recenser")
    actions.edit_step(step, by=coordinator, title="Recenser", status=StepStatus.PLANNED)
    sheet.refresh_from_db()
    assert sheet.version == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "Indiquez le nom de l'étape."),
        ({"title": "x" * 301}, "300 caractères au plus"),
        ({"title": "Recenser", "start": date(2025, 3, 1), "end": date(2025, 2, 1)}, "La fin de l'étape vient avant"),
        ({"title": "Recenser", "status": "lost"}, "Choisissez l'état"),
    ],
)
def test_a_bad_step_is_refused_and_nothing_changes(sheet, coordinator, fields, message):
    with pytest.raises(RoadmapError, match=message):
        actions.add_step(sheet, by=coordinator, **fields)
    assert not Step.objects.exists()
    sheet.refresh_from_db()
    assert sheet.version == 1
    assert not sheet.versions.exists()


def test_budget_lines_keep_exact_decimals_and_their_total(sheet, coordinator):
    line = actions.add_budget_line(sheet, by=coordinator, year=2025, expense="Scanner 3D", amount=Decimal("4999.99"))
    actions.add_budget_line(sheet, by=coordinator, year=2026, expense="Formation", amount=Decimal("0.01"))
    assert sheet.budget_total() == Decimal("5000.00")
    actions.edit_budget_line(line, by=coordinator, year=2025, expense="Scanner 3D", amount=Decimal("1000.10"))
    assert sheet.budget_total() == Decimal("1000.11")
    sheet.refresh_from_db()
    assert sheet.versions.get(number=sheet.version).data["budget"] == [
        "2025 — Scanner 3D : 1\u202f000,10\u00a0€",
        "2026 — Formation : 0,01\u00a0€",
    ]
    actions.remove_budget_line(line, by=coordinator)
    assert list(BudgetLine.objects.values_list("expense", flat=True)) == ["Formation"]


@pytest.mark.parametrize(
    ("year", "expense", "amount", "message"),
    [
        (1999, "Matériel", Decimal(1), "entre 2000 et 2100"),
        (2025, "", Decimal(1), "Indiquez le poste de dépense"),
        (2025, "Matériel", Decimal("-1"), "positif ou nul"),
        (2025, "Matériel", Decimal("1.001"), "deux chiffres après la virgule"),
        (2025, "Matériel", Decimal("1e12"), "trop grand"),
        (2025, "Matériel", "beaucoup", "écrivez un nombre"),
    ],
)
def test_a_bad_budget_line_is_refused(sheet, coordinator, year, expense, amount, message):
    with pytest.raises(RoadmapError, match=message):
        actions.add_budget_line(sheet, by=coordinator, year=year, expense=expense, amount=amount)
    assert not BudgetLine.objects.exists()


def test_a_funding_line_from_a_catalogue_scheme_takes_its_funders_and_title(sheet, coordinator):
    scheme = make_scheme(
        title="Équiper les fablabs",
        funders=(("Département de la Nièvre", "departement"), ("Région Bourgogne-Franche-Comté", "region")),
    )
    line = actions.add_funding_from_scheme(sheet, by=coordinator, scheme=scheme, amount_requested=Decimal("2500.50"))
    assert line.scheme == scheme
    assert line.funder == "Département de la Nièvre, Région Bourgogne-Franche-Comté"
    assert line.scheme_title == "Équiper les fablabs"
    assert (line.status, line.amount_obtained) == (FundingStatus.REQUESTED, Decimal("0.00"))
    with pytest.raises(RoadmapError, match="déjà sa ligne"):
        actions.add_funding_from_scheme(sheet, by=coordinator, scheme=scheme, amount_requested=Decimal(1))
    assert FundingLine.objects.count() == 1
    sheet.refresh_from_db()
    assert sheet.versions.get(number=sheet.version).note == "Financement ajouté : Équiper les fablabs"


def test_a_funding_line_outside_the_catalogue_keeps_its_free_text(sheet, coordinator):
    line = actions.add_funding_line(
        sheet, by=coordinator, funder="Fondation locale", scheme_title="Appel 2025", amount_requested=Decimal(800)
    )
    assert (line.scheme, line.funder, line.scheme_title) == (None, "Fondation locale", "Appel 2025")
    with pytest.raises(RoadmapError, match="Indiquez le financeur"):
        actions.add_funding_line(sheet, by=coordinator, amount_requested=Decimal(1))


def test_funding_amounts_follow_the_status(sheet, coordinator):
    line = actions.add_funding_line(sheet, by=coordinator, funder="État", amount_requested=Decimal(1000))
    with pytest.raises(RoadmapError, match="montant obtenu : indiquez-le"):
        actions.edit_funding_line(
            line, by=coordinator, funder="État", amount_requested=Decimal(1000), status=FundingStatus.OBTAINED
        )
    with pytest.raises(RoadmapError, match="ne s'indique que pour un financement obtenu"):
        actions.edit_funding_line(
            line,
            by=coordinator,
            funder="État",
            amount_requested=Decimal(1000),
            amount_obtained=Decimal(5),
            status=FundingStatus.REFUSED,
        )
    actions.edit_funding_line(
        line,
        by=coordinator,
        funder="État",
        amount_requested=Decimal(1000),
        amount_obtained=Decimal("750.25"),
        status=FundingStatus.OBTAINED,
    )
    assert sheet.funding_obtained() == Decimal("750.25")


def test_a_draft_scheme_cannot_be_linked_but_a_line_keeps_its_scheme_once_it_closes(sheet, coordinator):
    draft = make_scheme(status="draft")
    with pytest.raises(RoadmapError, match="pas publié"):
        actions.add_funding_from_scheme(sheet, by=coordinator, scheme=draft, amount_requested=Decimal(1))
    scheme = make_scheme(title="Ancien appel")
    line = actions.add_funding_from_scheme(sheet, by=coordinator, scheme=scheme, amount_requested=Decimal(100))
    scheme.status = "draft"
    scheme.save()
    actions.edit_funding_line(
        line,
        by=coordinator,
        scheme=scheme,
        funder=line.funder,
        scheme_title=line.scheme_title,
        amount_requested=Decimal(200),
    )
    line.refresh_from_db()
    assert (line.scheme, line.amount_requested) == (scheme, Decimal("200.00"))


def test_switching_a_line_to_another_scheme_takes_the_new_ones_names(sheet, coordinator):
    first = make_scheme(title="Premier", funders=(("Préfecture", "state"),))
    second = make_scheme(title="Second", funders=(("Banque des Territoires", "public_body"),))
    line = actions.add_funding_from_scheme(sheet, by=coordinator, scheme=first, amount_requested=Decimal(100))
    actions.edit_funding_line(
        line,
        by=coordinator,
        scheme=second,
        funder=line.funder,
        scheme_title=line.scheme_title,
        amount_requested=Decimal(100),
    )
    line.refresh_from_db()
    assert (line.scheme, line.funder, line.scheme_title) == (second, "Banque des Territoires", "Second")
    actions.remove_funding_line(line, by=coordinator)
    assert not FundingLine.objects.exists()


def test_partners_with_roles(sheet, coordinator, fablab):
    other = Organisation.objects.create(name="CCI de la Nièvre", kind=OrganisationKind.CHAMBER)
    partner = actions.add_partner(sheet, by=coordinator, organisation=fablab, role="prête le scanner")
    with pytest.raises(RoadmapError, match="déjà partenaire"):
        actions.add_partner(sheet, by=coordinator, organisation=fablab)
    actions.add_partner(sheet, by=coordinator, organisation=other)
    with pytest.raises(RoadmapError, match="déjà partenaire"):
        actions.edit_partner(partner, by=coordinator, organisation=other)
    actions.edit_partner(partner, by=coordinator, organisation=fablab, role="forme les bénévoles")
    sheet.refresh_from_db()
    assert sheet.versions.get(number=sheet.version).data["partners"] == [
        "Fablab de Decize (forme les bénévoles)",
        "CCI de la Nièvre",
    ]
    actions.remove_partner(partner, by=coordinator)
    assert list(SheetPartner.objects.values_list("organisation__name", flat=True)) == ["CCI de la Nièvre"]


def test_only_published_library_items_are_linked(sheet, coordinator):
    guide = make_resource(title="Guide du scanner 3D")
    draft = make_resource(title="Brouillon", published=False)
    workshop = make_event(title="Atelier scanner")
    draft_event = make_event(title="Atelier en préparation", published=False)
    actions.link_resource(sheet, by=coordinator, resource=guide)
    actions.link_event(sheet, by=coordinator, event=workshop)
    with pytest.raises(RoadmapError, match="ressource publiée"):
        actions.link_resource(sheet, by=coordinator, resource=draft)
    with pytest.raises(RoadmapError, match="événement publié"):
        actions.link_event(sheet, by=coordinator, event=draft_event)
    assert list(sheet.resources.all()) == [guide]
    assert list(sheet.events.all()) == [workshop]
    sheet.refresh_from_db()
    data = sheet.versions.get(number=sheet.version).data
    assert data["resources"] == ["Guide du scanner 3D"]
    assert data["events"][0].startswith("Atelier scanner (")
    actions.unlink_resource(sheet, by=coordinator, resource=guide)
    actions.unlink_event(sheet, by=coordinator, event=workshop)
    assert not sheet.resources.exists() and not sheet.events.exists()
    sheet.refresh_from_db()
    assert sheet.version == 5


def test_a_proposal_still_applies_after_a_content_change(sheet, coordinator):
    from tests.roadmap.factories import partner

    proposal = actions.propose(sheet, author=partner(), changes={"goals": "Former au scanner."})
    actions.add_step(sheet, by=coordinator, title="Recenser")
    sheet = actions.accept_proposal(proposal, by=coordinator)
    assert sheet.goals == "Former au scanner."
    assert sheet.version == 3
    assert sheet.versions.get(number=3).data["steps"][0].startswith("Recenser")
