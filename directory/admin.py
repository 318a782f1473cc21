from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from aiguillage.forms import PhoneField
from directory.models import Equipment, ItinerantStop, LikelyService, Operator, Place, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "vocabulary", "national_value", "position"]
    list_filter = ["vocabulary"]
    search_fields = ["label", "code", "synonyms", "national_value"]
    list_editable = ["position"]
    ordering = ["vocabulary", "position", "label"]


@admin.register(LikelyService)
class LikelyServiceAdmin(admin.ModelAdmin):
    list_display = ["term", "reason", "active"]
    list_filter = ["active", "term__vocabulary"]
    list_editable = ["active"]
    search_fields = ["term__label", "reason"]
    filter_horizontal = ["services"]
    autocomplete_fields = ["term"]


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "siret", "rna"]
    search_fields = ["name", "siret", "rna"]


class EquipmentInline(admin.TabularInline):
    model = Equipment
    extra = 1
    autocomplete_fields = ["kind"]


class ItinerantStopInline(admin.TabularInline):
    model = ItinerantStop
    extra = 0
    autocomplete_fields = ["commune"]


class StaleFilter(admin.SimpleListFilter):
    title = "fraîcheur"
    parameter_name = "fraicheur"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("unverified", "Jamais vérifié"), ("verified", "Vérifié")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "unverified":
            return queryset.filter(verified=False)
        if self.value() == "verified":
            return queryset.filter(verified=True)
        return queryset


class PlaceAdminForm(forms.ModelForm):
    # No Meta: the admin builds the fields, with its own URL scheme.
    def clean(self) -> dict:
        data = super().clean()
        both = {term.label for term in data.get("accessibility") or ()} & {
            term.label for term in data.get("accessibility_no") or ()
        }
        if both:
            self.add_error("accessibility_no", f"À la fois « oui » et « non » : {', '.join(sorted(both))}.")
        return data


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceAdminForm
    list_display = ["name", "commune", "status", "is_itinerant", "verified", "date_maj", "needs_review", "source"]
    list_filter = [
        "status",
        "needs_review",
        "point_to_check",
        StaleFilter,
        "is_itinerant",
        "source",
        ("typologies", admin.RelatedOnlyFieldListFilter),
        "commune__departement",
    ]
    search_fields = ["name", "commune__name", "commune__code", "operator__name", "source_id", "email"]
    autocomplete_fields = ["commune", "operator"]
    filter_horizontal = [
        "typologies",
        "services",
        "audiences",
        "publics",
        "accessibility",
        "accessibility_no",
        "fees",
        "labels",
        "access_modes",
        "support_modes",
    ]
    inlines = [EquipmentInline, ItinerantStopInline]
    list_select_related = ["commune__departement"]
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "operator", "typologies", "summary", "description"]}),
        (
            "Adresse et position",
            {
                "fields": [
                    "address",
                    "address_complement",
                    "postcode",
                    "commune",
                    ("latitude", "longitude"),
                    "point_source",
                    "point_to_check",
                    "access_directions",
                ],
            },
        ),
        ("Contact", {"fields": ["phone", "email", "website", "booking_url"]}),
        (
            "Horaires et état",
            {
                "fields": [
                    "opening_hours",
                    "opening_hours_note",
                    "status",
                    "status_date",
                    "status_note",
                    "is_itinerant",
                    "is_remote",
                ],
            },
        ),
        (
            "Offre et publics",
            {
                "fields": [
                    "services",
                    "audiences",
                    "publics",
                    "accessibility",
                    "accessibility_no",
                    "acceslibre_url",
                    "fees",
                    "fees_note",
                    "labels",
                    "access_modes",
                    "support_modes",
                ],
            },
        ),
        (
            "Provenance et fraîcheur",
            {
                "fields": [
                    "source",
                    "source_id",
                    "licence",
                    "date_maj",
                    "verified",
                    "verified_by",
                    "needs_review",
                    "review_note",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: object) -> object:
        if db_field.name == "phone":
            return PhoneField(label="Téléphone", required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
