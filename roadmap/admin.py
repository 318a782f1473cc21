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


class PartnerInline(admin.TabularInline):
    model = SheetPartner
    extra = 0


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


class BudgetInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class FundingInline(admin.TabularInline):
    model = FundingLine
    extra = 0


@admin.register(ActionSheet)
class ActionSheetAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "roadmap", "status"]
    list_filter = ["roadmap", "status"]
    # The text fields change through the sheet's page (each change a version), the status through its transitions.
    readonly_fields = ["status", "version", *ActionSheet.EDITABLE_FIELDS]
    inlines = [PartnerInline, StepInline, BudgetInline, FundingInline, IndicatorInline]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "roadmap"]
    inlines = [DecisionInline]


admin.site.register(Measurement)
