"""Pages of the site about the API (the API itself is api/v1.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from api import reference as builder
from api.v1 import api


@require_safe
def reference(request: HttpRequest) -> HttpResponse:
    """Public: the API's reference, from its OpenAPI document."""
    context = {
        **builder.build(api.get_openapi_schema()),
        "openapi_url": reverse("api-v1:openapi-json"),
        "swagger_url": reverse("api-v1:openapi-view"),
    }
    return render(request, "api/reference.html", context)
