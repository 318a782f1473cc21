"""What every page of the observatory passes to its template."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from observatory.access import Audience, audience_of


def render_page(request: HttpRequest, template: str, context: dict, *, current: str, status: int = 200) -> HttpResponse:
    audience = audience_of(request.user)
    context = {"observer": audience is not Audience.PUBLIC, "audience": audience, "current": current, **context}
    return render(request, template, context, status=status)
