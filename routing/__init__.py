"""Qualification of needs in free French text and routing of requests to places; plain Python, no Django.

The app loads categories and places from its database, turns them into these dataclasses and calls
``Thesaurus.qualify`` and ``route``; everything here can be tested and benchmarked alone.
"""

from routing.engine import (
    DEFAULT_SETTINGS,
    Candidate,
    RoutingRequest,
    RoutingResult,
    RoutingSettings,
    Stop,
    Suggestion,
    max_distance,
    meets_accessibility,
    needed_codes,
    production_required,
    route,
)
from routing.qualify import (
    Category,
    Match,
    Qualification,
    Thesaurus,
    category_from_dict,
    category_problems,
    load_thesaurus,
    qualify,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "Candidate",
    "Category",
    "Match",
    "Qualification",
    "RoutingRequest",
    "RoutingResult",
    "RoutingSettings",
    "Stop",
    "Suggestion",
    "Thesaurus",
    "category_from_dict",
    "category_problems",
    "load_thesaurus",
    "max_distance",
    "meets_accessibility",
    "needed_codes",
    "production_required",
    "qualify",
    "route",
]
