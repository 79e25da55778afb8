"""Random cases within a statute's domain, for sampling proved properties and for tests.

The hypothesis strategies in ``lexproof.verifier.strategies`` build on the same domain description.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from fractions import Fraction

from lexproof.dsl.model import FactInfo, StatuteModel

UNBOUNDED_INT = 1000
UNBOUNDED_MONEY_CENTS = 10_000_000
DATE_LOW, DATE_HIGH = dt.date(2000, 1, 1).toordinal(), dt.date(2040, 12, 31).toordinal()


def int_bounds(fact: FactInfo) -> tuple[int, int]:
    """The bounds sampled for an int fact (its range, or a generous window)."""
    low = fact.low if fact.low is not None else (-UNBOUNDED_INT if fact.high is None else fact.high - 2 * UNBOUNDED_INT)
    high = fact.high if fact.high is not None else low + 2 * UNBOUNDED_INT
    return int(low), int(high)  # type: ignore[call-overload]


def cents_bounds(fact: FactInfo) -> tuple[int, int]:
    low = int(fact.low * 100) if fact.low is not None else 0  # type: ignore[operator]
    high = int(fact.high * 100) if fact.high is not None else low + UNBOUNDED_MONEY_CENTS  # type: ignore[operator]
    return low, high


def date_bounds(fact: FactInfo) -> tuple[int, int]:
    low = int(fact.low) if fact.low is not None else DATE_LOW  # type: ignore[call-overload]
    high = int(fact.high) if fact.high is not None else max(low, DATE_HIGH)  # type: ignore[call-overload]
    return low, high


def rate_bounds(fact: FactInfo) -> tuple[Fraction, Fraction]:
    low = Fraction(fact.low) if fact.low is not None else Fraction(0)  # type: ignore[arg-type]
    high = Fraction(fact.high) if fact.high is not None else low + 2  # type: ignore[arg-type]
    return low, high


def random_value(fact: FactInfo, statute: StatuteModel, rng: random.Random, versions=()) -> object:
    """``versions``: enum values only those every one of them has (amendments may add some)."""
    return value_sampler(fact, statute, versions)(rng)


def value_sampler(fact: FactInfo, statute: StatuteModel, versions=()) -> Callable[[random.Random], object]:
    """``random_value`` for one fact, with its bounds (and enum values) worked out once: the
    checks' witness search draws tens of thousands of cases of the same facts
    (verifier/witness_search.py), and working them out per draw was most of its time. Draws
    the same values from the same generator as ``random_value``."""
    kind = fact.type.kind
    if kind == "bool":
        return lambda rng: rng.random() < 0.5
    if kind == "enum":
        values = [v for v in statute.enums[fact.type.enum]  # type: ignore[index]
                  if all(v in version.enum_values(fact.type.enum) for version in versions)]
        return lambda rng: rng.choice(values)
    if kind == "int":
        low, high = int_bounds(fact)
        return lambda rng: _edge_biased(rng, low, high)
    if kind == "money":
        low, high = cents_bounds(fact)
        return lambda rng: Fraction(_edge_biased(rng, low, high), 100)
    if kind == "date":
        low, high = date_bounds(fact)
        return lambda rng: _edge_biased(rng, low, high)
    low_rate, high_rate = rate_bounds(fact)
    steps = 1000
    return lambda rng: low_rate + (high_rate - low_rate) * Fraction(rng.randint(0, steps), steps)


def _edge_biased(rng: random.Random, low: int, high: int) -> int:
    """Boundaries and small values find more bugs than uniform draws alone."""
    roll = rng.random()
    if roll < 0.1:
        return low
    if roll < 0.2:
        return high
    return rng.randint(low, high)


def random_case(statute: StatuteModel, rng: random.Random, versions=()) -> dict[str, object]:
    case = {name: random_value(fact, statute, rng, versions) for name, fact in statute.facts.items()}
    for kind in statute.top_kinds():
        case[kind] = random_items(statute, kind, rng, versions)
    return case


def random_items(statute: StatuteModel, kind: str, rng: random.Random, versions=()) -> list[dict]:
    """0 to the maximum items of ``kind`` (the ends as often as the middle), with their facts
    and their own kinds' items."""
    maximum = statute.kinds[kind].maximum
    count = _edge_biased(rng, 0, maximum)
    result = []
    for _ in range(count):
        item: dict[str, object] = {
            name: random_value(statute.item_facts[name], statute, rng, versions) for name in statute.kinds[kind].facts
        }
        for child in statute.child_kinds(kind):
            item[child] = random_items(statute, child, rng, versions)
        result.append(item)
    return result
