"""Hypothesis strategies for cases of a statute, for property-based tests of your own:

    from hypothesis import given
    from lexproof.verifier import api
    from lexproof.verifier.strategies import cases

    program = api.load("statutes/lll")
    statute = program.statutes["WSF2000"]

    @given(cases(statute, "Aanvrager", opleiding="mbo_bbl"))
    def test_bbl_never_gets_more_than_the_cap(case):
        result = api.evaluate(program, case, date="2027-09-01", amendment="uitbreiding_mbo")
        ...

Every generated case lies in the facts' domain, as the solver sees it: ints and dates within
their ranges, enum values by name, money in whole cents, rates and numbers as exact decimals
(up to six places, so that every case can be written to a case file) within their ranges. The values are the Python forms ``api.evaluate`` accepts: ``bool``, ``int``,
``str`` (enum value), ``Fraction`` (money in euros, rate, number), ``datetime.date``.
``case_to_json`` turns a case into the JSON form of case files (``lexproof eval --case``).

Unbounded ints and money are unbounded here too. Two windows keep values printable: a rate
or number without a bound is drawn from -1,000,000..1,000,000 (beyond that its decimal form loses
digits), a date without a range from 2000-01-01..2040-12-31 (``lexproof.verifier.sampling``, so that
date arithmetic stays within what ``datetime`` can show). A fact's ``typical`` value is where shrinking ends up, so failing cases
read like the counterexamples of ``lexproof check``. A fact's default (``= VALUE``) is its
typical value when it has no ``typical`` of its own; like ``typical``, it never narrows the
values drawn (a default is not an assumption).
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from pathlib import Path

from hypothesis import strategies as st

from lexproof.dsl.model import FactInfo, Program, StatuteModel
from lexproof.dsl.values import parse_value, to_json
from lexproof.verifier.sampling import date_bounds

__all__ = ["cases", "fact_values", "case_to_json"]

RATE_SCALE = 10**6  # rates are drawn in steps of 0.000001
UNBOUNDED_RATE = 10**6  # an unbounded side of a rate's range (keeps decimals within 28 digits)


def _statute(statute: StatuteModel | Program | str | Path) -> StatuteModel:
    if isinstance(statute, StatuteModel):
        return statute
    if isinstance(statute, (str, Path)):
        from lexproof.verifier import api

        statute = api.load(statute)
    if isinstance(statute, Program):
        if len(statute.statutes) != 1:
            names = ", ".join(statute.statutes) or "none"
            raise ValueError(f"the program holds several statutes ({names}); pass one: program.statutes['NAME']")
        return next(iter(statute.statutes.values()))
    raise TypeError(f"expected a StatuteModel, a Program or a path, got {type(statute).__name__}")


def _python(value: object, fact: FactInfo) -> object:
    """An engine value as the Python value ``cases`` produces (dates as ``datetime.date``)."""
    if fact.type.kind == "date":
        return dt.date.fromordinal(int(value))  # type: ignore[call-overload]
    if fact.type.kind in ("money", "rate", "number"):
        return Fraction(value)  # type: ignore[arg-type]
    return value


def fact_values(statute: StatuteModel | Program | str | Path, fact: str) -> st.SearchStrategy:
    """Values of one fact, within its domain."""
    model = _statute(statute)
    info = model.facts.get(fact)
    if info is None:
        raise ValueError(f"'{fact}' is not a fact of {model.name}{_suggest(fact, list(model.facts))}")
    return _values(model, info)


def _values(statute: StatuteModel, fact: FactInfo) -> st.SearchStrategy:
    kind = fact.type.kind
    if kind == "bool":
        base: st.SearchStrategy = st.booleans()
    elif kind == "enum":
        base = st.sampled_from(statute.enums[fact.type.enum])  # type: ignore[index]
    elif kind == "int":
        base = st.integers(
            min_value=None if fact.low is None else int(fact.low),  # type: ignore[call-overload]
            max_value=None if fact.high is None else int(fact.high),  # type: ignore[call-overload]
        )
    elif kind == "money":
        low = None if fact.low is None else math.ceil(Fraction(fact.low) * 100)  # type: ignore[arg-type]
        high = None if fact.high is None else math.floor(Fraction(fact.high) * 100)  # type: ignore[arg-type]
        base = st.integers(min_value=low, max_value=high).map(lambda cents: Fraction(cents, 100))
    elif kind in ("rate", "number"):
        # Finite decimals only (6 places): what case files and literals can write (96%, 0.125).
        low_rate = Fraction(fact.low) if fact.low is not None else -UNBOUNDED_RATE  # type: ignore[arg-type]
        high_rate = Fraction(fact.high) if fact.high is not None else UNBOUNDED_RATE  # type: ignore[arg-type]
        low, high = math.ceil(low_rate * RATE_SCALE), math.floor(high_rate * RATE_SCALE)
        base = st.integers(min_value=low, max_value=high).map(lambda units: Fraction(units, RATE_SCALE))
    elif kind == "date":
        low, high = date_bounds(fact)
        base = st.dates(min_value=dt.date.fromordinal(low), max_value=dt.date.fromordinal(high))
    else:  # pragma: no cover - the checker knows no other types
        raise ValueError(f"fact {fact.name} has an unknown type {fact.type}")
    if fact.typical is not None:
        # one_of shrinks towards its first branch: failing cases end up at the typical value.
        return st.one_of(st.just(_python(fact.typical, fact)), base)
    return base


def _override(statute: StatuteModel, fact: FactInfo, value: object) -> st.SearchStrategy:
    if isinstance(value, st.SearchStrategy):
        return value
    from lexproof.dsl.checker import range_problem

    try:
        parsed = parse_value(value, fact.type, statute.enums.get(fact.type.enum or "", ()))
    except ValueError as error:
        raise ValueError(f"{fact.name}: {error}") from None
    problem = range_problem(fact, parsed)
    if problem:
        raise ValueError(problem)
    return st.just(_python(parsed, fact))


def cases(statute: StatuteModel | Program | str | Path, facts: str | None = None, /,
          **overrides: object) -> st.SearchStrategy[dict[str, object]]:
    """Valid cases of ``statute`` (a StatuteModel, a Program with one statute, or a path).

    ``facts`` names the facts group (optional when there is one). A case always holds every
    fact of the statute, because ``api.evaluate`` needs them all. ``overrides`` fix a fact
    (``opleiding="mbo_bbl"``, ``inkomen="€30,000"``: JSON-style or Python values, checked
    against the domain now) or give its strategy (``leeftijd=st.integers(30, 40)``, not checked:
    the strategy must stay within the domain).
    """
    model = _statute(statute)
    if facts is not None and facts not in model.groups:
        raise ValueError(f"'{facts}' is not a facts group of {model.name}{_suggest(facts, list(model.groups))}")
    unknown = [name for name in overrides if name not in model.facts and name not in model.top_kinds()]
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a fact of {model.name}{_suggest(unknown[0], list(model.facts))}")
    strategies = {
        name: _override(model, info, overrides[name]) if name in overrides else _values(model, info)
        for name, info in model.facts.items()
    }
    for kind in model.top_kinds():  # the items of each kind, 0 to its maximum
        override = overrides.get(kind)
        if override is not None and not isinstance(override, st.SearchStrategy):
            raise ValueError(f"{kind}: give a strategy for the list of items (e.g. st.just([...]))")
        strategies[kind] = override if override is not None else _items(model, kind)
    order = tuple(model.facts) + tuple(model.top_kinds())
    return st.fixed_dictionaries(strategies).map(lambda case: {name: case[name] for name in order})


def _items(statute: StatuteModel, kind: str) -> st.SearchStrategy:
    """Lists of 0 to the maximum items of ``kind``, each with its facts and its own kinds' lists."""
    info = statute.kinds[kind]
    fields = {name: _values(statute, statute.item_facts[name]) for name in info.facts}
    fields.update({child: _items(statute, child) for child in statute.child_kinds(kind)})
    return st.lists(st.fixed_dictionaries(fields), max_size=info.maximum)


