"""Blocks other apps' pages include: the schemes that fit a request (coordinators) or a place (its managers)."""

from django import template

from demandes.models import Request
from directory.models import Place
from funding import matching

register = template.Library()


@register.inclusion_tag("funding/includes/proposals.html")
def funding_for_request(request: Request) -> dict:
    return {
        "proposals": matching.schemes_for_request(request),
        "heading": "Financements possibles",
        "intro": "Les dispositifs dont le périmètre couvre la commune de la demande, pour ce demandeur et ces besoins.",
    }


@register.inclusion_tag("funding/includes/proposals.html")
def funding_for_place(place: Place) -> dict:
    return {
        "proposals": matching.schemes_for_place(place),
        "heading": "Financer un équipement pour votre lieu",
        "intro": "Un scanner 3D, une découpe laser, des ordinateurs : les dispositifs ouverts à votre lieu, "
        "avec ce qui reste à vérifier.",
    }
