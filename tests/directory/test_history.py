import pytest
from django.urls import reverse

from accounts.models import Role
from directory import history
from directory.models import ChangeKind, PlaceChange
from tests.accounts.factories import PASSWORD, make_coordinator, make_user
from tests.factories import make_place


@pytest.fixture
def fablab(db):
    return make_place(name="Fablab de Luzy", commune="58149", phone="03 86 00 00 00", services=("training",))


def _edit(place, actor, **changes):
    """Change fields the way the edit form does, through the recorded path."""
    before = history.snapshot(place.pk)
    for name, value in changes.items():
        if name == "services":
            place.services.set(value)
        else:
            setattr(place, name, value)
    place.save()
    return history.record_change(
        place=place, actor=actor, kind=ChangeKind.EDIT, before=before, after=history.snapshot(place.pk)
    )


def test_a_change_records_each_field_before_and_after(fablab):
    coordinator = make_coordinator()
    change = _edit(fablab, coordinator, phone="03 86 11 11 11", status="temporarily_closed")
    assert change.fields == {
        "phone": {"before": "03 86 00 00 00", "after": "03 86 11 11 11"},
        "status": {"before": "open", "after": "temporarily_closed"},
    }


def test_an_edit_that_changes_nothing_leaves_no_trace(fablab):
    assert _edit(fablab, make_coordinator()) is None
    assert not PlaceChange.objects.exists()


def test_a_coordinator_reverts_a_change(client, fablab):
    manager = make_user("camille@fablab.example", role=Role.PLACE_MANAGER, places=(fablab,))
    change = _edit(fablab, manager, phone="06 00 00 00 00", services=[])
    make_coordinator()
    client.login(username="coordination@example.org", password=PASSWORD)
    page = client.get(reverse("directory:place_history", kwargs={"pk": fablab.pk}))
    assert page.status_code == 200 and "06 00 00 00 00" in page.content.decode()

    response = client.post(reverse("directory:revert_change", kwargs={"pk": change.pk}))
    assert response.status_code == 302
    fablab.refresh_from_db()
    assert fablab.phone == "03 86 00 00 00"
    assert list(fablab.services.values_list("code", flat=True)) == ["training"]
    revert = PlaceChange.objects.get(kind=ChangeKind.REVERT)
    assert revert.reverts == change and revert.fields["phone"] == {
        "before": "06 00 00 00 00",
        "after": "03 86 00 00 00",
    }


def test_a_revert_refuses_to_erase_later_work(client, fablab):
    coordinator = make_coordinator()
    first = _edit(fablab, coordinator, phone="06 00 00 00 00")
    _edit(fablab, coordinator, phone="07 00 00 00 00")
    with pytest.raises(history.RevertConflict, match="modifiés depuis"):
        history.revert_change(change=first, actor=coordinator)
    fablab.refresh_from_db()
    assert fablab.phone == "07 00 00 00 00"


def test_a_change_is_reverted_once(fablab):
    coordinator = make_coordinator()
    change = _edit(fablab, coordinator, phone="06 00 00 00 00")
    history.revert_change(change=change, actor=coordinator)
    with pytest.raises(history.RevertConflict, match="déjà été annulée"):
        history.revert_change(change=change, actor=coordinator)


@pytest.mark.parametrize("role", [Role.PLACE_MANAGER, Role.MEDIATOR, Role.PARTNER])
def test_only_coordinators_see_history_and_revert(client, fablab, role):
    user = make_user("personne@example.org", role=role, places=(fablab,) if role == Role.PLACE_MANAGER else ())
    change = _edit(fablab, user, phone="06 00 00 00 00")
    client.login(username="personne@example.org", password=PASSWORD)
    assert client.get(reverse("directory:place_history", kwargs={"pk": fablab.pk})).status_code == 403
    assert client.post(reverse("directory:revert_change", kwargs={"pk": change.pk})).status_code == 403
    fablab.refresh_from_db()
    assert fablab.phone == "06 00 00 00 00"


def test_revert_is_a_post(client, fablab):
    change = _edit(fablab, make_coordinator(), phone="06 00 00 00 00")
    client.login(username="coordination@example.org", password=PASSWORD)
    assert client.get(reverse("directory:revert_change", kwargs={"pk": change.pk})).status_code == 405