def _items_to_json(statute: StatuteModel, kind: str, listed: list[dict]) -> list[dict]:
    result = []
    for item in listed:
        entry: dict[str, object] = {}
        for name, value in item.items():
            if name in statute.kinds:
                entry[name] = _items_to_json(statute, name, value)  # type: ignore[arg-type]
                continue
            fact = statute.item_facts[name]
            entry[name] = to_json(parse_value(value, fact.type, statute.enums.get(fact.type.enum or "", ())), fact.type)
        result.append(entry)
    return result


def case_to_json(statute: StatuteModel | Program | str | Path, case: dict[str, object]) -> dict[str, object]:
    """A case as in a case file: numbers for int, strings for money ("1118.00"), rates ("0.96")
    and dates ("2025-09-01"), enum names, booleans; items as lists of such objects."""
    model = _statute(statute)
    result: dict[str, object] = {}
    for name, value in case.items():
        if name in model.kinds:
            result[name] = _items_to_json(model, name, value)  # type: ignore[arg-type]
            continue
        fact = model.facts[name]
        engine = parse_value(value, fact.type, model.enums.get(fact.type.enum or "", ()))
        result[name] = to_json(engine, fact.type)
    return result


def _suggest(name: str, known: list[str]) -> str:
    from lexproof.dsl.typing import suggest

    return suggest(name, known) or (f" (known: {', '.join(known)})" if known else "")
