import html
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from contributions import domains
from contributions.models import Claim, ClaimStatus, Proposal, ProposalStatus
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.factories import make_place

PERSON = {
    "full_name": "Sam Durand",
    "email": "sam@ebe58.fr",
    "organisation_name": "EBE 58",
    "organisation_kind": "company",
    "siret": "732 829 320 00074",
    "rna": "",
    "site_web": "",
    "message": "Je coordonne l'atelier de broderie.",
}


@pytest.fixture
def coordinator(db):
    return make_coordinator()


@pytest.fixture
def ebe(db):
    # An imported record: its website is the place's own domain, its email a public provider's.
    return make_place(
        name="EBE 58",
        commune="58218",
        website="https://www.ebe58.fr/atelier",
        email="ebe58@orange.fr",
        source="mednum-bfc",
        source_id="bfc-31",
    )


def _text(response) -> str:  # noqa: ANN001
    return html.unescape(response.content.decode())


def _path(message, path: str) -> str:  # noqa: ANN001
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def _claim_and_confirm(client, place, capture, **person):  # noqa: ANN001, ANN003, ANN201
    with capture(execute=True):
        response = client.post(reverse("contributions:claim", kwargs={"pk": place.pk}), {**PERSON, **person})
    assert response.status_code == 200 and "Vérifiez votre boîte de réception" in _text(response)
    claim = Claim.objects.latest("pk")
    assert claim.status == ClaimStatus.UNCONFIRMED
    url = _path(mail.outbox[-1], "/lieux/mon-lieu/confirmer/")
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    claim.refresh_from_db()
    return claim, _text(response)


