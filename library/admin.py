"""Coordinators edit the vocabularies (themes, audiences) and the followed feeds here; content goes through the site."""

from django.contrib import admin

from library.models import Audience, FeedSource, LibraryChange, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "disability_kit", "active", "position"]
    list_editable = ["position", "active"]
    search_fields = ["label", "code", "synonyms"]


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position"]
    list_editable = ["position"]


@admin.register(FeedSource)
class FeedSourceAdmin(admin.ModelAdmin):
    list_display = ["title", "url", "active", "last_fetched_at", "last_error"]
    list_filter = ["active"]
    filter_horizontal = ["themes"]
    readonly_fields = ["last_fetched_at", "last_error"]


@admin.register(LibraryChange)
class LibraryChangeAdmin(admin.ModelAdmin):
    """The history is read here, never written: every change comes from the library's own functions."""

    list_display = ["created_at", "action", "content_type", "object_id", "actor", "note"]
    list_filter = ["action", "content_type"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
