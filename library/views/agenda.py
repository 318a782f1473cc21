"""The agenda: upcoming and past events, itinerant stops, registrations, contributions and iCal feeds."""

import datetime as dt
import heapq
from itertools import islice

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import throttle
from aiguillage import page_cache
from directory.models import Place
from library import access, ical
from library.actions import ActionRefused
from library.actions import agenda as actions
from library.apps import PAGES_KEY
from library.forms import EventForm, ModerationNoteForm, RegistrationForm
from library.models import Event, EventKind, RegistrationStatus, Theme
from library.stops import StopVisit, stop_visits, upcoming_visits

PAGE_SIZE = 30
# The calendars carry what is coming and what happened lately, not the whole past.
CALENDAR_PAST_DAYS = 90


def _registration_limit() -> throttle.Limit:
    return throttle.Limit(
        "library-registration-ip", settings.LIBRARY_REGISTRATION_THROTTLE_PER_IP, settings.LIBRARY_THROTTLE_WINDOW
    )


def _visits(place: Place | None = None) -> list:
    start, days = timezone.localdate(), settings.LIBRARY_STOPS_WEEKS * 7
    if place is None:
        return upcoming_visits(start=start, days=days)
    return stop_visits(start=start, days=days, place=place)


class Timeline:
    """Events (a query in time order) and visits (a list in time order) as one list in time order, for the
    paginator: a page reads the events up to its end only, not every coming event (events first at equal times,
    as a stable sort of both would put them)."""

    def __init__(self, events: QuerySet[Event], visits: list[StopVisit]):
        self.events, self.visits = events, visits

    def count(self) -> int:
        return self.events.count() + len(self.visits)

    def __getitem__(self, window: slice) -> list:
        end = window.stop
        merged = heapq.merge(self.events[:end], self.visits[:end], key=lambda item: item.starts_at)
        return list(islice(merged, window.start or 0, end))


@require_safe
def agenda(request: HttpRequest) -> HttpResponse:
    return page_cache.serve(request, [PAGES_KEY], lambda: _agenda(request), params=("nature", "theme", "page"))


def _agenda(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = Event.objects.listed().upcoming(now).for_list()
    theme = None
    kind = request.GET.get("nature", "")
    if request.GET.get("theme"):
        theme = get_object_or_404(Theme, code=request.GET["theme"])
        events = events.filter(themes=theme)
    if kind and kind in EventKind.values:
        events = events.filter(kind=kind)
    show_stops = theme is None and kind in ("", "stop")
    if kind == "stop":
        events = events.none()
    visits = _visits() if show_stops else []
    context = {
        "page": Paginator(Timeline(events, visits), PAGE_SIZE).get_page(request.GET.get("page")),
        "themes": Theme.objects.filter(active=True),
        "kinds": EventKind.choices,
        "theme": theme,
        "kind": kind,
        "can_contribute": access.can_contribute(request.user),
        "weeks": settings.LIBRARY_STOPS_WEEKS,
    }
    response = render(request, "library/agenda/list.html", context)
    # True until the first coming event ends (it leaves the list) and until midnight (the stops' days).
    local = timezone.localtime(now)
    moments = [dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=local.tzinfo)]
    first_end = events.aggregate(first=Min("ends_at"))["first"]
    if first_end is not None:
        moments.append(first_end)
    response.kept_seconds = max(0.0, (min(moments) - now).total_seconds())  # type: ignore[attr-defined]
    return response


