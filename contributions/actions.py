"""Every write of a contribution is one function here: in a transaction, recording who decided, email after commit.

A proposal goes unconfirmed → pending (the proposer confirmed their address) → accepted, merged or refused.
A claim goes unconfirmed → pending → accepted or refused; it is accepted at once, with nobody deciding, when the
confirmed address is on the place's own domain and nobody manages the place yet.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, Organisation, Role, User
from aiguillage.mail import send_after_commit
from contributions import domains, tokens
from contributions.models import Claim, ClaimStatus, Contributor, Proposal, ProposalStatus
from directory import editing, history, index, provenance
from directory.edit_forms import EquipmentFormSet, PlaceForm, StopFormSet
from directory.models import ChangeKind, Equipment, ItinerantStop, Place, PlaceStatus

# The sections of the place's form a proposer fills in (status and itinerance are the coordination's).
PROPOSAL_SECTIONS = ("identity", "address", "offer", "hours", "contact")
EQUIPMENT_PREFIX = "equipement"
STOPS_PREFIX = "etapes"
NO_STOPS = {f"{STOPS_PREFIX}-TOTAL_FORMS": ["0"], f"{STOPS_PREFIX}-INITIAL_FORMS": ["0"]}


class ContributionError(Exception):
    """Why a contribution cannot move as asked, in French for the person who tried."""


def as_query_dict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, list(values))
    return query


def place_forms(data: dict, instance: Place) -> tuple[PlaceForm, EquipmentFormSet, StopFormSet]:
    """The proposal's data bound to the place's own form and formsets again."""
    query = as_query_dict({**NO_STOPS, **data})
    form = PlaceForm(query, instance=instance, sections=PROPOSAL_SECTIONS)
    equipment = EquipmentFormSet(query, instance=instance, prefix=EQUIPMENT_PREFIX, queryset=Equipment.objects.none())
    stops = StopFormSet(query, instance=instance, prefix=STOPS_PREFIX, queryset=ItinerantStop.objects.none())
    return form, equipment, stops


def parts_of_keys(keys: list[str]) -> set[str]:
    """The record's parts that submitted keys (form fields, hours sub-fields, machine rows) touch."""
    parts = set()
    for key in keys:
        if key.startswith(EQUIPMENT_PREFIX + "-"):
            parts.add("equipment")
        elif key.startswith("opening_hours_"):
            parts.add("opening_hours")
        else:
            parts |= provenance.parts_of([key])
    return parts


def _coordinators() -> list[str]:
    return User.objects.coordinator_emails()


def _queue_url() -> str:
    return settings.SITE_URL + reverse("contributions:queue")


# Proposals ---------------------------------------------------------------------------------------------------


def submit_proposal(*, contributor: dict, data: dict, duplicates: list[Place]) -> Proposal:
    """Record the proposal, unconfirmed, and send the link that confirms the proposer's address."""
    form, _, _ = place_forms(data, Place())
    if not form.is_valid():
        raise ContributionError("La fiche proposée est incomplète : reprenez les étapes.")
    with transaction.atomic():
        proposal = Proposal.objects.create(
            **contributor, place_name=form.cleaned_data["name"], commune=form.commune, data=data
        )
        proposal.possible_duplicates.set(duplicates)
        send_after_commit(
            to=[proposal.email],
            template="contributions/email/proposal_confirm",
            context={
                "proposal": proposal,
                "url": tokens.url("contributions:confirm_proposal", "proposal", proposal.pk, proposal.email),
                "days": settings.CONTRIBUTION_LINK_DAYS,
            },
        )
    return proposal


