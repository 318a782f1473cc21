"""What a worker would otherwise do on its first requests: import every view, build the URL resolver, compile the
public templates. Run once in the master before gunicorn forks (``preload_app``), so that every worker starts warm
and shares these pages of memory; it touches no database, so no connection is opened before the fork."""

import logging

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver

logger = logging.getLogger(__name__)

TEMPLATES = (
    "base.html",
    "directory/home.html",
    "directory/results.html",
    "directory/map.html",
    "directory/place.html",
    "directory/open_data.html",
    "directory/widget.html",
    "demandes/new_request.html",
    "demandes/received.html",
    "demandes/track.html",
    "errors/500.html",
)


def warm() -> None:
    resolver = get_resolver()
    # Walking the patterns imports every views module the URLs name.
    resolver.reverse_dict  # noqa: B018 - evaluated for its side effect
    for pattern in resolver.url_patterns:
        getattr(pattern, "url_patterns", None)
    for name in TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            logger.warning("warm-up: no template %s", name)


def warm_worker() -> None:
    """After the fork, in each worker: what the first submission and the first search would read (the thesaurus,
    the vocabularies, the qualification's word tables), through the worker's own database connection."""
    from demandes import suggestions
    from demandes.forms import blank_request_fields
    from directory.search import all_terms
    from legal.pages import help_line

    try:
        suggestions.categories()
        suggestions.TermTable.load()
        suggestions.qualify("Imprimer une pièce en 3D et comprendre l'intelligence artificielle")
        all_terms()
        blank_request_fields()
        # The server-error page shows the help line from this memory, without the database.
        help_line()
    except Exception:  # noqa: BLE001 - a worker that cannot warm up still serves; the first requests pay instead
        logger.exception("warm-up of the worker failed")
