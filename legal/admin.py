from django.contrib import admin

from legal.models import HelpLine, LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["kind", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(HelpLine)
class HelpLineAdmin(admin.ModelAdmin):
    list_display = ["phone", "hours", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