def confirm_proposal(*, proposal: Proposal) -> Proposal:
    """The proposer opened the link from their mailbox: the proposal joins the coordinators' queue."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.UNCONFIRMED:
            return locked
        locked.status = ProposalStatus.PENDING
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_at"])
        send_after_commit(
            to=[locked.email], template="contributions/email/proposal_received", context={"proposal": locked}
        )
        send_after_commit(
            to=_coordinators(),
            template="contributions/email/proposal_new",
            context={"proposal": locked, "url": _queue_url()},
        )
        return locked


def _lock_pending(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status == ProposalStatus.UNCONFIRMED:
        raise ContributionError("Le proposant n'a pas encore confirmé son adresse : rien ne peut être publié.")
    if locked.status != ProposalStatus.PENDING:
        raise ContributionError("Cette proposition a déjà été traitée.")
    return locked


def _declared_on(contribution: Contributor) -> dt.date:
    return timezone.localdate(contribution.confirmed_at or contribution.created_at)


def _decided(contribution: Contributor, *, status: str, actor: User | None, reason: str = "") -> None:
    contribution.status = status  # type: ignore[attr-defined]
    contribution.decided_at = timezone.now()
    contribution.decided_by = actor
    contribution.refusal_reason = reason.strip()
    contribution.save()


def accept_proposal(*, proposal: Proposal, actor: User, data: dict | None = None) -> Place:
    """Publish the place as proposed, or as the coordinator edited it (``data``); the proposer becomes its manager.

    What the proposer declared is "déclaré par le lieu" on the day they confirmed; what the coordinator changed is
    "vérifié par la coordination" today.
    """
    with transaction.atomic():
        locked = _lock_pending(proposal)
        submitted = data if data is not None else locked.data
        form, equipment, stops = place_forms(submitted, Place())
        if not all([form.is_valid(), equipment.is_valid(), stops.is_valid()]):
            raise ContributionError("La fiche proposée n'est pas valide : utilisez « Corriger puis accepter ».")
        declared = _declared_on(locked)
        edited = sorted(
            key for key in set(submitted) | set(locked.data) if submitted.get(key, []) != locked.data.get(key, [])
        )
        place = editing.create_place(
            actor=actor,
            form=form,
            equipment=equipment,
            stops=stops,
            by=provenance.By.PLACE,
            on=declared if not edited else timezone.localdate(),
            verified_by=locked.organisation_name,
        )
        if edited:
            parts = parts_of_keys(edited)
            declared_parts = set(place.field_provenance) - parts
            place.field_provenance = provenance.mark(
                provenance.mark({}, declared_parts, by=provenance.By.PLACE, on=declared),
                parts,
                by=provenance.By.COORDINATION,
                on=timezone.localdate(),
            )
            place.save(update_fields=["field_provenance", "updated_at"])
        link = _grant_management(place=place, contribution=locked)
        locked.place = place
        _decided(locked, status=ProposalStatus.ACCEPTED, actor=actor)
        send_after_commit(
            to=[locked.email],
            template="contributions/email/proposal_accepted",
            context={
                "proposal": locked,
                "place": place,
                "place_url": settings.SITE_URL + place.get_absolute_url(),
                **link,
            },
        )
        return place


def merge_proposal(*, proposal: Proposal, actor: User, place: Place) -> Place:
    """The proposal is a place already listed: what the proposer filled in completes that record, and they manage it."""
    if place.status == PlaceStatus.CLOSED:
        raise ContributionError("Ce lieu est fermé définitivement : choisissez une fiche ouverte.")
    with transaction.atomic(), index.deferred():
        locked = _lock_pending(proposal)
        target = Place.objects.select_for_update().select_related("commune").get(pk=place.pk)
        filled = _filled_fields(locked.data)
        query = as_query_dict(locked.data)
        form = PlaceForm(query, instance=target, sections=PROPOSAL_SECTIONS, only=filled)
        equipment = EquipmentFormSet(query, instance=target, prefix=EQUIPMENT_PREFIX, queryset=Equipment.objects.none())
        if not (form.is_valid() and equipment.is_valid()):
            raise ContributionError("La fiche proposée n'est pas valide : elle ne peut pas compléter cette fiche.")
        before = history.snapshot(target.pk)
        target = form.save()
        machines = [item.cleaned_data for item in equipment.forms if item.cleaned_data.get("kind")]
        for machine in machines:
            Equipment.objects.update_or_create(
                place=target,
                kind=machine["kind"],
                defaults={"quantity": machine["quantity"], "notes": machine.get("notes", ""), "verified": True},
            )
        declared = _declared_on(locked)
        parts = provenance.parts_of(form.fields) | ({"equipment"} if machines else set())
        target.field_provenance = provenance.mark(target.field_provenance, parts, by=provenance.By.PLACE, on=declared)
        if target.date_maj is None or target.date_maj < declared:
            target.date_maj = declared
        target.verified = True
        target.verified_by = locked.organisation_name
        target.save()
        index.refresh([target.pk])
        history.record_change(
            place=target,
            actor=actor,
            kind=ChangeKind.CONTRIBUTION,
            before=before,
            after=history.snapshot(target.pk),
            note=f"Proposition de {locked.organisation_name} fusionnée",
        )
        link = _grant_management(place=target, contribution=locked)
        locked.place = target
        _decided(locked, status=ProposalStatus.MERGED, actor=actor)
        send_after_commit(
            to=[locked.email],
            template="contributions/email/proposal_merged",
            context={
                "proposal": locked,
                "place": target,
                "place_url": settings.SITE_URL + target.get_absolute_url(),
                **link,
            },
        )
        return target


def _filled_fields(data: dict) -> set[str]:
    """The place's fields the proposer gave a value to (an accessibility question "non renseigné" is no value)."""
    filled = set()
    for key, values in data.items():
        if any(str(value).strip() and value != "unknown" for value in values):
            hours = key.startswith("opening_hours_") and key != "opening_hours_note"
            filled.add("opening_hours" if hours else key)
    if any(key.startswith("acces_") for key in filled):
        filled |= {"accessibility", "accessibility_no"}
    return filled


