"""Resources: the public list and pages, the file download, contributions, votes, reports, collections."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import throttle
from aiguillage import page_cache
from library import access
from library.actions import ActionRefused
from library.actions import resources as actions
from library.apps import PAGES_KEY
from library.forms import AddToCollectionForm, CollectionForm, ReportForm, ResourceFilterForm, ResourceForm
from library.models import (
    AnswerSheet,
    Collection,
    CollectionItem,
    Event,
    Resource,
    ResourceStatus,
    ResourceVote,
    Theme,
)
from library.search import Filters, search

PAGE_SIZE = 20
# The list's query parameters: an address with others is not kept as rendered (aiguillage.page_cache).
LIST_PARAMS = frozenset([*ResourceFilterForm.base_fields, "page"])


def _report_limit() -> throttle.Limit:
    return throttle.Limit(
        "library-report-ip", settings.LIBRARY_REPORT_THROTTLE_PER_IP, settings.LIBRARY_THROTTLE_WINDOW
    )


@require_safe
def resource_list(request: HttpRequest) -> HttpResponse:
    return page_cache.serve(request, [PAGES_KEY], lambda: _resource_list(request), params=LIST_PARAMS)


def _resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None)
    status = 200
    resources = Resource.objects.published().for_cards()
    if form.is_bound and not form.is_valid():
        status = 400
        resources = resources.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["q"]:
            outcome = search(
                Filters(
                    q=data["q"],
                    kind="resource",
                    theme=data["theme"],
                    audience=data["public"],
                    format=data["format"],
                    easy_read=data["falc"],
                )
            )
            order = {hit.item.pk: position for position, hit in enumerate(outcome.hits)}
            found = list(resources.filter(pk__in=order))
            found.sort(key=lambda resource: order[resource.pk])
            resources = found
        else:
            if data["theme"]:
                resources = resources.filter(themes=data["theme"])
            if data["public"]:
                resources = resources.filter(audiences=data["public"])
            if data["format"]:
                resources = resources.filter(format=data["format"])
            if data["falc"]:
                resources = resources.filter(easy_read=True)
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "themes": Theme.objects.filter(active=True),
        "sheets": AnswerSheet.objects.published().order_by("-reviewed_on")[:4],
        "can_contribute": access.can_contribute(request.user),
    }
    return render(request, "library/resources/list.html", context, status=status)


@require_safe
def resource_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    resource = access.get_resource_for_reading(
        request.user,
        pk,
        Resource.objects.select_related("created_by").prefetch_related(
            "themes", "audiences", "accessibility", "need_categories", "places__commune"
        ),
    )
    if slug != resource.slug:
        return redirect(resource.get_absolute_url())
    user = request.user
    voted = user.is_authenticated and ResourceVote.objects.filter(resource=resource, user=user).exists()
    collections = (
        Collection.objects.filter(owner=user).order_by("title")
        if access.can_contribute(user)
        else Collection.objects.none()
    )
    context = {
        "resource": resource,
        "useful_count": resource.votes.count(),
        "voted": voted,
        "can_edit": access.can_edit(user, resource),
        "can_moderate": access.can_moderate(user),
        "events": Event.objects.listed().filter(resources=resource).for_list().order_by("-starts_at")[:5],
        "sheets": resource.answer_sheets.filter(status="published"),
        "public_collections": resource.collections.filter(is_public=True),
        "add_form": AddToCollectionForm(collections=collections) if collections else None,
    }
    return render(request, "library/resources/detail.html", context)


@require_safe
def resource_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file, under the type its content showed, never interpreted by the browser as a page."""
    resource = access.get_resource_for_reading(request.user, pk)
    if not resource.file or not default_storage.exists(resource.file.name):
        raise Http404
    response = FileResponse(
        default_storage.open(resource.file.name, "rb"),
        content_type=resource.file_type or "application/octet-stream",
        as_attachment=not resource.is_image,
        filename=resource.file_name or f"document{resource.file.name[-4:]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def resource_new(request: HttpRequest) -> HttpResponse:
    access.require_contributor(request.user)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = actions.create_resource(actor=request.user, content=form.content())
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, "Merci ! La ressource est enregistrée : la coordination la relira avant de la publier."
            )
            return redirect(resource.get_absolute_url())
    context = {"form": form, "resource": None, "max_mb": settings.LIBRARY_MAX_UPLOAD_MB}
    return render(request, "library/resources/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = access.get_resource_for_edit(request.user, pk)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            resource = actions.update_resource(resource=resource, actor=request.user, content=form.content())
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Modifications enregistrées.")
            return redirect(resource.get_absolute_url())
    context = {"form": form, "resource": resource, "max_mb": settings.LIBRARY_MAX_UPLOAD_MB}
    return render(request, "library/resources/form.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def resource_vote(request: HttpRequest, pk: int) -> HttpResponse:
    resource = access.get_resource_for_reading(request.user, pk)
    try:
        actions.set_vote(resource=resource, user=request.user, useful=request.POST.get("utile") != "non")
    except ActionRefused as refused:
        messages.error(request, str(refused))
    return redirect(resource.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def resource_report(request: HttpRequest, pk: int) -> HttpResponse:
    resource = access.get_resource_for_reading(request.user, pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip = throttle.client_ip(request)
        if throttle.is_limited(_report_limit(), ip):
            form.add_error(None, "Vous avez envoyé beaucoup de signalements. Réessayez dans une heure.")
            status = 429
        elif form.is_valid():
            throttle.hit(_report_limit(), ip)
            data = form.cleaned_data
            if not data["site_web"]:
                actions.report_resource(
                    resource=resource,
                    kind=data["kind"],
                    message=data["message"],
                    contact=data["contact"],
                    reporter=request.user,
                )
            return render(request, "library/resources/report_thanks.html", {"resource": resource})
        else:
            status = 400
    return render(request, "library/resources/report.html", {"form": form, "resource": resource}, status=status)


@require_POST
@login_required
def resource_status(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_moderator(request.user)
    resource = get_object_or_404(Resource, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "publish":
            actions.publish_resource(resource=resource, actor=request.user)
            messages.success(request, "La ressource est publiée.")
        elif action == "withdraw":
            actions.withdraw_resource(resource=resource, actor=request.user, note=request.POST.get("note", "")[:300])
            messages.success(request, "La ressource est retirée : elle n'est plus visible du public.")
        else:
            messages.error(request, "Action inconnue.")
    except ActionRefused as refused:
        messages.error(request, str(refused))
    if request.POST.get("next") == "moderation":
        return redirect("library:moderation")
    return redirect(resource.get_absolute_url())


@require_safe
def collection_list(request: HttpRequest) -> HttpResponse:
    collections = Collection.objects.public().select_related("owner")
    mine = Collection.objects.filter(owner=request.user) if request.user.is_authenticated else Collection.objects.none()
    context = {"collections": collections, "mine": mine, "can_contribute": access.can_contribute(request.user)}
    return render(request, "library/resources/collections.html", context)


def _collection_for_reading(request: HttpRequest, pk: int) -> Collection:
    collection = get_object_or_404(Collection.objects.select_related("owner"), pk=pk)
    if not collection.is_public and collection.owner_id != request.user.pk:
        raise Http404
    return collection


def _collection_for_edit(request: HttpRequest, pk: int) -> Collection:
    collection = get_object_or_404(Collection.objects.select_related("owner"), pk=pk)
    if not (
        collection.owner_id == request.user.pk or (collection.by_coordination and access.can_moderate(request.user))
    ):
        raise Http404
    return collection


@require_safe
def collection_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    collection = _collection_for_reading(request, pk)
    if slug != collection.slug:
        return redirect(collection.get_absolute_url())
    items = (
        CollectionItem.objects.filter(collection=collection, resource__status=ResourceStatus.PUBLISHED)
        .select_related("resource")
        .prefetch_related("resource__themes")
    )
    can_edit = collection.owner_id == request.user.pk or (
        collection.by_coordination and access.can_moderate(request.user)
    )
    return render(
        request, "library/resources/collection.html", {"collection": collection, "items": items, "can_edit": can_edit}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def collection_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_contributor(request.user)
    collection = _collection_for_edit(request, pk) if pk else None
    initial = (
        {"title": collection.title, "description": collection.description, "is_public": collection.is_public}
        if collection
        else None
    )
    form = CollectionForm(
        request.POST or None, initial=initial, moderator=access.can_moderate(request.user) and collection is None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if collection is None:
            collection = actions.create_collection(
                owner=request.user,
                title=data["title"],
                description=data["description"],
                is_public=data["is_public"],
                by_coordination=data.get("by_coordination", False),
            )
            messages.success(request, "Collection créée. Ajoutez-y des ressources depuis leur page.")
        else:
            actions.update_collection(
                collection=collection,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                is_public=data["is_public"],
            )
            messages.success(request, "Collection enregistrée.")
        return redirect(collection.get_absolute_url())
    return render(
        request,
        "library/resources/collection_form.html",
        {"form": form, "collection": collection, "show_coordination": "by_coordination" in form.fields},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def collection_add(request: HttpRequest, pk: int) -> HttpResponse:
    resource = access.get_resource_for_reading(request.user, pk)
    form = AddToCollectionForm(request.POST, collections=Collection.objects.filter(owner=request.user))
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(resource.get_absolute_url())
    collection = form.cleaned_data["collection"]
    try:
        actions.add_to_collection(
            collection=collection, resource=resource, actor=request.user, note=form.cleaned_data["note"]
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Ajoutée à « {collection.title} ».")
    return redirect(resource.get_absolute_url())


@require_POST
@login_required
def collection_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    collection = _collection_for_edit(request, pk)
    item = get_object_or_404(CollectionItem.objects.select_related("collection"), pk=item_pk, collection=collection)
    action = request.POST.get("action")
    if action == "remove":
        actions.remove_from_collection(item=item, actor=request.user)
        messages.success(request, "Ressource retirée de la collection.")
    elif action in ("up", "down"):
        actions.move_in_collection(item=item, actor=request.user, up=action == "up")
    else:
        messages.error(request, "Action inconnue.")
    return redirect(collection.get_absolute_url())
