"""Errors that are lexproof's fault, not the user's."""


class InternalError(Exception):
    """The solver and the evaluator disagree, or an invariant broke. Reported with exit code 4
    and a request to file a bug: a wrong 'proved' is the worst thing this tool can do."""
