from django.contrib import admin

from legal.models import LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["kind", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
