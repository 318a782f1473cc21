from django.contrib import admin

from funding.models import Alert, AlertDigest, Funder, FundingTerm, Scheme, SchemeArea, SchemeChange


@admin.register(FundingTerm)
class FundingTermAdmin(admin.ModelAdmin):
    list_display = ("label", "vocabulary", "code", "active", "position")
    list_filter = ("vocabulary", "active")
    search_fields = ("label", "code", "synonyms")
    # Codes change through funding.vocabularies (rename_term, retire_term): saved searches depend on them.
    readonly_fields = ("vocabulary", "code", "former_codes", "active", "replaced_by")

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "website")
    list_filter = ("level",)
    search_fields = ("name",)


class SchemeAreaInline(admin.TabularInline):
    model = SchemeArea
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    """Read-only here: schemes are written through the catalogue's pages, which check and record every change."""

    list_display = ("title", "status", "needs_check", "checked_on", "updated_at")
    list_filter = ("status", "needs_check", "recurrence", "source")
    search_fields = ("title", "summary", "source_id")
    inlines = [SchemeAreaInline]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(SchemeChange)
class SchemeChangeAdmin(admin.ModelAdmin):
    list_display = ("scheme", "kind", "actor", "created_at")
    list_filter = ("kind",)

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("email", "status", "created_at", "confirmed_at", "last_digest_at")
    list_filter = ("status",)
    search_fields = ("email",)
    readonly_fields = ("token",)


@admin.register(AlertDigest)
class AlertDigestAdmin(admin.ModelAdmin):
    list_display = ("alert", "status", "created_at")
    list_filter = ("status",)
