from django.contrib import admin

from territory.models import Commune, CommuneOutline, Departement, Epci


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "siren"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "departement", "epci", "population", "postcodes"]
    list_filter = ["departement"]
    search_fields = ["name", "search_name", "code", "postcodes"]
    list_select_related = ["departement", "epci"]
    readonly_fields = ["search_name"]
    autocomplete_fields = ["epci"]


@admin.register(CommuneOutline)
class CommuneOutlineAdmin(admin.ModelAdmin):
    list_display = ["commune", "tolerance", "updated_at"]
    search_fields = ["commune__name", "commune__code"]
    list_select_related = ["commune"]
    raw_id_fields = ["commune"]
    readonly_fields = ["geometry", "tolerance", "updated_at"]
