from decimal import Decimal

from accounts.models import Role
from roadmap.models import ActionSheet, Axis, AxisKind, BudgetLine, FundingLine, FundingStatus, Roadmap
from roadmap.seed import load_roadmap_demo
from tests.accounts.factories import make_coordinator, make_user


def make_roadmap(*, public: bool = True) -> Roadmap:
    roadmap = Roadmap.objects.create(title="Feuille de route test", slug="test", territory="Nièvre", is_public=public)
    Axis.objects.create(roadmap=roadmap, kind=AxisKind.INNOVATION, title="Axe Innovation")
    return roadmap


def make_sheet(roadmap: Roadmap, code: str = "FA1", **fields: object) -> ActionSheet:
    fields.setdefault("title", "Renforcer les fablabs")
    fields.setdefault("context", "Des fablabs manquent de scanners 3D.")
    return ActionSheet.objects.create(roadmap=roadmap, axis=roadmap.axes.get(), code=code, **fields)


def add_money(sheet: ActionSheet) -> None:
    BudgetLine.objects.create(sheet=sheet, year=2025, expense="Scanner 3D", amount=Decimal("4999.99"))
    BudgetLine.objects.create(sheet=sheet, year=2026, expense="Formation", amount=Decimal("1200.01"))
    FundingLine.objects.create(
        sheet=sheet,
        funder="Région",
        amount_requested=Decimal("3000.10"),
        amount_obtained=Decimal("2500.05"),
        status=FundingStatus.OBTAINED,
    )
    FundingLine.objects.create(
        sheet=sheet, funder="État", amount_requested=Decimal("1000"), status=FundingStatus.REFUSED
    )


def partner(email: str = "partenaire@cci.example"):  # noqa: ANN201
    return make_user(email, role=Role.PARTNER)


__all__ = ["load_roadmap_demo", "make_coordinator"]
