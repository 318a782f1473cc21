"""Every write of the library: one function each, keyword-only, in a transaction, recording who acted."""


class ActionRefused(Exception):
    """Why a write cannot happen, in French, fit to show to the person who asked."""
