def public_name(user: object) -> str:
    """How a member appears on public pages: their name, never their email address."""
    return (getattr(user, "full_name", "") or "").strip() or "Un membre du club"
