"""Products with a parameter stay linear in the encoding (issue 12, performance).

A parameter is encoded as an unknown tied to its value by a tracked equation (so that a proof
can say it rests on it). ``kinderen * per_kind`` was therefore a product of two unknowns, which
brought in z3's nonlinear solver for every question about the decision (the 10,000-rule
benchmark of products and rounding spent most of its time there). These tests pin that no
product of two unknowns is left where one factor is a parameter, and that the encoding still
gives the evaluator's value on every case.
"""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import z3
from test_soundness import encoding_disagreements

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import version_on
from lexproof.dsl.parser import parse_text
from lexproof.verifier.encoding import Encoder

DAY = dt.date(2026, 6, 1)

PARAMETER_PRODUCTS = """\
statute P
facts F {
  kinderen: int 0..4
  uren: int 0..300
  inkomen: money €0..€100_000
  dag: bool
}
parameter per_kind: money [art. 1] = €25
parameter toeslag: money [art. 1 lid 2]
  = €3 from 2025-01-01
  = €4 from 2026-01-01
parameter factor: int [art. 1 lid 3] = 3
table bedrag [art. 2]: money -> money { up to €20_000: per_kind  above: toeslag }
decision gezin: money [art. 3] otherwise kinderen * per_kind
decision dubbel: money [art. 4] otherwise per_kind * factor * kinderen
decision tabel: money [art. 5] otherwise bedrag(inkomen) * kinderen
decision keuze: money [art. 6] otherwise (if dag then per_kind else toeslag) * uren
decision som: money [art. 7] otherwise (per_kind + toeslag) * kinderen
decision afgerond: money [art. 8] otherwise round_down(kinderen * toeslag * 12 / 7, €1)
"""


def load():
    (statute,) = check_files([parse_text(PARAMETER_PRODUCTS, "p.law")]).statutes.values()
    return statute, version_on(statute, DAY)


def nonlinear_products(terms: list[z3.ExprRef]) -> list[str]:
    """Every multiplication in ``terms`` with two or more factors that are not numerals."""
    found: list[str] = []
    seen: set[int] = set()
    stack = list(terms)
    while stack:
        term = stack.pop()
        if term.get_id() in seen:
            continue
        seen.add(term.get_id())
        if z3.is_mul(term):
            unknown = [a for a in term.children() if not _is_numeral(a)]
            if len(unknown) >= 2:
                found.append(str(term))
        stack.extend(term.children())
    return found


def _is_numeral(term: z3.ExprRef) -> bool:
    if z3.is_to_real(term):
        term = term.arg(0)
    return z3.is_int_value(term) or z3.is_rational_value(term)


def test_products_with_a_parameter_are_linear() -> None:
    statute, version = load()
    encoder = Encoder(statute, {None: version})
    for name in statute.decisions:
        encoder.decision(name)
    terms = encoder.hard_constraints() + encoder.tracked_constraints()
    assert nonlinear_products(terms) == []


def test_products_with_a_parameter_agree_with_the_evaluator() -> None:
    statute, version = load()
    cases = [
        {"kinderen": kinderen, "uren": uren, "inkomen": Fraction(inkomen), "dag": dag}
        for kinderen, uren, inkomen, dag in itertools.product(range(5), (0, 1, 229, 300), (0, 20_000, 20_001), (True, False))
    ]
    assert len(cases) == 5 * 4 * 3 * 2
    assert encoding_disagreements(statute, version, cases) == []


ITEM_PRODUCT = """\
statute I
parameter max_uurprijs: money [art. 1] = €10.71
items kind up to 4 { uren: int 0..300  uurprijs: money €0..€15 }
decision kosten: money per kind [art. 2] otherwise min(uren, 230) * min(uurprijs, max_uurprijs)
decision totaal: money [art. 3] otherwise sum(kind: kosten)
"""


def test_a_product_of_an_items_bounded_facts_is_linear_and_not_warned_about() -> None:
    program = check_files([parse_text(ITEM_PRODUCT, "i.law")])
    assert program.warnings == []
    (statute,) = program.statutes.values()
    encoder = Encoder(statute, {None: version_on(statute, DAY)})
    encoder.decision("totaal")
    assert nonlinear_products(encoder.hard_constraints() + encoder.tracked_constraints()) == []


def test_a_product_of_two_unbounded_item_facts_is_warned_about() -> None:
    """The other side: the defaults of decisions per item are looked at for the warning."""
    program = check_files([parse_text(ITEM_PRODUCT.replace("uurprijs: money €0..€15", "uurprijs: money")
                                      .replace("uren: int 0..300", "uren: int"), "i.law")])
    assert [w.message.split(":")[0] for w in program.warnings] == ["nonlinear"]


def test_two_versions_share_a_parameter_with_the_same_value() -> None:
    """So that min(uren, max_uren) and everything built on it is one term in a diff: the bits
    and floors over it need not be proved equal between the versions."""
    statute, _ = load()
    early, late = version_on(statute, dt.date(2025, 6, 1)), version_on(statute, DAY)
    encoder = Encoder(statute, {"before": early, "after": late})
    assert encoder.param("per_kind", "before", None).eq(encoder.param("per_kind", "after", None))  # €25 in both
    assert not encoder.param("toeslag", "before", None).eq(encoder.param("toeslag", "after", None))  # €3, €4
    assert encoding_disagreements(statute, early, [{"kinderen": 2, "uren": 3, "inkomen": Fraction(0), "dag": True}]) == []
