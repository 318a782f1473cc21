"""One search across resources, watch posts, events and answer sheets, with the directory's folding.

Each row keeps its folded title and body (``library.matching``); a row also answers to the words of its
themes' labels and synonyms, so that "ChatGPT" finds a guide filed under "Intelligence artificielle".
The facets (theme, audience, format, FALC) are plain SQL filters; scoring runs on the rows left.
"""

from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from library import matching
from library.models import AnswerSheet, Audience, Event, Resource, Theme, WatchPost

KINDS: dict[str, str] = {
    "resource": "Ressource",
    "sheet": "Fiche réponse",
    "post": "Veille",
    "event": "Agenda",
}
MODELS: dict[str, type[Model]] = {"resource": Resource, "sheet": AnswerSheet, "post": WatchPost, "event": Event}
NEWEST_FIRST = {
    "resource": ("-published_at", "-pk"),
    "sheet": ("-reviewed_on", "-pk"),
    "post": ("-created_at", "-pk"),
    "event": ("-starts_at", "-pk"),
}
# Without a query, the most recent rows of each kind are listed.
BROWSE_PER_KIND = 20


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    theme: Theme | None = None
    audience: Audience | None = None
    format: str = ""
    easy_read: bool = False


@dataclass
class Hit:
    kind: str
    item: Model
    score: float

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass
class Outcome:
    hits: list[Hit] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def _base(kind: str, filters: Filters) -> QuerySet | None:
    """The published rows of one kind that pass the facets, or None when the facets rule the kind out."""
    resource_only = bool(filters.format or filters.easy_read)
    if filters.kind and filters.kind != kind:
        return None
    if resource_only and kind != "resource":
        return None
    if filters.audience is not None and kind in ("post", "sheet"):
        return None
    if kind == "resource":
        rows = Resource.objects.published()
        if filters.format:
            rows = rows.filter(format=filters.format)
        if filters.easy_read:
            rows = rows.filter(easy_read=True)
    elif kind == "sheet":
        rows = AnswerSheet.objects.published()
    elif kind == "post":
        rows = WatchPost.objects.published()
    else:
        rows = Event.objects.listed()
    if filters.theme is not None:
        rows = rows.filter(themes=filters.theme)
    if filters.audience is not None:
        rows = rows.filter(audiences=filters.audience)
    return rows


def _theme_words() -> dict[int, str]:
    return {
        theme.pk: matching.folded_words(" ".join([theme.label, *theme.synonyms.splitlines()]))
        for theme in Theme.objects.all()
    }


def _themes_of(kind: str, ids: list[int]) -> dict[int, list[int]]:
    through = MODELS[kind].themes.through
    column = f"{MODELS[kind]._meta.model_name}_id"
    found: dict[int, list[int]] = {}
    for row_id, theme_id in through.objects.filter(**{f"{column}__in": ids}).values_list(column, "theme_id"):
        found.setdefault(row_id, []).append(theme_id)
    return found


def search(filters: Filters, *, limit: int = 200) -> Outcome:
    words = matching.query_words(filters.q)
    outcome = Outcome(words=words)
    bases = {kind: rows for kind in KINDS if (rows := _base(kind, filters)) is not None}
    if not words:
        for kind, rows in bases.items():
            outcome.hits += [Hit(kind, item, 0.0) for item in rows.order_by(*NEWEST_FIRST[kind])[:BROWSE_PER_KIND]]
        return outcome
    theme_words = _theme_words()
    ranked: list[tuple[float, str, int]] = []
    for kind, rows in bases.items():
        values = list(rows.values_list("pk", "search_title", "search_body").distinct())
        themes = _themes_of(kind, [pk for pk, _, _ in values])
        scored = matching.rank(
            words,
            (
                ((kind, pk), title, " ".join([body, *(theme_words.get(theme, "") for theme in themes.get(pk, ()))]))
                for pk, title, body in values
            ),
        )
        ranked += [(item.score, kind, item.key[1]) for item in scored]
    ranked.sort(key=lambda row: (-row[0], list(KINDS).index(row[1])))
    ranked = ranked[:limit]
    loaded: dict[str, dict[int, Model]] = {}
    for kind in KINDS:
        ids = [pk for _, row_kind, pk in ranked if row_kind == kind]
        if ids:
            loaded[kind] = MODELS[kind].objects.in_bulk(ids)
    outcome.hits = [Hit(kind, loaded[kind][pk], value) for value, kind, pk in ranked if pk in loaded.get(kind, {})]
    return outcome
