from django import template

from observatory.tables import Cell

register = template.Library()


@register.filter
def cell(value: Cell) -> str:
    """A table cell as French readers write it: 12 345, 12,5, and a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return str(value)
