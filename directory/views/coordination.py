"""The coordinators' view of the directory's quality: each list one click from the fix."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from aiguillage.lib.dates import add_months
from directory.access import require_coordinator
from directory.models import ErrorReport, Place, PlaceStatus

LIST_LIMIT = 200


@require_safe
@login_required
def quality(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    today = timezone.localdate()
    places = Place.objects.select_related("commune")
    live = places.exclude(status=PlaceStatus.CLOSED)
    since = add_months(today, -settings.RECENTLY_CLOSED_MONTHS)
    sections = [
        (
            "overdue",
            "Fiches à revérifier",
            "Jamais vérifiées, ou vérifiées il y a plus longtemps que leur fréquence de mise à jour.",
            live.stale(today).order_by("date_maj", "name"),
        ),
        (
            "unmanaged",
            "Lieux sans gestionnaire",
            "Personne ne peut tenir leur fiche à jour.",
            live.filter(managers=None),
        ),
        (
            "point",
            "Position à vérifier",
            "Le point fourni était loin de la commune : la carte montre le centre de la commune.",
            live.filter(point_to_check=True),
        ),
        (
            "closed",
            "Fermés récemment",
            f"Fermés définitivement depuis le {since:%d/%m/%Y}.",
            places.filter(status=PlaceStatus.CLOSED).exclude(status_date__lt=since).order_by("-status_date"),
        ),
    ]
    data = []
    for key, title, help_text, queryset in sections:
        total = queryset.count()
        data.append(
            {"key": key, "title": title, "help": help_text, "total": total, "places": list(queryset[:LIST_LIMIT])}
        )
    open_reports = ErrorReport.objects.pending().select_related("place__commune").order_by("created_at")
    context = {
        "sections": data,
        "open_reports": list(open_reports[:LIST_LIMIT]),
        "open_report_count": open_reports.count(),
        "place_count": live.count(),
        "today": today,
        "list_limit": LIST_LIMIT,
    }
    return render(request, "directory/coordination/quality.html", context)