def refuse_proposal(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    if not reason.strip():
        raise ContributionError("Expliquez au proposant pourquoi sa proposition est refusée.")
    with transaction.atomic():
        locked = _lock_pending(proposal)
        _decided(locked, status=ProposalStatus.REFUSED, actor=actor, reason=reason)
        send_after_commit(
            to=[locked.email], template="contributions/email/proposal_refused", context={"proposal": locked}
        )
        return locked


# Managers ----------------------------------------------------------------------------------------------------


def _organisation(contribution: Contributor) -> Organisation:
    if contribution.siret:
        organisation = Organisation.objects.filter(siret=contribution.siret).first()
    else:
        organisation = Organisation.objects.filter(rna=contribution.rna).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=contribution.organisation_name,
            kind=contribution.organisation_kind,
            siret=contribution.siret,
            rna=contribution.rna,
        )
    return organisation


def _grant_management(*, place: Place, contribution: Contributor) -> dict:
    """The contributor manages the place from now on; the email's link: choose a password, or log in."""
    user = User.objects.filter(email=contribution.email.lower()).first()
    if user is None:
        user = User.objects.create_user(contribution.email, None, full_name=contribution.full_name)
    Membership.objects.get_or_create(user=user, organisation=_organisation(contribution), role=Role.PLACE_MANAGER)
    place.managers.add(user)
    if user.has_usable_password():
        return {"account_url": settings.SITE_URL + reverse("accounts:login"), "new_account": False}
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return {"account_url": settings.SITE_URL + path, "new_account": True}


# Claims ------------------------------------------------------------------------------------------------------


def submit_claim(*, place: Place, contributor: dict, message: str = "") -> Claim:
    with transaction.atomic():
        claim = Claim.objects.create(place=place, message=message.strip(), **contributor)
        send_after_commit(
            to=[claim.email],
            template="contributions/email/claim_confirm",
            context={
                "claim": claim,
                "place": place,
                "url": tokens.url("contributions:confirm_claim", "claim", claim.pk, claim.email),
                "days": settings.CONTRIBUTION_LINK_DAYS,
            },
        )
    return claim


