import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, User
from contributions.models import Proposal, ProposalStatus
from directory.models import Place
from tests.accounts.factories import PASSWORD, make_coordinator
from tests.contributions.helpers import PERSON, go_through_steps, step_url
from tests.factories import make_place


@pytest.fixture
def coordinator(db):
    return make_coordinator()


def _text(response) -> str:  # noqa: ANN001
    return html.unescape(response.content.decode())


def _link(message, path: str) -> str:  # noqa: ANN001
    """The path of the link to ``path…`` in an email."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def _submit(client, django_capture_on_commit_callbacks, **kwargs):  # noqa: ANN001, ANN003, ANN201
    review = go_through_steps(client, **kwargs)
    assert review.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url("envoyer"), {"not_duplicate": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("contributions:proposal_sent")
    return Proposal.objects.get()


def _confirm(client, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    message = next(m for m in mail.outbox if "Confirmez votre adresse" in m.subject)
    url = _link(message, "/lieux/ajouter/confirmer/")
    assert client.get(url).status_code == 200
    assert Proposal.objects.get().status == ProposalStatus.UNCONFIRMED  # opening the link changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 200


def test_a_fablab_goes_from_its_proposal_to_a_published_page_and_a_manager_account(
    client, coordinator, django_capture_on_commit_callbacks
):
    proposal = _submit(client, django_capture_on_commit_callbacks)
    assert proposal.status == ProposalStatus.UNCONFIRMED and proposal.place_name == "Fablab du Morvan"
    assert not Place.objects.filter(name="Fablab du Morvan").exists()  # nothing published yet
    assert [m.to for m in mail.outbox] == [[PERSON["email"]]]

    _confirm(client, django_capture_on_commit_callbacks)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    subjects = {m.subject.split("] ", 1)[1]: m.to for m in mail.outbox[1:]}
    assert subjects == {
        "Votre proposition « Fablab du Morvan » est transmise": [PERSON["email"]],
        "Nouveau lieu proposé : Fablab du Morvan": ["coordination@example.org"],
    }

    client.logout()
    client.login(username="coordination@example.org", password=PASSWORD)
    queue = _text(client.get(reverse("contributions:queue")))
    assert "Fablab du Morvan" in queue and "RNA W581000123" in queue
    detail = _text(client.get(reverse("contributions:proposal", kwargs={"pk": proposal.pk})))
    assert "Imprimante 3D × 2" in detail and "Accessible en fauteuil roulant" in detail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contributions:accept", kwargs={"pk": proposal.pk}))
    assert response.status_code == 302

    place = Place.objects.get(name="Fablab du Morvan")
    assert place.commune.code == "58149" and place.postcode == "58170" and place.point_to_check
    assert place.opening_hours == "We 14:00-18:00" and place.phone == "03 86 30 00 00"
    assert [(e.kind.code, e.quantity, e.verified) for e in place.equipment.all()] == [("3d_printer", 2, True)]
    assert [t.code for t in place.accessibility.all()] == ["wheelchair_access"]
    assert place.verified and place.verified_by == "Association Fablab du Morvan"
    assert place.date_maj == dt.date.today()
    assert place.field_provenance["opening_hours"]["by"] == "place"
    user = User.objects.get(email=PERSON["email"])
    assert list(place.managers.all()) == [user] and not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.PLACE_MANAGER and membership.organisation.rna == "W581000123"
    (told,) = mail.outbox
    assert told.to == [PERSON["email"]] and "est publié" in told.subject
    assert "/mot-de-passe/nouveau/" in told.body
    page = _text(client.get(place.get_absolute_url()))
    assert "Déclaré par le lieu" in page
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.place == place


def test_every_step_works_without_javascript_and_refuses_a_bad_siret(client, db):
    response = client.get(reverse("contributions:propose"))
    assert response.status_code == 200 and "Étape 1 sur 5" in _text(response)
    response = client.post(reverse("contributions:propose"), {**PERSON, "rna": "", "siret": "123 456 789 00012"})
    assert response.status_code == 400
    assert "Ce SIRET n'est pas valide : vérifiez les chiffres." in _text(response)
    response = client.post(reverse("contributions:propose"), {**PERSON, "rna": ""})
    assert response.status_code == 400 and "ou son numéro RNA" in _text(response)
    response = client.post(reverse("contributions:propose"), {**PERSON, "rna": "", "siret": "732 829 320 00074"})
    assert response.status_code == 302
    # A later step cannot be reached before the earlier ones.
    assert client.get(step_url("horaires"))["Location"] == step_url("lieu")
    response = client.post(step_url("lieu"), {"name": "Fablab", "commune_name": "Nullepart-sur-Rien"})
    assert response.status_code == 400 and "Commune introuvable" in _text(response)
    response = client.post(step_url("lieu"), {"name": "Fablab", "commune_name": "Luzy", "postcode": "58000"})
    assert response.status_code == 400 and "n'est pas celui de Luzy" in _text(response)
    assert not Proposal.objects.exists()


def test_a_possible_duplicate_is_shown_before_sending_and_must_be_answered(
    client, coordinator, django_capture_on_commit_callbacks
):
    existing = make_place(name="Fab Lab du Morvan", commune="58149")
    review = go_through_steps(client)
    page = _text(review)
    assert "Ce lieu existe peut-être déjà" in page and "Fab Lab du Morvan" in page
    assert reverse("contributions:claim", kwargs={"pk": existing.pk}) in page
    response = client.post(step_url("envoyer"), {})
    assert response.status_code == 400 and "Dites-nous si l'une de ces fiches est votre lieu" in _text(response)
    assert not Proposal.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_url("envoyer"), {"not_duplicate": "on"})
    assert list(Proposal.objects.get().possible_duplicates.all()) == [existing]


def test_an_unconfirmed_proposal_cannot_be_published(client, coordinator, django_capture_on_commit_callbacks):
    proposal = _submit(client, django_capture_on_commit_callbacks)
    client.login(username="coordination@example.org", password=PASSWORD)
    assert (
        "Fablab du Morvan"
        not in _text(client.get(reverse("contributions:queue")))
        .split("Décisions")[0]
        .split("Lieux proposés (")[1]
        .split("Demandes de gestion")[0]
    )
    response = client.post(reverse("contributions:accept", kwargs={"pk": proposal.pk}), follow=True)
    assert "n'a pas encore confirmé son adresse" in _text(response)
    assert not Place.objects.filter(name="Fablab du Morvan").exists()


def test_a_coordinator_corrects_then_accepts(client, coordinator, django_capture_on_commit_callbacks):
    proposal = _submit(client, django_capture_on_commit_callbacks)
    _confirm(client, django_capture_on_commit_callbacks)
    client.login(username="coordination@example.org", password=PASSWORD)
    url = reverse("contributions:edit", kwargs={"pk": proposal.pk})
    response = client.get(url)
    assert response.status_code == 200
    data = {key: values for key, values in Proposal.objects.get().data.items()}
    data["phone"] = ["03 86 30 11 11"]
    data["etapes-TOTAL_FORMS"], data["etapes-INITIAL_FORMS"] = ["0"], ["0"]
    bad = {**data, "commune_name": ["Nullepart-sur-Rien"]}
    assert client.post(url, bad).status_code == 400
    assert not Place.objects.filter(name="Fablab du Morvan").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    place = Place.objects.get(name="Fablab du Morvan")
    assert place.phone == "03 86 30 11 11"
    assert place.field_provenance["phone"]["by"] == "coordination"
    assert place.field_provenance["opening_hours"]["by"] == "place"


def test_a_coordinator_merges_a_proposal_into_the_existing_record(
    client, coordinator, django_capture_on_commit_callbacks
):
    existing = make_place(name="Fab Lab du Morvan", commune="58149", source="mednum-bfc", source_id="bfc-12")
    existing_date = dt.date(2021, 3, 5)
    Place.objects.filter(pk=existing.pk).update(date_maj=existing_date)
    proposal = _submit(client, django_capture_on_commit_callbacks)
    _confirm(client, django_capture_on_commit_callbacks)
    client.login(username="coordination@example.org", password=PASSWORD)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contributions:merge", kwargs={"pk": proposal.pk}), {"place": existing.pk})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.opening_hours == "We 14:00-18:00" and existing.phone == "03 86 30 00 00"
    assert existing.source == "mednum-bfc"  # still the same record
    assert [e.kind.code for e in existing.equipment.all()] == ["3d_printer"]
    assert existing.managers.get().email == PERSON["email"]
    assert existing.date_maj == dt.date.today()
    assert Place.objects.filter(name__icontains="Morvan").count() == 1
    assert Proposal.objects.get().status == ProposalStatus.MERGED
    (told,) = mail.outbox
    assert "complète la fiche" in told.subject


def test_a_refusal_needs_a_reason_and_tells_the_proposer(client, coordinator, django_capture_on_commit_callbacks):
    proposal = _submit(client, django_capture_on_commit_callbacks)
    _confirm(client, django_capture_on_commit_callbacks)
    client.login(username="coordination@example.org", password=PASSWORD)
    url = reverse("contributions:refuse", kwargs={"pk": proposal.pk})
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Expliquez pourquoi vous refusez" in _text(response)
    assert Proposal.objects.get().status == ProposalStatus.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Ce lieu n'accueille pas de public."})
    assert Proposal.objects.get().status == ProposalStatus.REFUSED
    (told,) = mail.outbox
    assert told.to == [PERSON["email"]] and "Ce lieu n'accueille pas de public." in told.body
    assert not Place.objects.filter(name="Fablab du Morvan").exists()
    response = client.post(reverse("contributions:accept", kwargs={"pk": proposal.pk}), follow=True)
    assert "déjà été traitée" in _text(response)


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_kept(client, db):
    go_through_steps(client, person={"site_web": "http://spam.example"})
    response = client.post(step_url("envoyer"), {})
    assert response.status_code == 302
    assert not Proposal.objects.exists() and mail.outbox == []


def test_sending_is_rate_limited(client, db, settings):
    settings.CONTRIBUTION_THROTTLE_PER_EMAIL = 1
    go_through_steps(client)
    assert client.post(step_url("envoyer"), {}).status_code == 302
    go_through_steps(client)
    response = client.post(step_url("envoyer"), {})
    assert response.status_code == 429 and "Réessayez dans une heure" in _text(response)
    assert Proposal.objects.count() == 1


def test_moderation_is_for_coordinators_only(client, db):
    from tests.accounts.factories import make_user

    make_user("mediatrice@example.org", role=Role.MEDIATOR)
    client.login(username="mediatrice@example.org", password=PASSWORD)
    assert client.get(reverse("contributions:queue")).status_code == 403
    assert client.get(reverse("contributions:accept", kwargs={"pk": 1})).status_code == 405


def test_a_bad_confirmation_link_says_so(client, db):
    response = client.get(reverse("contributions:confirm_proposal", kwargs={"token": "abc"}))
    assert response.status_code == 400 and "Ce lien n'est pas valide" in _text(response)
