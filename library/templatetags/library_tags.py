"""Template helpers of the library, and the hooks other apps' pages include to show related resources."""

from django import template
from django.utils import timezone

from library.models import AnswerSheet, Event, Resource
from library.names import public_name

register = template.Library()

# How many related items a hook shows at most, so that another app's page stays light.
HOOK_LIMIT = 5


@register.filter
def member_name(user: object) -> str:
    return public_name(user)


@register.filter
def filesize(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} Ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


@register.inclusion_tag("library/includes/place_library.html")
def place_library(place: object) -> dict:
    """On a place page: the resources one can try there and the coming events held there."""
    resources = list(Resource.objects.published().filter(places=place).order_by("-published_at")[:HOOK_LIMIT])
    events = list(
        Event.objects.listed().filter(place=place, ends_at__gte=timezone.now()).order_by("starts_at")[:HOOK_LIMIT]
    )
    return {"place": place, "resources": resources, "events": events}


@register.inclusion_tag("library/includes/request_library.html")
def request_library(request_obj: object) -> dict:
    """On a routed request: resources and answer sheets filed under the request's needs."""
    needs = list(request_obj.needs.all())
    if not needs:
        return {"resources": [], "sheets": []}
    resources = list(
        Resource.objects.published().filter(need_categories__in=needs).distinct().order_by("-published_at")[:HOOK_LIMIT]
    )
    sheets = list(AnswerSheet.objects.published().filter(need_categories__in=needs).distinct()[:HOOK_LIMIT])
    return {"resources": resources, "sheets": sheets}


@register.filter
def person(user: object) -> str:
    """A member as coordinators see them: their name, else their address."""
    return user.get_full_name() if user is not None else "—"


@register.inclusion_tag("library/includes/account_links.html")
def library_space(user: object) -> dict:
    """On "Mon espace": where a contributor's library work is, and the moderation queue for coordinators."""
    from library.access import can_contribute, can_moderate

    return {"contributor": can_contribute(user), "moderator": can_moderate(user)}