def test_public_providers_are_data_and_never_the_places_own(ebe):
    assert {"gmail.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "hotmail.fr"} <= domains.public_domains()
    assert domains.place_domains(ebe) == {"ebe58.fr"}
    assert domains.is_own_domain("sam@ebe58.fr", ebe) and domains.is_own_domain("a@atelier.ebe58.fr", ebe)
    assert not domains.is_own_domain("ebe58@orange.fr", ebe)
    assert not domains.is_own_domain("sam@ebe58.fr.example", ebe)


def test_a_claim_from_the_places_own_domain_is_granted_at_once(
    client, coordinator, ebe, django_capture_on_commit_callbacks
):
    page = _text(client.get(reverse("contributions:claim", kwargs={"pk": ebe.pk})))
    assert "Accord immédiat" in page and "@ebe58.fr" in page  # said on screen
    claim, page = _claim_and_confirm(client, ebe, django_capture_on_commit_callbacks)
    assert claim.status == ClaimStatus.ACCEPTED and claim.automatic and claim.decided_by is None
    assert "vous gérez désormais la fiche « EBE 58 »" in page
    user = User.objects.get(email="sam@ebe58.fr")
    assert list(ebe.managers.all()) == [user] and user.is_place_manager
    assert user.memberships.get().organisation.siret == "73282932000074"
    subjects = [m.subject.split("] ", 1)[1] for m in mail.outbox[1:]]
    assert subjects == ["Vous gérez la fiche « EBE 58 »", "sam@ebe58.fr gère désormais « EBE 58 »"]
    ebe.refresh_from_db()
    assert ebe.date_maj is None and ebe.field_provenance == {}  # managing is not vouching for the record


def test_a_claim_from_a_public_mailbox_is_moderated(client, coordinator, ebe, django_capture_on_commit_callbacks):
    claim, page = _claim_and_confirm(client, ebe, django_capture_on_commit_callbacks, email="sam.durand@gmail.com")
    assert claim.status == ClaimStatus.PENDING and not claim.automatic
    assert "transmise à la coordination" in page
    assert not ebe.managers.exists()
    client.login(username="coordination@example.org", password=PASSWORD)
    assert "sam.durand@gmail.com" in _text(client.get(reverse("contributions:queue")))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contributions:decide_claim", kwargs={"pk": claim.pk}), {"action": "accept"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED and claim.decided_by == coordinator
    assert ebe.managers.get().email == "sam.durand@gmail.com"
    assert mail.outbox[0].to == ["sam.durand@gmail.com"] and "/mot-de-passe/nouveau/" in mail.outbox[0].body


def test_a_claim_on_a_place_someone_else_manages_is_moderated_and_the_manager_can_object(
    client, coordinator, ebe, django_capture_on_commit_callbacks
):
    current = make_user("claire@ebe58.fr", role=Role.PLACE_MANAGER, places=(ebe,))
    page = _text(client.get(reverse("contributions:claim", kwargs={"pk": ebe.pk})))
    assert "Cette fiche a déjà un gestionnaire" in page and "Accord immédiat" not in page
    claim, _ = _claim_and_confirm(client, ebe, django_capture_on_commit_callbacks)
    # Even from the place's own domain: someone already manages it.
    assert claim.status == ClaimStatus.PENDING and not claim.automatic
    assert list(ebe.managers.all()) == [current]
    told = next(m for m in mail.outbox if m.to == ["claire@ebe58.fr"])
    assert "demande à gérer" in told.subject
    url = _path(told, "/lieux/mon-lieu/opposition/")
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Sam a quitté l'association en juin."})
    assert response.status_code == 200 and "Votre opposition est transmise" in _text(response)
    claim.refresh_from_db()
    assert claim.objection == "Sam a quitté l'association en juin." and claim.objected_by == current
    assert any("Opposition" in m.subject and m.to == ["coordination@example.org"] for m in mail.outbox)

    client.login(username="coordination@example.org", password=PASSWORD)
    queue = _text(client.get(reverse("contributions:queue")))
    assert "Opposition de claire@ebe58.fr" in queue
    decide = reverse("contributions:decide_claim", kwargs={"pk": claim.pk})
    response = client.post(decide, {"action": "refuse", "reason": ""}, follow=True)
    assert "Expliquez pourquoi vous refusez" in _text(response)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"action": "refuse", "reason": "La gestionnaire actuelle s'y oppose."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REFUSED and list(ebe.managers.all()) == [current]
    assert "La gestionnaire actuelle s'y oppose." in mail.outbox[-1].body


def test_an_unconfirmed_claim_grants_nothing_and_cannot_be_accepted(
    client, coordinator, ebe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contributions:claim", kwargs={"pk": ebe.pk}), PERSON)
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.UNCONFIRMED and not ebe.managers.exists()
    url = _path(mail.outbox[-1], "/lieux/mon-lieu/confirmer/")
    assert "Je confirme mon adresse" in _text(client.get(url))  # opening the link changes nothing
    assert Claim.objects.get().status == ClaimStatus.UNCONFIRMED
    client.login(username="coordination@example.org", password=PASSWORD)
    response = client.post(
        reverse("contributions:decide_claim", kwargs={"pk": claim.pk}), {"action": "accept"}, follow=True
    )
    assert "pas encore confirmé son adresse" in _text(response)
    assert not ebe.managers.exists()


def test_a_claim_form_refuses_bad_input_and_robots(client, ebe):
    url = reverse("contributions:claim", kwargs={"pk": ebe.pk})
    response = client.post(url, {**PERSON, "siret": "1234"})
    assert response.status_code == 400 and "Un SIRET compte 14 chiffres." in _text(response)
    assert client.post(url, {**PERSON, "site_web": "http://spam.example"}).status_code == 200
    assert not Claim.objects.exists() and mail.outbox == []


def test_the_moderation_queue_reads_a_fixed_number_of_queries(client, coordinator, ebe):
    def add(count: int) -> None:
        for number in range(count):
            place = make_place(name=f"Lieu {number}", commune="58149")
            manager = make_user(f"gestion{place.pk}@example.org", role=Role.PLACE_MANAGER, places=(place,))
            proposal = Proposal.objects.create(
                email=f"p{place.pk}@example.org",
                full_name="P",
                organisation_name="Asso",
                organisation_kind="association",
                rna="W581000123",
                place_name=f"Proposé {place.pk}",
                commune=place.commune,
                status=ProposalStatus.PENDING,
                data={},
            )
            proposal.possible_duplicates.set([place, ebe])
            Claim.objects.create(
                place=place,
                email=f"c{place.pk}@example.org",
                full_name="C",
                organisation_name="Asso",
                organisation_kind="association",
                rna="W581000123",
                status=ClaimStatus.PENDING,
                objection="Non",
                objected_by=manager,
            )

    client.login(username="coordination@example.org", password=PASSWORD)
    url = reverse("contributions:queue")
    add(2)
    client.get(url)  # the first page after logging in also writes the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and "Proposé" in _text(response)
    assert len(many) == len(few), "\n".join(query["sql"][:150] for query in many.captured_queries)
    # Session, user, roles; pending proposals, their possible duplicates; pending claims, their places' managers;
    # the recent decisions (two); the two counts of what waits for an address to be confirmed.
    assert len(many) == 11
    print(f"moderation queue: {len(many)} queries")
