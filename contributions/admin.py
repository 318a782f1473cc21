from django.contrib import admin

from contributions.models import Claim, Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("place_name", "commune", "organisation_name", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("place_name", "email", "organisation_name")
    raw_id_fields = ("commune", "place", "possible_duplicates")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("email", "place", "status", "automatic", "created_at")
    list_filter = ("status", "automatic")
    search_fields = ("email", "organisation_name", "place__name")
    raw_id_fields = ("place",)
