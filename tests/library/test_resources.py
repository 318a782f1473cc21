"""Resources: draft → published, the public page, the file served safely, votes, reports, collections."""

import html

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.actions.resources import Upload
from library.models import ChangeAction, Collection, LibraryChange, ReportStatus, ResourceReport, ResourceStatus
from library.uploads import check_upload
from tests.accounts.factories import PASSWORD
from tests.library.factories import PNG, coordinator, make_resource, mediator, pdf_bytes, theme


def text(response) -> str:
    return html.unescape(response.content.decode())


def login(client, user) -> None:
    assert client.login(username=user.email, password=PASSWORD)


@pytest.fixture
def member(db):
    return mediator()


def test_a_mediator_proposes_a_resource_the_coordination_publishes_it(
    client, member, django_capture_on_commit_callbacks
):
    coordinator()
    login(client, member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("library:resource_new"),
            {
                "title": "Reconnaître un SMS frauduleux",
                "summary": "Les signes qui doivent alerter.",
                "url": "example.org/sms",
                "licence": "cc-by-4.0",
                "format": "guide",
                "level": "beginner",
                "language": "fr",
                "easy_read": "on",
                "themes": [theme("cybersecurity").pk],
            },
        )
    assert response.status_code == 302
    from library.models import Resource

    resource = Resource.objects.get()
    assert (resource.status, resource.url, resource.easy_read) == (
        ResourceStatus.DRAFT,
        "https://example.org/sms",
        True,
    )
    assert mail.outbox[0].to == ["coordination@example.org"] and "Reconnaître un SMS" in mail.outbox[0].body
    assert client.get(reverse("library:resources")).content.decode().count("Reconnaître un SMS") == 0

    client.logout()
    assert client.get(resource.get_absolute_url()).status_code == 404
    login(client, coordinator())
    assert "Reconnaître un SMS" in text(client.get(reverse("library:moderation")))
    client.post(reverse("library:resource_status", args=[resource.pk]), {"action": "publish"})
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED and resource.published_by == coordinator()
    client.logout()
    page = text(client.get(resource.get_absolute_url()))
    assert "Reconnaître un SMS frauduleux" in page and "Creative Commons Attribution (CC BY 4.0)" in page
    assert "facile à lire et à comprendre (FALC)" in page
    actions = list(LibraryChange.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [ChangeAction.CREATE, ChangeAction.PUBLISH]


def test_the_list_filters_by_theme_audience_format_and_easy_read(client, db):
    from tests.library.factories import audience

    guide = make_resource(title="Guide IA", themes=("artificial_intelligence",), format="guide", easy_read=True)
    make_resource(title="Vidéo sécurité", themes=("cybersecurity",), format="video", audiences=[audience("seniors")])
    titles = lambda query: [r.title for r in client.get(reverse("library:resources") + query).context["page"]]  # noqa: E731
    assert titles("?theme=artificial_intelligence") == ["Guide IA"]
    assert titles("?format=video") == ["Vidéo sécurité"]
    assert titles("?public=seniors") == ["Vidéo sécurité"]
    assert titles("?falc=on") == ["Guide IA"]
    assert titles("?q=intelligence+artificiele") == [guide.title]
    bad = client.get(reverse("library:resources") + "?format=nope")
    assert bad.status_code == 400 and "Ce choix n'existe pas dans la liste." in text(bad)


def test_the_list_reads_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    for _ in range(8):
        make_resource()
    with django_assert_max_num_queries(12):
        client.get(reverse("library:resources"))


def test_a_file_is_served_with_its_sniffed_type_as_an_attachment_and_sandboxed(client, db):
    resource = make_resource(
        url="", upload=Upload(check_upload(pdf_bytes(), "guide.pdf", max_bytes=10**7), pdf_bytes())
    )
    response = client.get(reverse("library:resource_file", args=[resource.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "guide.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    response.close()


def test_an_image_is_shown_inline(client, db):
    resource = make_resource(url="", upload=Upload(check_upload(PNG, "schema.png", max_bytes=10**7), PNG))
    response = client.get(reverse("library:resource_file", args=[resource.pk]))
    response.close()
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline;")


def test_a_draft_file_is_not_served_to_the_public(client, db):
    resource = make_resource(
        published=False, url="", upload=Upload(check_upload(PNG, "schema.png", max_bytes=10**7), PNG)
    )
    assert client.get(reverse("library:resource_file", args=[resource.pk])).status_code == 404


def test_replacing_a_file_by_a_link_forgets_the_file(client, db, settings, django_capture_on_commit_callbacks):
    author = mediator()
    resource = make_resource(
        author=author, url="", upload=Upload(check_upload(PNG, "schema.png", max_bytes=10**7), PNG)
    )
    stored = settings.MEDIA_ROOT / resource.file.name
    assert stored.exists()
    login(client, author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("library:resource_edit", args=[resource.pk]),
            {
                "title": resource.title,
                "summary": resource.summary,
                "url": "https://example.org/nouveau",
                "licence": "etalab-2.0",
                "format": "guide",
                "level": "beginner",
                "language": "fr",
                "themes": [theme("cybersecurity").pk],
            },
        )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.url, resource.file.name, resource.file_type) == ("https://example.org/nouveau", "", "")
    assert not stored.exists()
    change = LibraryChange.objects.filter(action=ChangeAction.EDIT).get()
    assert change.fields["url"] == {"label": "lien", "before": "", "after": "https://example.org/nouveau"}


def test_a_member_says_a_resource_is_useful_once_and_can_take_it_back(client, db):
    resource = make_resource()
    member = mediator()
    login(client, member)
    url = reverse("library:resource_vote", args=[resource.pk])
    client.post(url)
    client.post(url)
    assert resource.votes.count() == 1
    assert "Utile pour 1 membre." in text(client.get(resource.get_absolute_url()))
    client.post(url, {"utile": "non"})
    assert resource.votes.count() == 0
    assert client.get(url).status_code == 405


def test_voting_needs_an_account(client, db):
    resource = make_resource()
    response = client.post(reverse("library:resource_vote", args=[resource.pk]))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert resource.votes.count() == 0


def test_anyone_reports_an_outdated_resource_into_the_moderation_queue(client, db, django_capture_on_commit_callbacks):
    resource = make_resource(title="Déclarer ses impôts en ligne")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("library:resource_report", args=[resource.pk]),
            {"kind": "obsolete", "message": "La démarche a changé cette année.", "contact": "", "site_web": ""},
        )
    assert response.status_code == 200 and "Merci" in text(response)
    report = ResourceReport.objects.get()
    assert (report.kind, report.status) == ("obsolete", ReportStatus.OPEN)
    assert mail.outbox[-1].to == ["coordination@example.org"]

    login(client, coordinator())
    assert "La démarche a changé cette année." in text(client.get(reverse("library:moderation")))
    client.post(reverse("library:handle_report", args=[report.pk]), {"outcome": "resolved", "response": "Mis à jour."})
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (ReportStatus.RESOLVED, coordinator())
    assert LibraryChange.objects.filter(action=ChangeAction.REPORT, object_id=resource.pk).exists()
    client.post(reverse("library:handle_report", args=[report.pk]), {"outcome": "dismissed"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED


def test_a_bad_report_is_refused_in_french(client, db):
    resource = make_resource()
    response = client.post(
        reverse("library:resource_report", args=[resource.pk]), {"kind": "nope", "message": "court", "site_web": ""}
    )
    assert response.status_code == 400
    assert "Donnez un peu plus de détails" in text(response)
    assert not ResourceReport.objects.exists()


def test_reports_are_rate_limited_and_robots_ignored(client, db, settings):
    settings.LIBRARY_REPORT_THROTTLE_PER_IP = 1
    resource = make_resource()
    url = reverse("library:resource_report", args=[resource.pk])
    data = {"kind": "error", "message": "Le lien ne marche plus du tout.", "site_web": "http://spam.example"}
    assert client.post(url, data).status_code == 200
    assert not ResourceReport.objects.exists()
    assert client.post(url, {**data, "site_web": ""}).status_code == 429


def test_a_member_builds_an_ordered_private_collection(client, db):
    first, second = make_resource(title="Premier"), make_resource(title="Second")
    member = mediator()
    login(client, member)
    client.post(reverse("library:collection_new"), {"title": "Atelier IA", "description": "", "is_public": ""})
    collection = Collection.objects.get()
    assert (collection.owner, collection.is_public, collection.by_coordination) == (member, False, False)
    for resource in (first, second):
        client.post(reverse("library:collection_add", args=[resource.pk]), {"collection": collection.pk, "note": ""})
    items = list(collection.items.order_by("position"))
    assert [item.resource.title for item in items] == ["Premier", "Second"]
    client.post(reverse("library:collection_item", args=[collection.pk, items[1].pk]), {"action": "up"})
    assert [item.resource.title for item in collection.items.order_by("position")] == ["Second", "Premier"]
    client.logout()
    assert client.get(collection.get_absolute_url()).status_code == 404
    assert "Atelier IA" not in text(client.get(reverse("library:collections")))


def test_only_coordinators_make_coordination_collections(client, db):
    member = mediator()
    login(client, member)
    client.post(reverse("library:collection_new"), {"title": "Officielle", "is_public": "on", "by_coordination": "on"})
    assert Collection.objects.get().by_coordination is False
    login(client, coordinator())
    client.post(
        reverse("library:collection_new"), {"title": "La sélection", "is_public": "on", "by_coordination": "on"}
    )
    assert Collection.objects.get(title="La sélection").by_coordination is True
    client.logout()
    assert "La sélection" in text(client.get(reverse("library:collections")))


def test_a_draft_cannot_enter_a_collection(client, db):
    member = mediator()
    draft = make_resource(published=False, author=member)
    login(client, member)
    client.post(reverse("library:collection_new"), {"title": "Ma liste"})
    collection = Collection.objects.get()
    response = client.post(
        reverse("library:collection_add", args=[draft.pk]), {"collection": collection.pk}, follow=True
    )
    assert "Seule une ressource publiée peut entrer dans une collection." in text(response)
    assert not collection.items.exists()


def test_a_resource_page_links_the_places_where_it_can_be_tried(client, db):
    from tests.factories import make_place

    fablab = make_place(name="Fablab de Luzy", commune="58149", equipment=("vr_headset",))
    resource = make_resource(title="Découvrir la réalité virtuelle", places=[fablab])
    page = text(client.get(resource.get_absolute_url()))
    assert "Où l'essayer" in page and fablab.get_absolute_url() in page


def test_wrong_methods_are_refused(client, db):
    resource = make_resource()
    assert client.post(resource.get_absolute_url()).status_code == 405
    assert client.get(reverse("library:resource_status", args=[resource.pk])).status_code == 405
    response = client.post(reverse("library:resource_new"), {"file": SimpleUploadedFile("a.pdf", b"x")})
    assert response.status_code == 302  # anonymous: sent to log in, nothing stored
