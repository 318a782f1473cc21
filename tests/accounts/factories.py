from accounts.models import Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "un mot de passe solide 2026"


def make_user(
    email: str = "personne@example.org", *, role: str | None = None, places: tuple = (), **fields: object
) -> User:
    user = User.objects.create_user(email, PASSWORD, **fields)
    if role:
        organisation, _ = Organisation.objects.get_or_create(
            name="Conseil départemental", defaults={"kind": OrganisationKind.LOCAL_AUTHORITY}
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
    if places:
        user.managed_places.add(*places)
    return user


def make_coordinator(email: str = "coordination@example.org") -> User:
    return make_user(email, role=Role.COORDINATOR, full_name="Claude Coordination")