@require_safe
def past(request: HttpRequest) -> HttpResponse:
    events = Event.objects.listed().past().for_list().prefetch_related("resources")
    return render(
        request,
        "library/agenda/past.html",
        {"page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))},
    )


@require_safe
def event_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    event = access.get_event_for_reading(request.user, pk)
    if slug != event.slug:
        return redirect(event.get_absolute_url())
    return _render_event(request, event, RegistrationForm())


def _render_event(request: HttpRequest, event: Event, form: RegistrationForm, status: int = 200) -> HttpResponse:
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    can_edit = access.can_edit(request.user, event)
    context = {
        "event": event,
        "form": form,
        "confirmed": confirmed,
        "waiting": event.registrations.filter(status=RegistrationStatus.WAITING).count(),
        "seats_left": None if event.capacity is None else max(0, event.capacity - confirmed),
        "can_edit": can_edit,
        "can_moderate": access.can_moderate(request.user),
        "registrations": event.registrations.active() if can_edit else [],
        "resources": event.resources.filter(status="published"),
        "note_form": ModerationNoteForm(),
    }
    return render(request, "library/agenda/detail.html", context, status=status)


@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event_for_reading(request.user, pk)
    form = RegistrationForm(request.POST)
    ip = throttle.client_ip(request)
    if throttle.is_limited(_registration_limit(), ip):
        form.add_error(None, "Beaucoup d'inscriptions sont parties de cette adresse. Réessayez dans une heure.")
        return _render_event(request, event, form, status=429)
    if not form.is_valid():
        return _render_event(request, event, form, status=400)
    throttle.hit(_registration_limit(), ip)
    if form.cleaned_data["site_web"]:
        return render(request, "library/agenda/registered.html", {"event": event, "registration": None})
    try:
        registration = actions.register(
            event=event, name=form.cleaned_data["name"], email=form.cleaned_data["email"], user=request.user
        )
    except ActionRefused as refused:
        form.add_error(None, str(refused))
        return _render_event(request, event, form, status=400)
    return render(request, "library/agenda/registered.html", {"event": event, "registration": registration})


@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    from library.models import Registration

    registration = Registration.objects.filter(token=token).select_related("event").first()
    if registration is None:
        return render(request, "library/agenda/cancel.html", {"registration": None}, status=404)
    if request.method == "POST":
        registration = actions.cancel_registration(token=token)
        return render(request, "library/agenda/cancel.html", {"registration": registration, "done": True})
    return render(request, "library/agenda/cancel.html", {"registration": registration, "done": False})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def event_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_contributor(request.user)
    event = access.get_event_for_edit(request.user, pk) if pk else None
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            if event is None:
                event = actions.create_event(actor=request.user, content=form.content())
                messages.success(request, "Événement enregistré : la coordination le publiera dans l'agenda.")
            else:
                event = actions.update_event(event=event, actor=request.user, content=form.content())
                messages.success(request, "Événement modifié.")
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(event.get_absolute_url())
    return render(
        request, "library/agenda/form.html", {"form": form, "event": event}, status=400 if form.errors else 200
    )


@require_POST
@login_required
def event_status(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_moderator(request.user)
    event = get_object_or_404(Event, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "publish":
            actions.publish_event(event=event, actor=request.user)
            messages.success(request, "L'événement est publié dans l'agenda.")
        elif action == "cancel":
            actions.cancel_event(event=event, actor=request.user, note=request.POST.get("note", "")[:300])
            messages.success(request, "L'événement est annulé ; les inscrits sont prévenus.")
        else:
            messages.error(request, "Action inconnue.")
    except ActionRefused as refused:
        messages.error(request, str(refused))
    if request.POST.get("next") == "moderation":
        return redirect("library:moderation")
    return redirect(event.get_absolute_url())


def _calendar_events() -> object:
    since = timezone.now() - dt.timedelta(days=CALENDAR_PAST_DAYS)
    return (
        Event.objects.listed()
        .filter(ends_at__gte=since)
        .select_related("place__commune")
        .prefetch_related("themes")
        .order_by("starts_at", "pk")
    )


def _ics(name: str, filename: str, events: object, visits: list) -> HttpResponse:
    response = HttpResponse(
        ical.build_calendar(name=name, events=events, visits=visits), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_safe
def ical_all(request: HttpRequest) -> HttpResponse:
    return _ics(f"{settings.SITE_NAME} — agenda", "agenda", _calendar_events(), _visits())


@require_safe
def ical_theme(request: HttpRequest, code: str) -> HttpResponse:
    theme = get_object_or_404(Theme, code=code)
    return _ics(
        f"{settings.SITE_NAME} — agenda : {theme.label}",
        f"agenda-{theme.code}",
        _calendar_events().filter(themes=theme),
        [],
    )


@require_safe
def ical_place(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place.objects.public(), pk=pk)
    return _ics(
        f"{settings.SITE_NAME} — agenda : {place.name}",
        f"agenda-lieu-{place.pk}",
        _calendar_events().filter(place=place),
        _visits(place) if place.is_itinerant else [],
    )
