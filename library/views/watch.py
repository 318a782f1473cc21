"""The club innovation's watch: posts, themes and members to follow, the personal feed, the digest, the queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from library import access
from library.actions import ActionRefused
from library.actions import watch as actions
from library.forms import CommentForm, PostForm
from library.history import changes_of
from library.models import (
    DigestStatus,
    DigestSubscription,
    EntryStatus,
    FeedEntry,
    MemberFollow,
    PostStatus,
    Resource,
    Theme,
    ThemeFollow,
    WatchComment,
    WatchPost,
)

PAGE_SIZE = 20


def _page(request: HttpRequest, posts: object) -> object:
    return Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))


def _followed_theme_ids(user: object) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(ThemeFollow.objects.filter(user=user).values_list("theme_id", flat=True))


@require_safe
def watch_home(request: HttpRequest) -> HttpResponse:
    posts = WatchPost.objects.published().for_list()
    context = {
        "page": _page(request, posts),
        "themes": Theme.objects.filter(active=True),
        "followed": _followed_theme_ids(request.user),
        "can_contribute": access.can_contribute(request.user),
        "pending_entries": FeedEntry.objects.filter(status=EntryStatus.PENDING).count()
        if access.can_contribute(request.user)
        else 0,
    }
    return render(request, "library/watch/home.html", context)


@require_safe
def watch_theme(request: HttpRequest, code: str) -> HttpResponse:
    theme = get_object_or_404(Theme, code=code)
    posts = WatchPost.objects.published().filter(themes=theme).for_list()
    context = {
        "theme": theme,
        "page": _page(request, posts),
        "following": theme.pk in _followed_theme_ids(request.user),
        "resources": Resource.objects.published().filter(themes=theme).order_by("-published_at")[:5],
        "follower_count": theme.followers.count(),
    }
    return render(request, "library/watch/theme.html", context)


@require_safe
def member_page(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, is_active=True)
    posts = WatchPost.objects.published().filter(author=member).for_list()
    if not posts.exists() and not access.can_contribute(member):
        return render(request, "library/watch/member.html", {"member": None}, status=404)
    following = (
        request.user.is_authenticated and MemberFollow.objects.filter(follower=request.user, followed=member).exists()
    )
    context = {"member": member, "page": _page(request, posts), "following": following}
    return render(request, "library/watch/member.html", context)


@require_safe
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(WatchPost.objects.select_related("author").prefetch_related("themes"), pk=pk)
    moderator = access.can_moderate(request.user)
    if post.status != PostStatus.PUBLISHED and not (moderator or post.author_id == request.user.pk):
        return render(request, "library/watch/hidden.html", status=404)
    comments = WatchComment.objects.filter(post=post).select_related("author")
    if not moderator:
        comments = comments.filter(hidden=False)
    context = {
        "post": post,
        "comments": comments,
        "comment_form": CommentForm() if access.can_contribute(request.user) else None,
        "can_edit": post.author_id == request.user.pk or moderator,
        "can_moderate": moderator,
    }
    return render(request, "library/watch/post.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def post_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_contributor(request.user)
    post = None
    entry = None
    if pk is not None:
        post = get_object_or_404(WatchPost, pk=pk)
        if post.author_id != request.user.pk and not access.can_moderate(request.user):
            return render(request, "library/watch/hidden.html", status=403)
        initial = {"title": post.title, "url": post.url, "why": post.why, "themes": list(post.themes.all())}
    elif request.GET.get("proposition") or request.POST.get("proposition"):
        entry = get_object_or_404(
            FeedEntry.objects.select_related("source"),
            pk=request.GET.get("proposition") or request.POST.get("proposition"),
            status=EntryStatus.PENDING,
        )
        initial = {"title": entry.title, "url": entry.url, "themes": list(entry.source.themes.all())}
    else:
        initial = {}
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if post is None:
                post = actions.share_post(
                    author=request.user,
                    title=data["title"],
                    url=data["url"],
                    why=data["why"],
                    themes=list(data["themes"]),
                    entry=entry,
                )
                messages.success(request, "Merci, votre article est partagé avec le club.")
            else:
                post = actions.update_post(
                    post=post,
                    actor=request.user,
                    title=data["title"],
                    url=data["url"],
                    why=data["why"],
                    themes=list(data["themes"]),
                )
                messages.success(request, "Article modifié.")
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(post.get_absolute_url())
    context = {"form": form, "post": post, "entry": entry}
    return render(request, "library/watch/post_form.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_contributor(request.user)
    post = get_object_or_404(WatchPost.objects.select_related("author"), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.add_comment(post=post, author=request.user, body=form.cleaned_data["body"])
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Commentaire publié.")
    else:
        messages.error(request, "Écrivez un commentaire (2 000 caractères au plus).")
    return redirect(post.get_absolute_url() + "#commentaires")


@require_POST
@login_required
def moderate_post(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_moderator(request.user)
    post = get_object_or_404(WatchPost, pk=pk)
    comment_pk = request.POST.get("comment")
    hidden = request.POST.get("action") == "hide"
    if comment_pk:
        target = get_object_or_404(WatchComment, pk=comment_pk, post=post)
        actions.set_comment_hidden(comment=target, actor=request.user, hidden=hidden)
    else:
        actions.set_post_hidden(post=post, actor=request.user, hidden=hidden, note=request.POST.get("note", "")[:300])
    messages.success(request, "C'est fait.")
    return redirect(post.get_absolute_url())


@require_POST
@login_required
def follow_theme(request: HttpRequest, code: str) -> HttpResponse:
    theme = get_object_or_404(Theme, code=code)
    follow = request.POST.get("suivre") != "non"
    actions.follow_theme(user=request.user, theme=theme, follow=follow)
    messages.success(
        request,
        f"Vous suivez le thème « {theme.label} »." if follow else f"Vous ne suivez plus le thème « {theme.label} ».",
    )
    return redirect("library:watch_theme", code=theme.code)


@require_POST
@login_required
def follow_member(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, is_active=True)
    follow = request.POST.get("suivre") != "non"
    try:
        actions.follow_member(user=request.user, member=member, follow=follow)
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Abonnement enregistré." if follow else "Vous ne suivez plus ce membre.")
    return redirect("library:member", pk=member.pk)


@require_safe
@login_required
def my_feed(request: HttpRequest) -> HttpResponse:
    """Only what the person chose to follow, newest first: no ranking of ours."""
    user = request.user
    themes = Theme.objects.filter(followers__user=user)
    members = User.objects.filter(pk__in=MemberFollow.objects.filter(follower=user).values("followed"))
    posts = WatchPost.objects.followed_by(user).for_list()
    subscription = DigestSubscription.objects.filter(user=user).first()
    context = {
        "page": _page(request, posts),
        "themes": themes,
        "members": members,
        "subscription": subscription,
        "can_subscribe": access.can_contribute(user),
    }
    return render(request, "library/watch/feed.html", context)


@require_POST
@login_required
def digest_request(request: HttpRequest) -> HttpResponse:
    access.require_contributor(request.user)
    try:
        actions.request_digest(user=request.user)
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Un courriel vient de partir vers {request.user.email} : cliquez sur son lien pour confirmer."
        )
    return redirect("library:my_feed")


@require_http_methods(["GET", "HEAD", "POST"])
def digest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only shows the button: mail scanners that follow links must not subscribe anybody.
    subscription = DigestSubscription.objects.filter(token=token).first()
    if request.method == "POST":
        try:
            subscription = actions.confirm_digest(token=token)
        except ActionRefused as refused:
            return render(request, "library/watch/digest.html", {"error": str(refused)}, status=400)
        return render(request, "library/watch/digest.html", {"confirmed": True})
    if subscription is None:
        return render(request, "library/watch/digest.html", {"error": "Ce lien n'est pas valable."}, status=404)
    return render(request, "library/watch/digest.html", {"confirm_token": token})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click: the button on this page, or the POST a mail program sends (RFC 8058), which has no CSRF token.

    The secret in the address is what authorises it; nothing else can be done with it.
    """
    subscription = DigestSubscription.objects.filter(token=token).first()
    if subscription is None:
        return render(request, "library/watch/digest.html", {"error": "Ce lien n'est pas valable."}, status=404)
    if request.method == "POST":
        actions.unsubscribe_digest(token=token)
        return render(request, "library/watch/digest.html", {"unsubscribed": True})
    if subscription.status == DigestStatus.UNSUBSCRIBED:
        return render(request, "library/watch/digest.html", {"unsubscribed": True})
    return render(request, "library/watch/digest.html", {"unsubscribe_token": token})


@require_safe
@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    access.require_contributor(request.user)
    entries = FeedEntry.objects.filter(status=EntryStatus.PENDING).select_related("source")[:100]
    return render(request, "library/watch/proposals.html", {"entries": entries})


@require_POST
@login_required
def dismiss_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_contributor(request.user)
    entry = get_object_or_404(FeedEntry, pk=pk)
    try:
        actions.dismiss_entry(entry=entry, actor=request.user)
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Article écarté.")
    return redirect("library:proposals")


@require_safe
@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(WatchPost, pk=pk)
    if not (access.can_moderate(request.user) or post.author_id == request.user.pk):
        return render(request, "library/watch/hidden.html", status=403)
    return render(
        request, "library/history.html", {"target": post, "changes": changes_of(post), "back": post.get_absolute_url()}
    )
