from django.contrib import admin

from roadmap.models import (
    ActionSheet,
    Axis,
    BudgetLine,
    Committee,
    Decision,
    FundingLine,
    Indicator,
    Measurement,
    Roadmap,
    SheetPartner,
    Step,
)


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "is_public"]
    inlines = [AxisInline]
    prepopulated_fields = {"slug": ["title"]}


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0


class ReadOnlyInline(admin.TabularInline):
    """Steps, budget, funding and partners are written from the sheet's "Compléter" page, each change a version."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class PartnerInline(ReadOnlyInline):
    model = SheetPartner


class StepInline(ReadOnlyInline):
    model = Step


class BudgetInline(ReadOnlyInline):
    model = BudgetLine


class FundingInline(ReadOnlyInline):
    model = FundingLine


@admin.register(ActionSheet)
class ActionSheetAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "roadmap", "status"]
    list_filter = ["roadmap", "status"]
    # The text fields change through the sheet's page, its steps, budget, funding, partners and links through its
    # "Compléter" page (each change a version), the status through its transitions.
    readonly_fields = ["status", "version", *ActionSheet.EDITABLE_FIELDS, "resources", "events"]
    inlines = [PartnerInline, StepInline, BudgetInline, FundingInline, IndicatorInline]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "roadmap"]
    inlines = [DecisionInline]


admin.site.register(Measurement)
