"""Funding schemes against projects: calendars, perimeters, search and matching with reasons; plain Python, no Django.

The ``funding`` app turns its schemes into ``SchemeFacts`` and a request, a place or an action sheet into a
``Project``; everything here can be tested and benchmarked alone.
"""

from funding_match.calendar import (
    MonthDay,
    Schedule,
    closes_within,
    describe,
    is_open,
    next_deadline,
    next_opening,
    state,
)
from funding_match.engine import MatchSettings, Project, SchemeFacts, amount_label, assess, match
from funding_match.perimeter import Area, Location, contains, covering, scope_rank
from funding_match.search import Catalogue, Found, Query

__all__ = [
    "Area",
    "Catalogue",
    "Found",
    "Location",
    "MatchSettings",
    "MonthDay",
    "Project",
    "Query",
    "Schedule",
    "SchemeFacts",
    "amount_label",
    "assess",
    "closes_within",
    "contains",
    "covering",
    "describe",
    "is_open",
    "match",
    "next_deadline",
    "next_opening",
    "scope_rank",
    "state",
]
