from django.contrib import admin

from demandes.models import ContactView, NeedCategory, Orientation, Reason, Request, RequestEvent, RequestNeed


@admin.register(NeedCategory)
class NeedCategoryAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "production_run", "active", "position"]
    list_filter = ["active", "production_run"]
    search_fields = ["label", "code", "synonyms", "stems"]
    list_editable = ["position", "active"]
    filter_horizontal = ["services", "equipment"]


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "code", "active", "position"]
    list_filter = ["kind", "active"]
    list_editable = ["active", "position"]


class RequestNeedInline(admin.TabularInline):
    model = RequestNeed
    extra = 0


class OrientationInline(admin.TabularInline):
    model = Orientation
    extra = 0
    fields = ["place", "status", "sent_at", "expires_at", "responded_at", "decline_reason", "outcome"]
    readonly_fields = fields
    can_delete = False


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "actor_label", "from_status", "to_status", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the coordinators' pages, which record it."""

    list_display = ["reference", "created_at", "commune", "status", "unmet", "channel"]
    list_filter = ["status", "unmet", "channel", "audience"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    list_select_related = ["commune"]
    exclude = ["tracking_key_hash", "contact_name", "contact_email", "contact_phone"]
    inlines = [RequestNeedInline, OrientationInline, RequestEventInline]

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False


@admin.register(ContactView)
class ContactViewAdmin(admin.ModelAdmin):
    list_display = ["request", "viewer", "viewer_label", "viewed_at", "context"]
    list_filter = ["context"]
    search_fields = ["request__reference"]

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
