"""Search across resources, watch posts, events and answer sheets: folding, typos, theme words, facets."""

import html

import pytest
from django.urls import reverse

from library import matching
from library.search import Filters, search
from tests.library.factories import audience, make_event, make_post, make_resource, make_sheet, theme


def test_matching_forgives_accents_case_plurals_prefixes_and_typos():
    title = matching.folded_words("Sécuriser son téléphone")
    body = matching.folded_words("Les mots de passe et les mises à jour")
    for query in ("securiser", "TÉLÉPHONES", "secur", "telephnoe", "mot passe"):
        assert matching.score(matching.query_words(query), title, body) > 0, query
    assert matching.score(matching.query_words("imprimante"), title, body) == 0
    # Short words are never fuzzy: "ia" is not "la".
    assert matching.score(matching.query_words("ia"), matching.folded_words("la maison"), "") == 0


def test_a_title_match_ranks_before_a_body_match():
    words = matching.query_words("arnaque")
    ranked = matching.rank(
        words,
        [
            (("resource", 1), "", matching.folded_words("une arnaque")),
            (("resource", 2), matching.folded_words("Arnaque"), ""),
        ],
    )
    assert [item.key for item in ranked] == [("resource", 2), ("resource", 1)]


@pytest.fixture
def library(db):
    return {
        "resource": make_resource(title="Reconnaître une arnaque par SMS", themes=("cybersecurity",), format="guide"),
        "sheet": make_sheet(question="Qu'est-ce que ChatGPT ?", themes=("artificial_intelligence",)),
        "post": make_post(title="Une vague d'arnaques au colis", themes=("cybersecurity",)),
        "event": make_event(
            title="Atelier arnaques en ligne", themes=("cybersecurity",), audiences=[audience("seniors")]
        ),
        "draft": make_resource(title="Arnaque brouillon", published=False),
    }


def test_one_search_finds_every_kind_and_never_a_draft(library):
    found = {hit.kind: hit.item for hit in search(Filters(q="arnaques")).hits}
    assert set(found) == {"resource", "post", "event"}
    assert library["draft"] not in found.values()


def test_the_words_of_a_theme_find_what_is_filed_under_it(library):
    # The sheet's text never says "IA"; its theme's synonyms do.
    assert [hit.item for hit in search(Filters(q="IA")).hits] == [library["sheet"]]
    assert [hit.item for hit in search(Filters(q="intelligance artificielle")).hits] == [library["sheet"]]


def test_facets_narrow_the_search(library):
    assert {hit.kind for hit in search(Filters(q="arnaque", format="guide")).hits} == {"resource"}
    assert {hit.kind for hit in search(Filters(q="arnaque", audience=audience("seniors"))).hits} == {"event"}
    assert {hit.kind for hit in search(Filters(q="arnaque", kind="post")).hits} == {"post"}
    assert not search(Filters(q="arnaque", theme=theme("digital_fabrication"))).hits


def test_the_search_page_offers_a_next_step_when_nothing_is_found(client, library):
    response = client.get(reverse("library:search") + "?q=tracteur")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "Rien trouvé pour « tracteur »" in page
    assert "chercher dans l'annuaire" in page
    bad = client.get(reverse("library:search") + "?type=inconnu")
    assert bad.status_code == 400 and "Ce choix n'existe pas dans la liste." in html.unescape(bad.content.decode())


def test_the_search_page_lists_hits_with_their_kind(client, library):
    page = html.unescape(client.get(reverse("library:search") + "?q=arnaque").content.decode())
    assert "3 résultats" in page and "Agenda" in page and "Veille" in page
