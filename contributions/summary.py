"""A proposed place in plain French, from its valid form: what the proposer checks and the coordinator reads."""

from django import forms

from aiguillage.lib import opening_hours
from directory.edit_forms import ACCESS_PREFIX, PlaceForm
from directory.models import AccessState


def describe_hours(spec: str) -> str:
    if not spec:
        return "non renseignés"
    try:
        return opening_hours.describe(spec)
    except opening_hours.OpeningHoursError:
        return spec


def place_summary(form: PlaceForm, machines: list[dict]) -> list[tuple[str, str]]:
    data = form.cleaned_data
    rows: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        if name.startswith(ACCESS_PREFIX) or name in ("accessibility", "accessibility_no"):
            continue
        value = data.get(name)
        if name == "opening_hours":
            text = describe_hours(value or "")
        elif name == "commune_name":
            text = value.name if value else ""
        elif isinstance(field, forms.ModelMultipleChoiceField):
            text = ", ".join(str(item) for item in value or [])
        else:
            text = str(value or "")
        rows.append((str(field.label), text or "non renseigné"))
    rows.append(("Machines", ", ".join(f"{m['kind']} × {m['quantity']}" for m in machines) or "aucune indiquée"))
    said = {AccessState.YES: [], AccessState.NO: []}
    for term in getattr(form, "accessibility_terms", []):
        answer = data.get(ACCESS_PREFIX + term.code)
        if answer in said:
            said[answer].append(term.label)
    access = "; ".join(
        part
        for part in (
            "oui : " + ", ".join(said[AccessState.YES]) if said[AccessState.YES] else "",
            "non : " + ", ".join(said[AccessState.NO]) if said[AccessState.NO] else "",
        )
        if part
    )
    rows.append(("Accessibilité", access or "non renseignée"))
    return rows


def machines_of(equipment: forms.BaseFormSet) -> list[dict]:
    return [
        item.cleaned_data
        for item in equipment.forms
        if item.cleaned_data.get("kind") and not item.cleaned_data.get("DELETE")
    ]