def confirm_claim(*, claim: Claim) -> Claim:
    """The claimant's address is confirmed: granted at once from the place's own domain, else moderated."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().select_related("place").get(pk=claim.pk)
        if locked.status != ClaimStatus.UNCONFIRMED:
            return locked
        locked.confirmed_at = timezone.now()
        place = locked.place
        managers = [user for user in place.managers.all() if user.is_active]
        if domains.is_own_domain(locked.email, place) and not managers:
            locked.automatic = True
            link = _grant_management(place=place, contribution=locked)
            _decided(locked, status=ClaimStatus.ACCEPTED, actor=None)
            send_after_commit(
                to=[locked.email],
                template="contributions/email/claim_accepted",
                context={"claim": locked, "place": place, "automatic": True, **link},
            )
            send_after_commit(
                to=_coordinators(),
                template="contributions/email/claim_automatic",
                context={"claim": locked, "place": place, "url": _queue_url()},
            )
            return locked
        locked.status = ClaimStatus.PENDING
        locked.save(update_fields=["status", "confirmed_at"])
        send_after_commit(to=[locked.email], template="contributions/email/claim_received", context={"claim": locked})
        send_after_commit(
            to=_coordinators(),
            template="contributions/email/claim_new",
            context={"claim": locked, "place": place, "url": _queue_url(), "managers": managers},
        )
        for manager in managers:
            send_after_commit(
                to=[manager.email],
                template="contributions/email/claim_managers",
                context={
                    "claim": locked,
                    "place": place,
                    "url": tokens.url("contributions:object_claim", "objection", locked.pk, manager.email),
                    "days": settings.CONTRIBUTION_LINK_DAYS,
                },
            )
        return locked


def _lock_pending_claim(claim: Claim) -> Claim:
    locked = Claim.objects.select_for_update().select_related("place").get(pk=claim.pk)
    if locked.status == ClaimStatus.UNCONFIRMED:
        raise ContributionError("La personne n'a pas encore confirmé son adresse.")
    if locked.status != ClaimStatus.PENDING:
        raise ContributionError("Cette demande a déjà été traitée.")
    return locked


def accept_claim(*, claim: Claim, actor: User) -> Claim:
    with transaction.atomic():
        locked = _lock_pending_claim(claim)
        link = _grant_management(place=locked.place, contribution=locked)
        _decided(locked, status=ClaimStatus.ACCEPTED, actor=actor)
        send_after_commit(
            to=[locked.email],
            template="contributions/email/claim_accepted",
            context={"claim": locked, "place": locked.place, "automatic": False, **link},
        )
        return locked


def refuse_claim(*, claim: Claim, actor: User, reason: str) -> Claim:
    if not reason.strip():
        raise ContributionError("Expliquez à la personne pourquoi sa demande est refusée.")
    with transaction.atomic():
        locked = _lock_pending_claim(claim)
        _decided(locked, status=ClaimStatus.REFUSED, actor=actor, reason=reason)
        send_after_commit(
            to=[locked.email],
            template="contributions/email/claim_refused",
            context={"claim": locked, "place": locked.place},
        )
        return locked


def object_to_claim(*, claim: Claim, manager: User, text: str) -> Claim:
    """A current manager objects: the coordinators see it beside the claim and are told."""
    if not text.strip():
        raise ContributionError("Dites en quelques mots pourquoi vous vous opposez à cette demande.")
    with transaction.atomic():
        locked = Claim.objects.select_for_update().select_related("place").get(pk=claim.pk)
        if not locked.place.managers.filter(pk=manager.pk).exists():
            raise ContributionError("Seuls les gestionnaires actuels du lieu peuvent s'opposer à cette demande.")
        if locked.status != ClaimStatus.PENDING:
            raise ContributionError("Cette demande a déjà été traitée.")
        locked.objection = text.strip()
        locked.objected_by = manager
        locked.objected_at = timezone.now()
        locked.save(update_fields=["objection", "objected_by", "objected_at"])
        send_after_commit(
            to=_coordinators(),
            template="contributions/email/claim_objection",
            context={"claim": locked, "place": locked.place, "manager": manager, "url": _queue_url()},
        )
        return locked
